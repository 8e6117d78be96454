"""Shared probes for the checks of notebooks 01–08: open, validate and run what a student built against a reference.

Each check takes what the student made (a module, a file, a session, a function), inspects it, runs it
against a reference computed here, and says what is wrong and what to try. ``None`` means "not done yet".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..i18n import tr
from ..onnx_file import DERIVED_KEY
from ..runtime import DEFAULT_ATOL, DEFAULT_RTOL, compare_outputs
from .verdict import _require, _Wrong

__all__: list[str] = []  # package-internal: the checks import the underscored probes by name


def _onnx_path(answer: Any) -> Path:
    _require(isinstance(answer, (str, Path)), tr("Answer with the path of your .onnx file, not a {type_name}.",
                                                 type_name=type(answer).__name__))
    _require(not (isinstance(answer, str) and ("\n" in answer.strip() or answer.startswith("ir_version"))), tr(
        "Your answer is the text of a model (str(model) or print's output), not a path: save the model with "
        "onnx.save and answer with the path of the .onnx file."))  # pass 17: "File name too long"
    path = Path(answer).expanduser()  # ~ as in a shell (pass 12: "~/x.onnx" was "no file")
    _require(not path.is_dir(), tr("{path} is a folder: answer with the path of the .onnx file your cell wrote.",
                                   path=path))
    _require(path.is_file() or not Path(str(answer).strip()).expanduser().is_file(),
             tr("No file at {path!r}, but there is one without the space at its start or end: remove the space.",
                path=str(answer)))
    _require(path.is_file(), tr("There is no file at {path}. Did the cell that writes it run?", path=path))
    _require(not path.name.endswith(".onnx.data"), tr(  # pass 18: "empty (0 bytes)" for a sidecar
        "{name} is the weights file beside a model: answer with the .onnx file itself ({model}).", name=path.name,
        model=path.name.removesuffix(".data")))
    _require(path.suffix.lower() != ".ort", tr("{name} is in onnxruntime's own .ort format, which only onnxruntime "
                                               "reads: save the optimised graph with a name ending in .onnx.",
                                               name=path.name))
    return path


def _load_unchecked(path: Path):
    """The ModelProto in ``path``, or a verdict that names what the file is instead."""
    import onnx

    _require(path.stat().st_size > 0, tr("{name} is empty (0 bytes): the export that wrote it was cut short or "
                                         "failed. Export it again.", name=path.name))  # pass 17: the checker's words
    try:
        return onnx.load(str(path))
    except Exception as error:  # DecodeError and the like: not an ONNX protobuf
        _require(not _missing_weights(path), tr(  # pass 18: "not an ONNX model, or a truncated one"
            "{name} keeps its weights in {data}, which is missing: export again with external_data=False (one file).",
            name=path.name, data=_missing_weights(path)))
        kind = (tr("a PyTorch file (torch.save)") if path.read_bytes()[:2] == b"PK"
                else tr("not an ONNX model, or a truncated one"))
        raise _Wrong(tr("{name} is {kind}: answer with the .onnx file your export wrote (export it again if it was "
                        "cut short).", name=path.name, kind=kind)) from error


def _missing_weights(path: Path) -> str:
    """The missing external-data file a readable ONNX file refers to, or ""."""
    import onnx

    try:
        stored = onnx.load(str(path), load_external_data=False).graph.initializer
    except Exception:  # not ONNX at all
        return ""
    places = {e.value for i in stored if i.data_location == onnx.TensorProto.EXTERNAL for e in i.external_data
              if e.key == "location"}
    return next((name for name in sorted(places) if not (path.parent / name).is_file()), "")


def _load_checked(path: Path):
    import onnx

    model = _load_unchecked(path)
    try:
        onnx.checker.check_model(model, full_check=True)
    except onnx.checker.ValidationError as error:
        first = str(error).strip().splitlines()[0]
        opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 18)
        if model.producer_name == "pytorch" and opset < 18:  # pass 18 (K26): the checker's words alone
            raise _Wrong(tr("onnx.checker rejects {name} at opset {opset}: {error}. torch.onnx.export builds the graph "
                            "at opset 18 and converts it down when asked for less, and its warning says that "
                            "conversion may not succeed: here it left a node the older opset does not know. Export "
                            "without opset_version (or with 18 or newer).", name=path.name, opset=opset,
                            error=first)) from error
        raise _Wrong(tr("onnx.checker rejects {name}: {error}", name=path.name, error=first)) from error
    return model


def _ort_session(source: Any, options: Any = None):
    import onnxruntime as ort

    return ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])


def _as_input(x: Any) -> np.ndarray:
    """A notebook's example as onnxruntime takes it: a float32 NumPy array (a tensor or float64 is converted)."""
    x = x.detach().cpu().numpy() if hasattr(x, "detach") else np.asarray(x)
    return x.astype(np.float32) if np.issubdtype(x.dtype, np.floating) else x


def _run(session: Any, x: np.ndarray) -> np.ndarray:
    first, x = session.get_inputs()[0], _as_input(x)
    _require(x.dtype != np.float32 or first.type in ("tensor(float)", ""), tr(  # pass 17: onnxruntime's INVALID_ARGUMENT
        "The file's input {name} takes {dtype}, not float32: export the float32 model (no .half() or .double() "
        "before the export).", name=first.name, dtype=first.type))
    return session.run(None, {first.name: x})[0]


def _torch_out(model: nn.Module, x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return model.eval()(torch.from_numpy(_as_input(x))).numpy()


def _close(expected: np.ndarray, actual: np.ndarray, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL) -> bool:
    return compare_outputs(expected, actual, rtol=rtol, atol=atol).ok


def _random(*shape: int, seed: int = 7, scale: float = 1.0) -> np.ndarray:
    return (scale * np.random.default_rng(seed).standard_normal(shape)).astype(np.float32)


def _is_ort_session(answer: Any) -> bool:
    import onnxruntime as ort

    return isinstance(answer, ort.InferenceSession)


def _require_ort_session(answer: Any) -> None:
    _require(not hasattr(answer, "ort_session"), tr("That is the course's wrapper (helpers.create_session): build "
                                                    "onnxruntime.InferenceSession(path, providers=[...]) yourself."))
    _require(_is_ort_session(answer), tr("Answer with an onnxruntime.InferenceSession, not a {type_name}.",
                                         type_name=type(answer).__name__))


def _ort_session_for(model: Any):
    """An onnxruntime session on a ModelProto the student built or edited; its load error as the verdict."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only: a wrong declared shape is judged below, not warned into the cell
    try:
        return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    except Exception as error:
        raise _Wrong(tr("onnxruntime cannot load the model: {error}",
                        error=str(error).strip().splitlines()[0][:300])) from error


def _require_declared_shapes(model: Any, outputs: list[np.ndarray]) -> None:
    """Each graph output's declared fixed sizes must be the sizes it has (pass 12: ['batch', 16] on a 32-wide Relu)."""
    for value, output in zip(model.graph.output, outputs):
        if not value.type.tensor_type.HasField("shape"):
            continue
        declared = [d.dim_value if d.HasField("dim_value") else d.dim_param or "?" for d in value.type.tensor_type.shape.dim]
        _require(len(declared) == np.ndim(output) and all(isinstance(d, str) or d == n for d, n in
                                                          zip(declared, np.shape(output))),
                 tr("The output {name} is declared as {declared}, but the model gives {actual}: declare the shape "
                    "it has (a name such as 'batch' for the batch).", name=value.name, declared=declared,
                    actual=list(np.shape(output))))


def _derived_by(path: Path) -> str:
    """Which helper derived the file at ``path`` (``mark_derived``'s note), or "" for a file the student made."""
    return next((entry.value for entry in _load_unchecked(path).metadata_props if entry.key == DERIVED_KEY), "")


def _op_types(path: str | Path) -> dict[str, set[str]]:
    """The operator types a file uses, by domain ("ai.onnx" for the standard one)."""
    import onnx

    found: dict[str, set[str]] = {}
    for node in onnx.load(str(path)).graph.node:
        found.setdefault(node.domain or "ai.onnx", set()).add(node.op_type)
    return found


def _layers_in_order(path: str | Path) -> list[list[np.ndarray]]:
    """Each layer's stored tensors (weight matrix, bias), in the order the graph's nodes read them: a node that
    reads a 2-D initializer is a layer, and every initializer it reads is that layer's."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    stored = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    return [[stored[name] for name in node.input if name in stored] for node in graph.node
            if any(name in stored and stored[name].ndim == 2 for name in node.input)]


def _same_tensors(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b))


def _input_quantization(path: Any) -> tuple[float, int, int, int] | None:
    """(scale, zero point, lowest and highest integer) of the QuantizeLinear reading the graph's first input, whose
    range quantize_static took from the calibration images; None where no such node has one scale."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    stored = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    for node in graph.node:
        if node.op_type == "QuantizeLinear" and graph.input and node.input[0] == graph.input[0].name and \
                len(node.input) > 2 and node.input[1] in stored and node.input[2] in stored:
            scale, zero = stored[node.input[1]], stored[node.input[2]]
            if scale.size == 1 and np.issubdtype(zero.dtype, np.integer):
                info = np.iinfo(zero.dtype)
                return float(scale.reshape(())), int(zero.reshape(())), int(info.min), int(info.max)
    return None


def _require_own_export(model: Any) -> None:
    """Refuse a file written by helpers.export_model, which removes the exporter's stack traces from the nodes."""
    keys = {prop.key for node in model.graph.node for prop in node.metadata_props}
    _require(not keys or "pkg.torch.onnx.stack_trace" in keys, tr(
        "This file was written by helpers.export_model (it removes the exporter's stack traces): the exercise is "
        "to call torch.onnx.export yourself, with every argument that matters."))
