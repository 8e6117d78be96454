"""Make an exported network cheaper to run: onnxruntime graph optimisation, int8 quantisation, fp16 (notebook 06)."""

from __future__ import annotations

import contextlib
import io
import logging
import numbers
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import onnx
import torch

from .errors import existing_file, output_file, require_bool
from .onnx_file import load_onnx, mark_derived, refuse_to_replace_a_source, tensor_infos
from .runtime import OPTIMIZATION_LEVELS, create_session
from .training import check_seed

__all__ = [
    "Agreement",
    "OPTIMIZATION_LEVELS",
    "optimize_graph",
    "make_calibration_images",
    "quantize_dynamic_int8",
    "quantize_static_int8",
    "convert_to_fp16",
    "compare_classifiers",
]



def optimize_graph(onnx_path: str | Path, level: str, output_path: str | Path) -> Path:
    """Let onnxruntime optimise the graph at ``level`` and save the optimised model to ``output_path``.

    ``'basic'`` folds constants and removes redundant nodes (standard ONNX ops only); ``'extended'`` and
    ``'all'`` also fuse nodes into onnxruntime's own operators (``com.microsoft`` domain), so those files
    run in onnxruntime only.
    """
    if level not in OPTIMIZATION_LEVELS:
        raise ValueError(f"level must be one of {', '.join(OPTIMIZATION_LEVELS)}, not {level!r}.")
    output_path = output_file(output_path, "optimize_graph's output_path", (".onnx",), source=onnx_path)
    refuse_to_replace_a_source(output_path, "optimize_graph's output_path", onnx_path)
    create_session(onnx_path, device="cpu", optimization=level, optimized_model_path=output_path)
    return output_path


def make_calibration_images(n: int = 16, shape: Sequence[int] = (3, 224, 224), seed: int = 0) -> np.ndarray:
    """``n`` seeded images, standard-normal like ImageNet-normalised inputs: a synthetic calibration set."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n is how many images: a whole number of at least 1, got {n!r}.")
    if isinstance(shape, np.ndarray):  # np.array([3, 224, 224]): its numbers, as a tuple
        shape = tuple(shape.tolist())
    if isinstance(shape, numbers.Integral) or not all(
            isinstance(d, numbers.Integral) and not isinstance(d, bool) and d >= 1 for d in shape):
        raise ValueError(f"shape is one image's shape without the batch, e.g. (3, 224, 224), got {shape!r}.")
    shape = tuple(int(d) for d in shape)
    gib = n * int(np.prod(shape)) * 4 / 2**30
    if gib > 4:
        raise ValueError(f"{n:,} images of shape {tuple(shape)} would take {gib:,.0f} GiB in float32 (4 GiB at most here); "
                         "calibration needs a few hundred images at most (notebook 06 uses 16).")
    seed = check_seed(seed)
    return np.random.default_rng(seed).standard_normal((n, *shape), dtype=np.float32)


@contextlib.contextmanager
def _quiet():
    """onnxruntime.quantization logs and warns a lot; keep the notebook readable, and leave logging as it was."""
    # quantization logs through the root logger (logging.info): raise its level only inside this block
    loggers = (logging.getLogger("onnxruntime"), logging.getLogger())
    levels = [(logger, logger.level) for logger in loggers]
    for logger, _ in levels:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in levels:
            logger.setLevel(level)


@contextlib.contextmanager
def _preprocessed(onnx_path: Path) -> Iterator[Path]:
    """``quant_pre_process``'s output, in a private temporary folder removed afterwards (never beside the user's
    files, where a name such as ``model.pre.onnx`` could be theirs)."""
    from onnxruntime.quantization.shape_inference import quant_pre_process

    with tempfile.TemporaryDirectory(prefix="course-quant-") as scratch:
        pre = Path(scratch) / "model.pre.onnx"
        quant_pre_process(str(onnx_path), str(pre))  # shape inference + graph clean-up, as the docs recommend
        yield pre


def quantize_dynamic_int8(onnx_path: str | Path, output_path: str | Path) -> Path:
    """Dynamic int8 quantisation: weights stored as int8, activations quantised on the fly at run time."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    onnx_path = existing_file(onnx_path, "quantize_dynamic_int8's onnx_path")
    load_onnx(onnx_path, check=False)
    _refuse_quantized(onnx_path)
    output_path = output_file(output_path, "quantize_dynamic_int8's output_path", (".onnx",), source=onnx_path)
    refuse_to_replace_a_source(output_path, "quantize_dynamic_int8's output_path", onnx_path)
    with _quiet(), _preprocessed(onnx_path) as pre:
        quantize_dynamic(str(pre), str(output_path), weight_type=QuantType.QInt8)
    mark_derived(output_path, "quantize_dynamic_int8", onnx_path)
    return output_path


_QUANTIZED_OPS = ("QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "MatMulInteger", "ConvInteger",
                  "MatMulNBits")


def _quantized_ops(model: onnx.ModelProto) -> list[str]:
    return sorted({n.op_type for n in model.graph.node if n.op_type in _QUANTIZED_OPS or n.op_type.startswith("QLinear")})


def _holds_float16(model: onnx.ModelProto) -> bool:
    return any(t.data_type == onnx.TensorProto.FLOAT16 for t in model.graph.initializer)


def _refuse_quantized(onnx_path: Path) -> None:
    """Quantizing twice: most often the two paths were swapped."""
    quantized = _quantized_ops(load_onnx(onnx_path, check=False))
    if quantized:
        raise ValueError(f"{onnx_path.name} is already quantized (it has {', '.join(quantized)} nodes): pass the float32 "
                         "file as onnx_path and the new file as output_path; nothing was written.")


def quantize_static_int8(onnx_path: str | Path, output_path: str | Path, calibration: np.ndarray, *,
                         per_channel: bool = True, batch_size: int = 32) -> Path:
    """Static int8 quantisation in QDQ format, with activation ranges calibrated on ``calibration``.

    The calls of notebook 06, section 3: ``quant_pre_process``, a reader that hands ``calibration`` over in
    batches of ``batch_size`` rows for the model's single input, and ``quantize_static`` with signed int8
    (``QInt8``) weights and unsigned (``QUInt8``) activations (``quantize_static``'s own default is ``QInt8`` for
    both; U8S8 is the pair onnxruntime's x86 kernels run fastest, per its quantization guide).
    """
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    onnx_path = existing_file(onnx_path, "quantize_static_int8's onnx_path")
    source = load_onnx(onnx_path, check=False)
    inputs, _ = tensor_infos(source)
    _refuse_quantized(onnx_path)
    output_path = output_file(output_path, "quantize_static_int8's output_path", (".onnx",), source=onnx_path)
    refuse_to_replace_a_source(output_path, "quantize_static_int8's output_path", onnx_path)
    calibration = _calibration_array(calibration)
    if len(inputs) != 1:
        raise ValueError(f"quantize_static_int8 handles one-input models; this one has {len(inputs)}. Write a "
                         "CalibrationDataReader whose get_next() returns one dict with every input (notebook 06).")
    static = [(axis, size) for axis, size in enumerate(inputs[0].shape) if isinstance(size, int) and axis > 0]
    if calibration.ndim != len(inputs[0].shape) or calibration.dtype != np.float32 or \
            any(calibration.shape[axis] != size for axis, size in static if axis < calibration.ndim):
        raise ValueError(f"Calibration data must be float32 shaped like the model's input {inputs[0]}; "
                         f"got {calibration.dtype} with shape {calibration.shape}.")
    require_bool(per_channel, "per_channel")
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}.")
    name = inputs[0].name

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.batches = iter([{name: calibration[i:i + batch_size]} for i in range(0, len(calibration), batch_size)])

        def get_next(self):
            return next(self.batches, None)

    with _quiet(), _preprocessed(onnx_path) as pre:
        quantize_static(str(pre), str(output_path), Reader(), quant_format=QuantFormat.QDQ,
                        per_channel=per_channel, weight_type=QuantType.QInt8, activation_type=QuantType.QUInt8)
    mark_derived(output_path, "quantize_static_int8", onnx_path)
    return output_path


def _calibration_array(calibration) -> np.ndarray:
    """Calibration images as a non-empty, finite NumPy array (a tensor or a list is converted, with a word)."""
    if isinstance(calibration, torch.Tensor):
        calibration = calibration.detach().cpu().numpy()
    elif not isinstance(calibration, np.ndarray):
        raise TypeError(f"calibration must be a NumPy array (samples first), got a {type(calibration).__name__}; "
                        "for example helpers.optimize.make_calibration_images(64).")
    if len(calibration) == 0:
        raise ValueError("calibration holds no samples: the activation ranges would be measured on nothing.")
    if not np.isfinite(calibration).all():
        raise ValueError("calibration holds NaN or infinite values: the activation ranges would be meaningless.")
    if np.abs(calibration).max() > 1e6:  # pass 13: × 1e30 gave an int8 file answering 0.0 to every real input
        raise ValueError(f"calibration values reach {float(np.abs(calibration).max()):.3g}: the activation ranges would "
                         "be measured on another scale than the model's inputs, and the int8 model would answer "
                         "nonsense. Calibrate on inputs as the model receives them (images as floats from 0 to 1).")
    if np.ptp(calibration) == 0:
        raise ValueError(f"calibration holds one value only ({float(calibration.flat[0])} everywhere): the activation ranges "
                         "would describe nothing real. Calibrate on samples like the model's real inputs.")
    return calibration


def convert_to_fp16(onnx_path: str | Path, output_path: str | Path, *, keep_io_types: bool = True) -> Path:
    """Store weights and compute in float16 (for GPUs); inputs and outputs stay float32 by default."""
    from onnxruntime.transformers.float16 import convert_float_to_float16

    require_bool(keep_io_types, "keep_io_types")
    output_path = output_file(output_path, "convert_to_fp16's output_path", (".onnx",), source=onnx_path)
    refuse_to_replace_a_source(output_path, "convert_to_fp16's output_path", onnx_path)
    source = load_onnx(onnx_path)
    if _holds_float16(source):
        raise ValueError(f"{Path(onnx_path).name} already holds float16 weights: pass the float32 file as onnx_path and "
                         "the new file as output_path; nothing was written.")
    if _quantized_ops(source):  # the converter would write a graph onnxruntime refuses (int8 nodes fed float16)
        raise ValueError(f"{Path(onnx_path).name} is quantized (it has {', '.join(_quantized_ops(source))} nodes): "
                         "convert the float32 file to float16 instead; nothing was written.")
    with _quiet():
        model = convert_float_to_float16(source, keep_io_types=keep_io_types)
    model = _sort_topologically(model)  # the converter appends its input casts at the end of the node list
    onnx.checker.check_model(model)
    onnx.save(model, str(output_path))
    mark_derived(output_path, "convert_to_fp16", onnx_path)
    return output_path


def _sort_topologically(model: onnx.ModelProto) -> onnx.ModelProto:
    """The model with every graph's nodes in dependency order (onnx_ir's stable sort, subgraphs included)."""
    import onnx_ir
    from onnx_ir.passes.common import TopologicalSortPass

    ir_model = onnx_ir.from_proto(model)
    TopologicalSortPass()(ir_model)
    return onnx_ir.to_proto(ir_model)


def _logits(value, role: str) -> np.ndarray:
    """Logits as a NumPy array; a dict of outputs or a tensor still tracking gradients is named, not crashed on."""
    if isinstance(value, dict):
        raise TypeError(f"compare_classifiers got a dict of outputs as {role} ({', '.join(map(str, value))}): pass "
                        "the logits themselves, e.g. session.run(x)['prediction'].")
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().float().numpy()
    array = np.asarray(value) if value is not None and not isinstance(value, (str, bytes)) else None
    if array is None or not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise TypeError(f"compare_classifiers takes the {role} logits as an array or tensor (samples, classes), got "
                        f"{type(value).__name__}: run the model and pass its output.")
    return array


@dataclass(frozen=True)
class Agreement:
    """How closely a candidate classifier's logits follow the reference's."""

    max_abs_diff: float
    reference_scale: float
    top1_agreement: float
    samples: int

    def __str__(self) -> str:
        return (f"top-1 agreement {self.top1_agreement:.0%} on {self.samples} inputs, max |Δ logit| "
                f"{self.max_abs_diff:.3f} (reference logits up to {self.reference_scale:.2f})")


def compare_classifiers(reference: np.ndarray, candidate: np.ndarray) -> Agreement:
    """Max logit difference and top-1 agreement of two ``(samples, classes)`` logit arrays."""
    reference, candidate = _logits(reference, "reference"), _logits(candidate, "candidate")
    if reference.shape != candidate.shape or reference.ndim != 2:
        raise ValueError(f"Expected two (samples, classes) arrays of the same shape, got {reference.shape} "
                         f"and {candidate.shape}.")
    if reference.size == 0:
        raise ValueError("Nothing to compare: the logits hold no samples. Run both models on at least one input.")
    if reference.shape[1] < 2:
        raise ValueError(f"The logits have {reference.shape[1]} class: with one column, both top-1 classes are always "
                         "0 and agree whatever the numbers. Pass the (samples, classes) logits of a classifier.")
    if not (np.isfinite(reference).all() and np.isfinite(candidate).all()):
        raise ValueError("The logits hold NaN or infinite values, so their top-1 classes mean nothing: check the "
                         "model's inputs and weights (an fp16 overflow shows up this way).")
    agree = float(np.mean(reference.argmax(1) == candidate.argmax(1)))
    return Agreement(float(np.abs(reference - candidate).max()), float(np.abs(reference).max()), agree,
                     len(reference))
