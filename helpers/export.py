"""Export a PyTorch model to one checked, self-contained ONNX file with a dynamic batch (notebook 02 on)."""

from __future__ import annotations

import contextlib
import inspect
import io
import numbers
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import onnx
import torch
from torch import nn

from .onnx_file import (DEFAULT_OPSET, TensorInfo, default_opset, is_plain_export, iter_nodes, load_onnx,
                        own_export_ops, refuse_another_models_export, strip_stack_traces, tensor_infos)
from .compare import compare_all
from .errors import output_file, require_bool
from .runtime import create_session

__all__ = ["TensorInfo", "ExportReport", "export_model", "load_onnx", "tensor_infos", "strip_stack_traces",
           "DEFAULT_OPSET", "iter_nodes"]


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
    _check_opset(opset)
    opset = int(opset)  # a NumPy integer too
    if isinstance(model, type) and issubclass(model, nn.Module):
        raise TypeError(f"export_model got the class {model.__name__}, not a model: call it first, "
                        f"{model.__name__}() (and train it).")
    if not isinstance(model, nn.Module):
        raise TypeError(f"export_model needs a torch.nn.Module, got a {type(model).__name__}. Wrap the computation "
                        "in a Module whose forward() does it.")
    if isinstance(example_input, np.ndarray):  # one array, as onnxruntime takes it: one input, not one per row
        example_input = torch.from_numpy(example_input)
    if isinstance(example_input, torch.Tensor):
        examples = (example_input,)
    elif isinstance(example_input, (list, tuple)) and all(isinstance(t, torch.Tensor) for t in example_input):
        examples = tuple(example_input)
    else:
        raise TypeError(f"example_input must be a tensor (or NumPy array), or a tuple of tensors for a model with "
                        f"several inputs; got {type(example_input).__name__}.")
    if not isinstance(dynamic_batch, bool):
        raise TypeError(f"dynamic_batch is True or False, got {dynamic_batch!r}.")
    if custom_translation_table is not None and not isinstance(custom_translation_table, dict):
        raise TypeError("custom_translation_table maps each custom operator to its onnxscript function: a dict such "
                        "as {torch.ops.mylib.op.default: function}, not a " + type(custom_translation_table).__name__ + ".")
    for what, names in (("input_names", input_names), ("output_names", output_names)):
        if isinstance(names, str) or not all(isinstance(n, str) for n in names):
            raise TypeError(f"{what} takes a list of names, one per {what[:-6]}: {what}=[{names!r}], not {names!r}.")
        if any(not n.strip() for n in names):
            raise ValueError(f"{what} has an empty name ({list(names)}): ONNX names every value; give each a word, "
                             f"such as 'features'.")
    every = [*input_names, *output_names]
    if len(set(every)) != len(every):
        raise ValueError(f"Every input and output needs a name of its own (an ONNX graph names each value once); got "
                         f"input_names={list(input_names)} and output_names={list(output_names)}.")
    for flag, value in (("verify", verify), ("quiet", quiet), ("keep_stack_traces", keep_stack_traces)):
        require_bool(value, flag)
    if verify and any(t.is_floating_point() and not torch.isfinite(t).all() for t in examples):
        raise ValueError("The example input holds NaN or infinite values: verification compares onnxruntime with "
                         "PyTorch on it and would compare nothing. Export with a finite example (torch.randn(...)), "
                         "or pass verify=False.")  # checked before the file is written, not after
    _check_arity(model, examples)
    if len(input_names) != len(examples) and tuple(input_names) == ("features",):  # the default, for one input
        parameters = [n for n, p in inspect.signature(model.forward).parameters.items()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)][:len(examples)]
        raise ValueError(f"This model takes {len(examples)} inputs, and export_model names only one by default "
                         f"('features'): pass one name per input, e.g. input_names={parameters or ['a', 'b']!r}.")
    if len(input_names) != len(examples):
        raise ValueError(f"Got {len(examples)} example input(s) but {len(input_names)} input name(s) "
                         f"{list(input_names)}; give one name per input.")
    if isinstance(dynamic_shapes, dict):
        raise TypeError(f"dynamic_shapes takes one dict per input, in a tuple: dynamic_shapes=({dynamic_shapes!r},).")
    if dynamic_shapes is not None:
        dynamic_shapes = tuple(dynamic_shapes)
        if _takes_varargs(model) and len(dynamic_shapes) == 1 and isinstance(dynamic_shapes[0], (tuple, list)) and \
                len(dynamic_shapes[0]) == len(examples) and all(isinstance(spec, dict) or spec is None
                                                                for spec in dynamic_shapes[0]):
            # Already in torch.onnx.export's form for forward(self, *inputs), one tuple for ``inputs``
            # (notebook 04 writes it so): unwrap it, as it is wrapped again below.
            dynamic_shapes = tuple(dynamic_shapes[0])
    _check_batch_declared(dynamic_shapes, dynamic_batch, examples, input_names)
    onnx_path = output_file(onnx_path, "export_model's onnx_path", (".onnx",), replaceable=is_plain_export)
    previous_ops = own_export_ops(onnx_path)  # an earlier export: replaced by the same graph only
    written = onnx_path if previous_ops is None else onnx_path.with_name(f".{onnx_path.stem}.exporting.onnx")
    model = model.eval()
    _check_runs_in_pytorch(model, examples, output_names)
    traced = examples
    batch_requested = dynamic_batch and dynamic_shapes is None  # the default: a symbolic batch, checked after
    if dynamic_shapes is not None:
        if _takes_varargs(model):
            dynamic_shapes = (dynamic_shapes,)
    elif dynamic_batch:
        batch = torch.export.Dim("batch")
        dynamic_shapes = tuple({0: batch} for _ in examples)
        if _takes_varargs(model):  # forward(self, *inputs): the specs sit in one tuple for ``inputs``
            dynamic_shapes = (dynamic_shapes,)
        # Trace with 2 rows or more: torch.onnx.export keeps a 1-row batch symbolic, but torch.export.export
        # (which it builds on) and the older exporters specialise a size-1 dimension to the constant 1.
        traced = tuple(t.repeat(2, *([1] * (t.dim() - 1))) if t.shape[0] == 1 else t for t in examples)
    sink = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        warnings.simplefilter("ignore")
        try:
            torch.onnx.export(model, traced, str(written), input_names=list(input_names),
                              output_names=list(output_names), dynamic_shapes=dynamic_shapes,
                              opset_version=opset, external_data=False, dynamo=True, verbose=False,
                              custom_translation_table=custom_translation_table)
        except Exception as exc:
            if written != onnx_path:  # the side file of a replacement: nothing may stay behind
                written.unlink(missing_ok=True)
            if not quiet:
                print(sink.getvalue())
            raise RuntimeError(f"torch.onnx.export failed for {type(model).__name__}: {root_cause(exc)}\n"
                               "See notebook 07 for reading export errors; call export_model(..., quiet=False) "
                               "to see the exporter's log.") from exc
    if not quiet:
        print(sink.getvalue())
    refuse_another_models_export(onnx_path, previous_ops, written)
    try:
        if not keep_stack_traces:
            strip_stack_traces(onnx_path)
        report = _report(model, examples, onnx_path, verify)
        _check_written(report, opset, examples, batch_requested)
    except ValueError as refused:  # a file that is not what was asked for must not wait for the next cell to load it
        onnx_path.unlink(missing_ok=True)
        raise ValueError(f"{refused} (The file was deleted.)") from refused
    return report


def _check_batch_declared(dynamic_shapes: Any, dynamic_batch: bool, examples: tuple[torch.Tensor, ...],
                          input_names: Sequence[str]) -> None:
    """``dynamic_shapes`` replaces the default batch: refuse one that leaves dimension 0 fixed unless asked to."""
    if dynamic_shapes is None or not dynamic_batch:
        return
    for name, spec, example in zip(input_names, dynamic_shapes, examples):
        fixed = spec is None or (isinstance(spec, dict) and 0 not in spec) or (
            isinstance(spec, (list, tuple)) and (not spec or spec[0] is None))
        if fixed and example.dim() > 0:
            raise ValueError(f"dynamic_shapes replaces the default dynamic batch, and its spec for {name!r} ({spec!r}) "
                             f"leaves dimension 0 fixed at {example.shape[0]}. Add 0: Dim('batch') to it, or pass "
                             "dynamic_batch=False to keep that size fixed on purpose.")


def _check_opset(opset: int) -> None:
    """Refuse an opset that cannot be written before anything is exported."""
    if isinstance(opset, bool) or not isinstance(opset, numbers.Integral):
        raise TypeError(f"opset must be an int such as {DEFAULT_OPSET}, got {opset!r}.")
    newest = onnx.defs.onnx_opset_version()
    if not 7 <= opset <= newest:
        raise ValueError(f"opset {opset} is outside what this onnx {onnx.__version__} knows (7 to {newest}); the "
                         f"exporter writes {DEFAULT_OPSET} or newer. Ask for an opset from {DEFAULT_OPSET} to {newest}.")


def _check_written(report: ExportReport, opset: int, examples: tuple[torch.Tensor, ...], batch_requested: bool) -> None:
    """Say so when the file is not what was asked for: another opset, or no symbolic batch dimension."""
    if report.opset != opset:
        raise ValueError(f"Asked for opset {opset}, but {report.path.as_posix()} was written with opset {report.opset}: "
                         f"the exporter translates to opset {DEFAULT_OPSET} or newer, and ONNX's version converter "
                         f"could not convert this model down to {opset}. Ask for opset {DEFAULT_OPSET} or newer, or "
                         "convert it yourself with onnx.version_converter.convert_version and check the result.")
    if batch_requested and not report.dynamic_batch:
        fixed = [f"{info} (example shape {tuple(t.shape)})"
                 for info, t in zip(report.inputs, examples) if not (info.shape and isinstance(info.shape[0], str))]
        raise ValueError(f"dynamic_batch=True, but the exporter fixed dimension 0 to a number in "
                         f"{report.path.as_posix()}: {'; '.join(fixed)}. The model's code needs that size, which "
                         "usually means the example has no batch dimension: give it one first, e.g. "
                         "x.unsqueeze(0) for one row, or pass dynamic_batch=False if the size is really fixed.")


def _flatten_outputs(outputs) -> list[torch.Tensor]:
    """A model's outputs in the order the exporter writes them: a tensor, or tuples, lists and dicts of them."""
    if isinstance(outputs, torch.Tensor):
        return [outputs]
    if isinstance(outputs, dict):
        outputs = list(outputs.values())  # insertion order, as torch.export flattens a dict
    if isinstance(outputs, (list, tuple)):
        return [leaf for item in outputs for leaf in _flatten_outputs(item)]
    raise TypeError(f"The model returned a {type(outputs).__name__}; export_model can check tensors, and tuples, "
                    "lists or dicts of tensors. Return tensors from forward(), or pass verify=False.")


def _takes_varargs(model: nn.Module) -> bool:
    parameters = inspect.signature(model.forward).parameters.values()
    return any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def root_cause(error: BaseException) -> str:
    """``Type: first line`` of the innermost exception behind ``error``, in plain text (no colour codes)."""
    seen = [error]
    while (error.__cause__ or error.__context__) is not None and len(seen) < 20:
        error = error.__cause__ or error.__context__
        seen.append(error)
    for candidate in reversed(seen):  # the innermost exception with a message
        lines = [line.strip() for line in _ANSI.sub("", str(candidate)).splitlines() if line.strip()]
        if lines:
            return f"{type(candidate).__name__}: {lines[0]}"
    return type(seen[-1]).__name__


def _check_arity(model: nn.Module, examples: tuple[torch.Tensor, ...]) -> None:
    """The number of example inputs must be what forward() takes (a common slip: a tuple for a one-input model)."""
    try:
        parameters = inspect.signature(model.forward).parameters.values()
    except (TypeError, ValueError):  # a compiled or C++ module: let the exporter judge
        return
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if any(p.kind == p.VAR_POSITIONAL for p in parameters):
        return
    needed = [p for p in positional if p.default is p.empty]
    if not len(needed) <= len(examples) <= len(positional):
        raise ValueError(f"{type(model).__name__}.forward takes {len(needed)} input(s) "
                         f"({', '.join(p.name for p in needed)}), but {len(examples)} example input(s) were given. "
                         "Pass one tensor for a one-input model, a tuple with one tensor per input otherwise.")


def _check_runs_in_pytorch(model: nn.Module, examples: tuple[torch.Tensor, ...], output_names: Sequence[str]) -> None:
    """Run the model once in PyTorch: a wrong shape or dtype is reported in PyTorch's words, before exporting."""
    floats = {p.dtype for p in model.parameters() if p.is_floating_point()}
    for i, example in enumerate(examples):
        if example.is_floating_point() and floats and example.dtype not in floats:
            raise TypeError(f"Example input {i} is {example.dtype} but the model's weights are "
                            f"{', '.join(map(str, floats))}: convert it first, e.g. example.float().")
    try:
        with torch.no_grad():
            output = model(*examples)
    except Exception as error:
        shapes = ", ".join(str(tuple(e.shape)) for e in examples)
        raise ValueError(f"{type(model).__name__} fails on the example input(s) {shapes} in PyTorch itself, so "
                         f"there is nothing to export yet: {type(error).__name__}: {error}. Check the shape "
                         "(is the batch dimension there?) and dtype the first layer expects.") from error
    if output is None:
        raise ValueError(f"{type(model).__name__}.forward returned None: end it with `return` and the result.")
    if isinstance(output, dict) and len(output_names) != len(output):  # else the keys are lost: "prediction", "mul_2"
        raise ValueError(f"{type(model).__name__} returns a dict of {len(output)} outputs; its keys do not reach the "
                         f"file, so name them in the dict's order: output_names={list(output)!r}.")
    tensors = [output] if isinstance(output, torch.Tensor) else list(output) if isinstance(output, (tuple, list)) else []
    count = len(tensors)
    if tensors and all(isinstance(t, torch.Tensor) for t in tensors) and len(output_names) != count:
        raise ValueError(f"{type(model).__name__} returns {count} output(s) but {len(output_names)} output name(s) "
                         f"{list(output_names)} were given: give one name per output.")


def _report(model: nn.Module, examples: tuple[torch.Tensor, ...], onnx_path: Path, verify: bool) -> ExportReport:
    proto = onnx.load(str(onnx_path))
    onnx.checker.check_model(proto, full_check=True)  # full_check also runs strict shape inference
    inputs, outputs = tensor_infos(proto)
    sidecars = sorted(p.name for p in onnx_path.parent.glob(onnx_path.name + ".data"))
    report = ExportReport(
        path=onnx_path,
        opset=default_opset(proto),
        ir_version=proto.ir_version,
        producer=f"{proto.producer_name} {proto.producer_version}".strip(),
        inputs=inputs, outputs=outputs, file_size=onnx_path.stat().st_size,
        sidecar_files=sidecars, checked=True,
    )
    if verify:
        custom = sorted({n.domain for n in proto.graph.node} - {"", "ai.onnx", "ai.onnx.ml"})
        try:
            session = create_session(proto, device="cpu")  # the proto loaded above: no second read
        except RuntimeError as error:
            if not custom:
                raise
            raise RuntimeError(f"{onnx_path.name} was written and kept, but onnxruntime cannot run it to verify it: its "
                               f"{', '.join(custom)} operators need their kernels. Pass verify=False to export_model, "
                               "then open the file with helpers.create_session(path, custom_op_libraries=[...]) "
                               "(notebook 08).") from error  # pass 12: export_model has no custom_op_libraries
        with torch.no_grad():
            expected = model(*examples)
        expected_list = _flatten_outputs(expected)
        got = session.run(dict(zip((i.name for i in inputs), examples)))
        report.max_abs_diff = compare_all(expected_list, list(got.values())).max_abs_diff
        # Far beyond float rounding (rtol 1e-2, atol 1e-3): the file computes something else than the model. Only
        # floating-point outputs are judged: an integer one (an argmax) may differ on a near tie and still be right.
        floats = [(e, a) for e, a in zip(expected_list, got.values()) if torch.is_tensor(e) and e.is_floating_point()]
        if len(expected_list) != len(got) or (floats and not compare_all(
                [e for e, _ in floats], [a for _, a in floats], rtol=1e-2, atol=1e-3).ok):
            raise ValueError(f"{onnx_path.name} was written, but onnxruntime's output differs from PyTorch's by up to "
                             f"{report.max_abs_diff:.1e} on the example: the file does not compute what the model does. "
                             "Look for randomness in forward (dropout with training=True, torch.rand) or an operation "
                             "the exporter translated differently (notebook 09 finds the node); verify=False skips "
                             "this check.")
    return report
