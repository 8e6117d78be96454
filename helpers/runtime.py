"""Run ONNX models in onnxruntime: provider choice, validated inputs, output comparison (notebook 02; used from 04 on)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import numpy as np
import onnx
import onnxruntime as ort

from .compare import DEFAULT_ATOL, DEFAULT_RTOL, Comparison, compare_outputs, to_numpy
from .environment import THREADS_VARIABLE, check_threads, default_threads, onnxruntime_has_cuda
from .errors import as_path, output_file
from .onnx_file import TensorInfo, format_shape, load_onnx, mark_derived, refuse_to_replace_a_source, tensor_infos

__all__ = ["Session", "create_session", "run", "Comparison", "compare_outputs", "to_numpy", "DEFAULT_RTOL", "DEFAULT_ATOL",
           "OPTIMIZATION_LEVELS"]

_NUMPY_FROM_ORT = {
    "tensor(float)": "float32", "tensor(double)": "float64", "tensor(float16)": "float16",
    "tensor(int64)": "int64", "tensor(int32)": "int32", "tensor(int8)": "int8", "tensor(uint8)": "uint8",
    "tensor(bool)": "bool",
}


@dataclass
class Session:
    """An onnxruntime InferenceSession plus the provider it uses and its input/output signature."""

    ort_session: ort.InferenceSession
    provider: str
    note: str
    inputs: list[TensorInfo]
    outputs: list[TensorInfo]
    path: Path | None = None

    def run(self, feeds: Any) -> dict[str, np.ndarray]:
        """Validate ``feeds`` (a dict, or one array/tensor for a one-input model) and run the model."""
        return run(self, feeds)

    def __repr__(self) -> str:
        sig = ", ".join(str(i) for i in self.inputs) + " -> " + ", ".join(str(o) for o in self.outputs)
        where = f"{self.path.as_posix()} " if self.path else ""
        return f"Session({where}on {self.provider}: {sig})"


def create_session(onnx_path: str | Path | onnx.ModelProto, *, device: str = "auto",
                   optimization: str = "all", optimized_model_path: str | Path | None = None,
                   threads: int | None = None, custom_op_libraries: Sequence[str] = ()) -> Session:
    """Open an onnxruntime session on the GPU when one is usable (``device='auto'``), else on the CPU.

    Args:
        onnx_path: an ``.onnx`` file or a loaded ModelProto.
        device: ``'auto'``, ``'cpu'`` or ``'cuda'`` (raises if CUDA is not usable).
        optimization: graph optimisation level: ``'none'``, ``'basic'``, ``'extended'`` or ``'all'``.
        optimized_model_path: if given, onnxruntime saves the optimised graph there.
        threads: intra-op threads; None: ``COURSE_THREADS`` where it is set (a shared hub), else onnxruntime
            chooses (one per physical core).
        custom_op_libraries: shared libraries with kernels for custom-domain operators (notebook 08).
    """
    optimized_model_path = _check_session_arguments(threads, optimized_model_path, custom_op_libraries,
                                                    onnx_path if isinstance(onnx_path, (str, os.PathLike)) else None)
    model = load_onnx(onnx_path)
    if device not in ("auto", "cpu", "cuda"):
        raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', not {device!r}.")
    has_cuda = onnxruntime_has_cuda()
    if device == "cuda" and not has_cuda:
        raise RuntimeError("onnxruntime has no CUDAExecutionProvider here. On a machine with an NVIDIA GPU, "
                           "uninstall 'onnxruntime' and install 'onnxruntime-gpu' (never both); or use device='cpu'.")
    if device != "cpu" and has_cuda:
        providers, provider = ["CUDAExecutionProvider", "CPUExecutionProvider"], "CUDAExecutionProvider"
        note = "GPU found: running on CUDAExecutionProvider"
    else:
        providers, provider = ["CPUExecutionProvider"], "CPUExecutionProvider"
        note = "running on CPUExecutionProvider" + ("" if device == "cpu" else " (no CUDA provider in this onnxruntime)")
    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only: onnxruntime's warnings print timestamps into notebooks
    options.graph_optimization_level = _optimization_level(optimization)
    if optimized_model_path is not None:
        options.optimized_model_filepath = str(optimized_model_path)
    if threads is None and os.environ.get(THREADS_VARIABLE, "").strip():
        threads = default_threads()  # the hub's cap, as the notebooks' own sessions take it through PyTorch
    if threads is not None:
        options.intra_op_num_threads = threads
    for library in custom_op_libraries:  # an absolute path: the loader does not look in the current folder
        options.register_custom_ops_library(str(Path(library).resolve()))
    try:
        with _library_messages() as messages:  # why a CUDA provider did not load, if onnxruntime says
            ort_session = ort.InferenceSession(model.SerializeToString(), sess_options=options, providers=providers)
    except Exception as exc:  # onnxruntime's own exception types are not importable by name
        custom = sorted({f"{n.domain}::{n.op_type}" for n in model.graph.node if n.domain not in ("", "ai.onnx")})
        hint = (f" The model uses custom-domain operators {custom}: register their kernels with "
                "custom_op_libraries=[...]." if custom else "")
        raise RuntimeError(f"onnxruntime could not load the model: {str(exc).strip().splitlines()[0]}{hint}") from exc
    if ort_session.get_providers()[0] != provider:  # CUDA provider listed but failed to load (driver, cuDNN)
        why = next((line for line in messages if "CUDA" in line), messages[0] if messages else "")
        provider = "CPUExecutionProvider"
        note = ("onnxruntime fell back to CPUExecutionProvider: the CUDA provider did not load"
                + (f" (onnxruntime said: {why})" if why else ""))
    if optimized_model_path is not None:
        mark_derived(optimized_model_path, f"onnxruntime {ort.__version__}, optimisation level {optimization}", model)
    inputs, outputs = tensor_infos(model)
    path = None if isinstance(onnx_path, onnx.ModelProto) else as_path(onnx_path, "onnx_path")  # ~ expanded
    return Session(ort_session, provider, note, inputs, outputs, path)


def _check_session_arguments(threads: Any, optimized_model_path: Any, custom_op_libraries: Any,
                             source: Any = None) -> Path | None:
    """Refuse arguments onnxruntime would reject with a message about its own internals (or act on wrongly)."""
    if threads is not None:
        check_threads(threads)
    if optimized_model_path is not None:
        optimized_model_path = as_path(optimized_model_path, "optimized_model_path")
        folder = optimized_model_path.parent
        if not folder.is_dir():
            raise FileNotFoundError(f"optimized_model_path {optimized_model_path}: the folder {folder} does not exist; "
                                    "create it first (the model itself is fine).")
        optimized_model_path = output_file(optimized_model_path, "optimized_model_path", (".onnx", ".ort"),
                                           source=source)
        refuse_to_replace_a_source(optimized_model_path, "optimized_model_path", source)
        if optimized_model_path.suffix.lower() == ".ort" and optimized_model_path.exists():  # no room in .ort for a note
            raise FileExistsError(f"optimized_model_path {optimized_model_path} already exists, and an .ort file "
                                  "cannot say who wrote it: it was left untouched. Delete it first, or choose a new "
                                  "name.")
    if custom_op_libraries is None:
        raise TypeError("custom_op_libraries takes a list of library paths; for none, leave it out (or pass []).")
    if isinstance(custom_op_libraries, (str, Path)):
        raise TypeError(f"custom_op_libraries takes a list of library paths; wrap the one you passed: "
                        f"custom_op_libraries=[{str(custom_op_libraries)!r}].")
    missing = [str(library) for library in custom_op_libraries if not Path(library).is_file()]
    if missing:
        raise FileNotFoundError(f"No custom-op library at {', '.join(missing)}: pass the path of the shared library "
                                "(for onnxruntime-extensions: onnxruntime_extensions.get_library_path()).")
    resolved = [Path(library).resolve() for library in custom_op_libraries]
    if len(set(resolved)) != len(resolved):  # pass 12: a cell that appends it, run twice
        raise ValueError(f"custom_op_libraries lists the same library twice ({list(map(str, custom_op_libraries))}): "
                         "onnxruntime would register its kernels twice and refuse. List each library once.")
    return optimized_model_path


@contextlib.contextmanager
def _library_messages() -> Iterator[list[str]]:
    """Collect what onnxruntime says while a session is created: Python warnings, and its native log.

    onnxruntime's C++ log (for example "Failed to create CUDAExecutionProvider ...") goes to the process's
    file descriptor 2, which a notebook never shows; it is captured in a temporary file, then written back
    to descriptor 2, and the warnings are issued again after the block, so nothing is lost. The yielded list
    is filled when the block ends.
    """
    messages: list[str] = []
    try:
        descriptor = sys.__stderr__.fileno() if sys.__stderr__ else 2
        saved = os.dup(descriptor)
    except (AttributeError, OSError, ValueError):  # no real descriptor 2 (an embedded interpreter)
        descriptor = saved = -1
    with tempfile.TemporaryFile() as captured, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if saved >= 0:
            os.dup2(captured.fileno(), descriptor)
        try:
            yield messages
        finally:
            if saved >= 0:
                os.dup2(saved, descriptor)
                os.close(saved)
                captured.seek(0)
                native = captured.read()
                if native:
                    os.write(descriptor, native)
                messages.extend(line.strip() for line in native.decode(errors="replace").splitlines() if line.strip())
            messages.extend(str(w.message).strip() for w in caught)
    for warning in caught:  # shown as they would have been, after the block
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)


# onnxruntime's graph optimisation levels, by the names the course uses (notebooks 05 and 06): each level
# includes the ones before it. ``layout`` (NCHWc and other layout changes for this CPU) exists from
# onnxruntime 1.23 on (1.22 lacks it); ``all`` is the default.
OPTIMIZATION_LEVELS = {
    "none": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
    "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
    "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
    "layout": ort.GraphOptimizationLevel.ORT_ENABLE_LAYOUT,
    "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
}


def _optimization_level(name: str) -> ort.GraphOptimizationLevel:
    if name not in OPTIMIZATION_LEVELS:
        raise ValueError(f"optimization must be one of {', '.join(OPTIMIZATION_LEVELS)}, not {name!r}.")
    return OPTIMIZATION_LEVELS[name]


def run(session: Session, feeds: Any) -> dict[str, np.ndarray]:
    """Run ``session`` after checking input names, ranks, fixed dimensions and dtypes.

    ``feeds`` is a dict ``{input name: array or tensor}``, or a single array/tensor when the
    model has exactly one input. Returns ``{output name: array}``.
    """
    if not isinstance(session, Session):
        raise TypeError(f"run needs a helpers Session (from helpers.create_session), got a {type(session).__name__}"
                        + ("; for an onnxruntime.InferenceSession call its own .run(None, feeds)."
                           if hasattr(session, "get_inputs") else "."))
    expected = {info.name: info for info in session.inputs}
    if feeds is None or isinstance(feeds, (str, bytes)) or (isinstance(feeds, (list, tuple)) and not isinstance(
            feeds, np.ndarray)):
        raise TypeError(f"feeds must be one array or tensor, or a dict {{input name: array}}; got "
                        f"{type(feeds).__name__ if feeds is not None else 'None'}"
                        + (f" of {len(feeds)} item(s): pass {{'{next(iter(expected))}': array}} instead."
                           if isinstance(feeds, (list, tuple)) else "."))
    if not isinstance(feeds, Mapping):
        if len(expected) != 1:
            raise TypeError(f"This model has {len(expected)} inputs ({', '.join(expected)}); "
                            "pass a dict {input name: array}.")
        feeds = {next(iter(expected)): feeds}
    unknown = sorted(set(feeds) - set(expected))
    missing = sorted(set(expected) - set(feeds))
    if unknown or missing:
        raise ValueError(f"Input names do not match the model: expected {sorted(expected)}, received "
                         f"{sorted(feeds)} (unknown: {unknown or 'none'}, missing: {missing or 'none'}).")
    arrays = {name: _checked(expected[name], to_numpy(value)) for name, value in feeds.items()}
    results = session.ort_session.run(None, arrays)
    return {info.name: value for info, value in zip(session.outputs, results)}


def _checked(info: TensorInfo, array: np.ndarray) -> np.ndarray:
    if array.ndim != len(info.shape):
        raise ValueError(f"Input {info.name!r} expects shape {_shape(info)} ({len(info.shape)} dimensions); "
                         f"received shape {tuple(array.shape)}.")
    for axis, (want, got) in enumerate(zip(info.shape, array.shape)):
        if isinstance(want, int) and want != got:
            raise ValueError(f"Input {info.name!r} expects shape {_shape(info)}; received {tuple(array.shape)} "
                             f"(dimension {axis} must be {want}).")
    if str(array.dtype) != info.dtype:
        raise TypeError(f"Input {info.name!r} expects dtype {info.dtype}; received {array.dtype}. "
                        f"Convert it first, e.g. x.astype(np.{info.dtype}) or tensor.to(torch.{info.dtype}).")
    return array


def _shape(info: TensorInfo) -> str:
    return f"({format_shape(info.shape)})"
