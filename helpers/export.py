"""Export a PyTorch model to one checked, self-contained ONNX file with a dynamic batch dimension."""

from __future__ import annotations

import contextlib
import inspect
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import onnx
import torch
from torch import nn

from .errors import missing_file_error

__all__ = [
    "TensorInfo",
    "ExportReport",
    "export_model",
    "load_onnx",
    "tensor_infos",
    "ensure_linear_onnx",
    "strip_stack_traces",
    "DEFAULT_OPSET",
]

DEFAULT_OPSET = 18


@dataclass(frozen=True)
class TensorInfo:
    """Name, element type and shape of a graph input or output; symbolic dimensions are strings."""

    name: str
    dtype: str
    shape: tuple[int | str | None, ...]

    def __str__(self) -> str:
        dims = ", ".join("?" if d is None else str(d) for d in self.shape)
        return f"{self.name}: {self.dtype}[{dims}]"


def _dtype_name(elem_type: int) -> str:
    try:
        return str(onnx.helper.tensor_dtype_to_np_dtype(elem_type))
    except (KeyError, ValueError, TypeError):
        return onnx.TensorProto.DataType.Name(elem_type).lower()


def _tensor_info(value: onnx.ValueInfoProto) -> TensorInfo:
    tensor_type = value.type.tensor_type
    dims: list[int | str | None] = []
    for dim in tensor_type.shape.dim:
        if dim.HasField("dim_value"):
            dims.append(dim.dim_value)
        elif dim.HasField("dim_param"):
            dims.append(dim.dim_param)
        else:
            dims.append(None)
    return TensorInfo(value.name, _dtype_name(tensor_type.elem_type), tuple(dims))


def tensor_infos(model: onnx.ModelProto) -> tuple[list[TensorInfo], list[TensorInfo]]:
    """The graph's real inputs (initializers excluded) and outputs as TensorInfo lists."""
    initializers = {init.name for init in model.graph.initializer}
    inputs = [_tensor_info(v) for v in model.graph.input if v.name not in initializers]
    return inputs, [_tensor_info(v) for v in model.graph.output]


def load_onnx(path: str | Path | onnx.ModelProto, *, check: bool = True) -> onnx.ModelProto:
    """Load an ONNX file (or pass a ModelProto through), with errors that say what went wrong."""
    if isinstance(path, onnx.ModelProto):
        return path
    path = Path(path)
    if not path.exists():
        raise missing_file_error(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder; pass the path of a .onnx file inside it.")
    try:
        model = onnx.load(str(path))
    except Exception as exc:  # protobuf DecodeError and friends
        raise ValueError(f"{path} is not a readable ONNX model ({type(exc).__name__}: {exc}). The file may be "
                         "truncated or of another type; export it again with helpers.export_model().") from None
    if check:
        try:
            onnx.checker.check_model(model)
        except onnx.checker.ValidationError as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else "empty model"
            raise ValueError(f"{path} is not a valid ONNX model ({first_line}). The file may be truncated or "
                             "of another type; export it again with helpers.export_model().") from None
    return model


@dataclass
class ExportReport:
    """What ``export_model`` wrote and verified."""

    path: Path
    opset: int
    ir_version: int
    producer: str
    inputs: list[TensorInfo]
    outputs: list[TensorInfo]
    file_size: int
    sidecar_files: list[str] = field(default_factory=list)
    max_abs_diff: float | None = None
    checked: bool = False

    @property
    def dynamic_batch(self) -> bool:
        """True when every input's first dimension is symbolic."""
        return all(info.shape and isinstance(info.shape[0], str) for info in self.inputs)

    def __str__(self) -> str:
        lines = [
            f"ONNX file      {self.path.as_posix()} ({self.file_size:,} bytes, one file: {not self.sidecar_files})",
            f"opset / IR     {self.opset} / {self.ir_version}   producer: {self.producer}",
            *(f"input          {info}" for info in self.inputs),
            *(f"output         {info}" for info in self.outputs),
            f"checker        {'passed (full check, shape inference)' if self.checked else 'not run'}",
        ]
        if self.max_abs_diff is not None:
            lines.append(f"parity         max |PyTorch - onnxruntime| = {self.max_abs_diff:.1e}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython display
        printer.text(str(self))


def export_model(model: nn.Module, example_input: torch.Tensor | Sequence[torch.Tensor], onnx_path: str | Path, *,
                 input_names: Sequence[str] = ("features",), output_names: Sequence[str] = ("prediction",),
                 dynamic_batch: bool = True, opset: int = DEFAULT_OPSET, verify: bool = True,
                 quiet: bool = True, keep_stack_traces: bool = False,
                 dynamic_shapes: Sequence[dict] | None = None,
                 custom_translation_table: dict | None = None) -> ExportReport:
    """Export ``model`` with the current (dynamo) exporter into one checked ``.onnx`` file.

    Puts the model in eval mode, names inputs and outputs, makes dimension 0 of every input a
    symbolic ``batch`` (unless ``dynamic_batch=False``; pass ``dynamic_shapes``, one dict per input,
    to declare other ``torch.export.Dim``s; ``custom_translation_table`` maps custom PyTorch operators
    to onnxscript functions, see notebook 08), embeds the weights (no ``.onnx.data``
    sidecar), runs the full ONNX checker with shape inference and, with ``verify=True``, compares
    onnxruntime's output with PyTorch's on ``example_input``. The exporter's per-node Python stack
    traces (absolute paths of your machine) are removed unless ``keep_stack_traces=True``.

    Returns:
        An ExportReport: path, opset, IR version, inputs/outputs with shapes, file size and parity.
    """
    examples = (example_input,) if isinstance(example_input, torch.Tensor) else tuple(example_input)
    if len(input_names) != len(examples):
        raise ValueError(f"Got {len(examples)} example input(s) but {len(input_names)} input name(s) "
                         f"{list(input_names)}; give one name per input.")
    onnx_path = Path(onnx_path)
    onnx_path.parent.mkdir(parents=True, exist_ok=True)
    model = model.eval()
    traced = examples
    dynamic_shapes = None
    if dynamic_shapes is not None:
        dynamic_shapes = tuple(dynamic_shapes)
        if _takes_varargs(model):
            dynamic_shapes = (dynamic_shapes,)
    elif dynamic_batch:
        batch = torch.export.Dim("batch")
        dynamic_shapes = tuple({0: batch} for _ in examples)
        if _takes_varargs(model):  # forward(self, *inputs): the specs sit in one tuple for ``inputs``
            dynamic_shapes = (dynamic_shapes,)
        # A batch of 1 would be specialised to the constant 1; trace with 2 rows instead.
        traced = tuple(t.repeat(2, *([1] * (t.dim() - 1))) if t.shape[0] == 1 else t for t in examples)
    sink = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        warnings.simplefilter("ignore")
        try:
            torch.onnx.export(model, traced, str(onnx_path), input_names=list(input_names),
                              output_names=list(output_names), dynamic_shapes=dynamic_shapes,
                              opset_version=opset, external_data=False, dynamo=True, verbose=False,
                              custom_translation_table=custom_translation_table)
        except Exception as exc:
            if not quiet:
                print(sink.getvalue())
            raise RuntimeError(f"torch.onnx.export failed for {type(model).__name__}: {type(exc).__name__}: "
                               f"{_first_line(exc)}\nSee notebook 07 for reading export errors; call export_model("
                               "..., quiet=False) to see the exporter's log.") from exc
    if not quiet:
        print(sink.getvalue())
    if not keep_stack_traces:
        strip_stack_traces(onnx_path)
    return _report(model, examples, onnx_path, verify)


def strip_stack_traces(onnx_path: str | Path) -> int:
    """Remove the exporter's ``pkg.torch.onnx.stack_trace`` node metadata (it holds absolute file paths)."""
    proto = onnx.load(str(onnx_path))
    removed = 0
    for node in _nodes_everywhere(proto):
        keep = [p for p in node.metadata_props if p.key != "pkg.torch.onnx.stack_trace"]
        removed += len(node.metadata_props) - len(keep)
        del node.metadata_props[:]
        node.metadata_props.extend(keep)
    if removed:
        onnx.save(proto, str(onnx_path))
    return removed


def iter_nodes(graph: onnx.GraphProto):
    """Every node of ``graph`` and, recursively, of its subgraphs (``If``/``Loop``/``Scan`` bodies)."""
    for node in graph.node:
        yield node
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.GRAPH:
                yield from iter_nodes(attribute.g)
            elif attribute.type == onnx.AttributeProto.GRAPHS:
                for sub in attribute.graphs:
                    yield from iter_nodes(sub)


def _nodes_everywhere(model: onnx.ModelProto):
    """The nodes of the main graph, its subgraphs and the model's local functions."""
    yield from iter_nodes(model.graph)
    for function in model.functions:
        yield from function.node


def _takes_varargs(model: nn.Module) -> bool:
    parameters = inspect.signature(model.forward).parameters.values()
    return any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else "(no message)"


def _report(model: nn.Module, examples: tuple[torch.Tensor, ...], onnx_path: Path, verify: bool) -> ExportReport:
    proto = onnx.load(str(onnx_path))
    onnx.checker.check_model(proto, full_check=True)  # full_check also runs strict shape inference
    inputs, outputs = tensor_infos(proto)
    sidecars = sorted(p.name for p in onnx_path.parent.glob(onnx_path.name + ".data"))
    report = ExportReport(
        path=onnx_path,
        opset=next(o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")),
        ir_version=proto.ir_version,
        producer=f"{proto.producer_name} {proto.producer_version}".strip(),
        inputs=inputs, outputs=outputs, file_size=onnx_path.stat().st_size,
        sidecar_files=sidecars, checked=True,
    )
    if verify:
        from .runtime import create_session

        session = create_session(onnx_path, device="cpu")
        with torch.no_grad():
            expected = model(*examples)
        expected_list = [expected] if isinstance(expected, torch.Tensor) else list(expected)
        got = session.run(dict(zip((i.name for i in inputs), examples)))
        report.max_abs_diff = max(float(np.max(np.abs(e.numpy() - g))) for e, g in zip(expected_list, got.values()))
    return report


def ensure_linear_onnx(directory: str | Path | None = None) -> Path:
    """The course's exported Linear model (``linear.onnx``), exporting it if notebook 02 has not run here."""
    from .environment import artifacts_dir
    from .models import ensure_trained_linear

    directory = Path(directory or artifacts_dir())
    onnx_path = directory / "linear.onnx"
    if not onnx_path.exists():
        model, _ = ensure_trained_linear(directory)
        export_model(model, torch.randn(2, 10), onnx_path)
    return onnx_path
