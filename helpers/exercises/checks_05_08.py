"""Checks for the exercises of notebooks 05 and 06: benchmark, optimise and quantise (07 and 08: their own modules)."""

from __future__ import annotations

import math
from numbers import Real
from pathlib import Path
from typing import Any

import numpy as np
from torch import nn

from ..i18n import tr
from ..models import accuracy
from .artifacts import (_close, _derived_by, _input_quantization, _onnx_path, _op_types, _ort_session,
                        _require_ort_session, _run, _torch_out)
from .verdict import ExerciseResult, _judge, _require, _Wrong

__all__ = [
    "check_async_timing",
    "check_session_options",
    "check_static_int8",
    "check_extended_optimized_file",
]


# --- 05 · benchmark CPU vs GPU ---


def check_async_timing(answer: Any, device: Any, exercise: str = "05.1", *, notebook_times: Any = None) -> ExerciseResult:
    """Exercise: per-call seconds of ``device.run`` (a ``bench.SimulatedGPU``), warmed up and synchronised.

    ``notebook_times``: the times the notebook measured itself (section 2's), which are not an answer."""
    import statistics

    def check() -> None:
        values = answer.tolist() if hasattr(answer, "tolist") and getattr(answer, "ndim", 0) == 1 else answer
        _require(isinstance(values, (list, tuple)) and len(values) >= 5 and
                 all(isinstance(t, Real) and not isinstance(t, bool) for t in values),
                 tr("Answer with the list of per-call times in seconds (at least 5 timed calls)."))
        times = [float(t) for t in values]
        _require(notebook_times is None or times != [float(t) for t in notebook_times], tr(  # pass 18
            "These are the times the notebook measured in section 2 (with_sync): time your own loop on the "
            "exercise's device and answer with its list."))
        _require(all(math.isfinite(t) for t in times), tr("Some times are NaN or infinite: store the difference "
                                                          "of two time.perf_counter() readings for each call."))
        _require(min(times) > 0, tr("Some times are zero or negative: subtract the start from the end "
                                    "(t1 - t0), reading the clock before and after each call."))
        _require(device.launched > 0, tr("device.run was never called on this device: the times must come from "
                                         "calls of device.run(...) on it (was the cell that makes the device run "
                                         "again after your timing?)."))  # pass 18
        _require(len(times) < 5 or not all(b > a for a, b in zip(times, times[1:])) or min(times) < 100, tr(
            "Your times grow steadily from {first:.1f}: they are clock readings, not durations. Store t1 - t0 for "
            "each call.", first=times[0]))  # pass 18: perf_counter() readings were called microseconds
        _require(not all(abs(t * 100 - round(t * 100)) < 1e-9 for t in times), tr(  # pass 18: rounded for display
            "Your times are rounded to 0.01 s, coarser than one call: answer with them unrounded."))
        kernel, cold = device.kernel_ms / 1000, device.cold_ms / 1000
        _require(statistics.median(times) < 1e8 * kernel, tr(  # pass 17: perf_counter_ns was called microseconds
            "Your times are around {median:.0f}: that looks like nanoseconds (time.perf_counter_ns()). Answer in "
            "seconds: divide by 1e9, or use time.perf_counter().", median=statistics.median(times)))
        _require(statistics.median(times) < 1e5 * kernel, tr(  # pass 16: microseconds were called milliseconds
            "Your times are around {median:.0f}: that looks like microseconds. Answer in seconds, as "
            "time.perf_counter() differences are.", median=statistics.median(times)))
        _require(statistics.median(times) < 100 * kernel + 0.5,
                 tr("Your times are around {median:.1f}: that looks like milliseconds. Answer in seconds, as "
                    "time.perf_counter() differences are.", median=statistics.median(times)))
        steps = [b - a for a, b in zip(times, times[1:])]
        _require(not all(step > 0.5 * kernel for step in steps), tr(  # pass 16: blamed on warm-up
            "Each time is about one call longer than the one before: the clock was read once, before the loop. "
            "Read it again before each call (t0 = time.perf_counter() inside the loop)."))
        _require(device.launched >= len(times) and sum(times) <= device.busy_seconds * 1.02 + 1e-3, tr(  # K20/K23
            "These {count} times cannot come from the device given to the check: it ran {launched} call(s) and was "
            "busy {busy_ms:.0f} ms in all, your times add up to {total_ms:.0f} ms. Pass the device you timed (one "
            "made again since is a new device), and time its calls in your own loop.", count=len(times),
            launched=device.launched, busy_ms=device.busy_seconds * 1000, total_ms=sum(times) * 1000))
        _require(device.launched > len(times), tr("Every call was timed: run a few untimed warm-up calls first."))
        _require(max(times) < cold / 2, tr("One call took {slowest_ms:.0f} ms: cold calls or unfinished "
                                           "warm-up work were timed. Warm up, then synchronize before the first timing.",
                                           slowest_ms=max(times) * 1000))
        _require(statistics.median(times) >= 0.8 * kernel,
                 tr("The median is {median_ms:.2f} ms for {kernel_ms:.0f} ms of work: the clock stopped before the "
                    "queued work finished. Call device.synchronize() before reading it, and read time.perf_counter() "
                    "(time.process_time() leaves out the waiting).",
                    median_ms=statistics.median(times) * 1000, kernel_ms=device.kernel_ms))
        _require(min(times) >= 0.5 * kernel, tr(  # pass 18: synchronize() before run() passed
            "Your shortest time is {fastest_ms:.2f} ms for {kernel_ms:.0f} ms of work: that call's work was not waited "
            "for. In each measurement call device.run() first, then device.synchronize(), then read the clock.",
            fastest_ms=min(times) * 1000, kernel_ms=device.kernel_ms))
        _require(statistics.median(times) < 1.8 * kernel, tr(  # pass 16: two calls per sample passed
            "The median is {median_ms:.1f} ms for one call's {kernel_ms:.0f} ms of work: each time covers more than "
            "one call. Time one device.run() and its synchronize() per measurement.",
            median_ms=statistics.median(times) * 1000, kernel_ms=device.kernel_ms))
        _require(device.synchronized >= len(times) and sum(times) <= device.busy_seconds * 1.02 + 1e-3,
                 tr("These {count} times were not measured on this device: it was synchronized {syncs} times and "
                    "busy for {busy_ms:.0f} ms in all, the times add up to {total_ms:.0f} ms. Time the calls: read "
                    "time.perf_counter() before device.run() and after device.synchronize().", count=len(times),
                    syncs=device.synchronized, busy_ms=device.busy_seconds * 1000, total_ms=sum(times) * 1000))
    return _judge(exercise, answer, check, device=device)


def check_session_options(answer: Any, model: nn.Module, example: np.ndarray, exercise: str = "05.2") -> ExerciseResult:
    """Exercise: an InferenceSession with graph optimisation disabled and one intra-op thread, for ``model``."""
    import onnxruntime as ort

    def check() -> None:
        _require_ort_session(answer)
        options = answer.get_session_options()
        _require(options.graph_optimization_level == ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
                 tr("graph_optimization_level is {level} in this session: set ORT_DISABLE_ALL in SessionOptions "
                    "before creating the InferenceSession (it copies the options; later changes do nothing).",
                    level=options.graph_optimization_level))
        _require(options.intra_op_num_threads == 1,
                 tr("intra_op_num_threads is {threads} in this session: set it to 1 in SessionOptions before "
                    "creating the InferenceSession (it copies the options; later changes do nothing).",
                    threads=options.intra_op_num_threads))
        try:
            output = _run(answer, example)
        except Exception as error:  # pass 14: another model's file gave onnxruntime's raw "Invalid rank"
            raise _Wrong(tr("This session's model does not take the notebook's example: open this model's file.")) \
                from error
        _require(_close(output, _torch_out(model, example), rtol=1e-3, atol=1e-4),
                 tr("The session does not compute what the model does: open this model's file."))
    return _judge(exercise, answer, check, model=model, example=example,
                  fits=lambda: (_batched(example), _torch_out(model, example)))


def _batched(example: Any) -> None:
    """The notebook's example input must be a batch (rows first): a session takes no single unbatched row."""
    if np.ndim(example) < 2:
        raise ValueError(f"the example has shape {np.shape(example)}, no batch dimension (use example[None] or x[:1])")


# --- 06 · a real network, optimised ---


def check_static_int8(answer: Any, fp32_path: str | Path, test: Any, exercise: str = "06.1", *,
                      notebook_file: Any = None, train: Any = None) -> ExerciseResult:
    """Exercise: a statically quantised (QDQ) copy of ``fp32_path`` whose accuracy on ``test`` stays close (your own
    file: not ``notebook_file``, the one the notebook's section 3 wrote), calibrated on the 100 images of ``train``
    that ``np.random.default_rng(0)`` picks (checked where ``train`` is given)."""
    def check() -> None:
        path = _onnx_path(answer)
        _require(path.resolve() != Path(fp32_path).resolve() or "QuantizeLinear" not in set().union(
            *_op_types(path).values()), tr(  # pass 23: the fp32 file was lost, and 06.2 would optimise int8
            "cnn_path itself now holds an int8 model: quantize_static wrote over the fp32 file. Delete it and run "
            "section 3's export cell again to restore it, then quantize to a new file (such as my_int8.onnx) and answer with that."))
        _require(path.resolve() != Path(fp32_path).resolve(), tr(  # pass 17: judged against itself
            "That is the fp32 file itself: answer with the int8 file your quantize_static call wrote."))
        _require(notebook_file is None or path.resolve() != Path(notebook_file).resolve(), tr(  # pass 17
            "That is the file section 3 wrote: write your own CalibrationDataReader (one image per get_next) and "
            "quantize to a new file."))
        _require(notebook_file is None or not Path(notebook_file).is_file() or _stored(path) != _stored(notebook_file),
                 tr("This file holds the same quantized weights and scales as the file section 3 wrote: a copy. "
                    "Write your own CalibrationDataReader (one image per get_next) and quantize to a new file."))
        _require(_derived_by(path) != "quantize_static_int8", tr(  # pass 15: the helper's file passed
            "helpers.optimize.quantize_static_int8 wrote this file: the exercise is to write the CalibrationDataReader "
            "and call quant_pre_process and quantize_static yourself."))
        ops = set().union(*_op_types(path).values())
        _require("DynamicQuantizeLinear" not in ops and "ConvInteger" not in ops,
                 tr("This is dynamic quantisation: use quantize_static with your CalibrationDataReader."))
        qoperators = sorted(op for op in ops if op.startswith("QLinear"))
        _require(not qoperators, tr("This file is in the QOperator format ({ops}): pass quant_format=QuantFormat.QDQ "
                                    "to quantize_static.", ops=", ".join(qoperators)))  # pass 17: it passed
        theirs_ops = set().union(*_op_types(fp32_path).values())
        _require({"QuantizeLinear", "DequantizeLinear"} <= ops or not {"QuantizeLinear"} <= theirs_ops, tr(  # pass 22
            "The check's arguments look swapped: your int8 file comes first, then the fp32 file "
            "(check_static_int8(answer_06_1, cnn_path, test, ...))."))
        _require({"QuantizeLinear", "DequantizeLinear"} <= ops, tr("No QuantizeLinear/DequantizeLinear nodes: the file "
                                                                   "is not quantised (quant_format=QuantFormat.QDQ)."))
        images, labels = test.images.numpy(), test.labels.numpy()
        fp32 = accuracy(_run(_ort_session(fp32_path), images), labels)
        mine, theirs = (_ort_session(p).get_inputs()[0].shape for p in (path, fp32_path))
        _require(mine[1:] == theirs[1:], tr("Your file takes inputs of shape {mine}, the fp32 file {theirs}: quantize "
                                            "the fp32 file of this notebook, not another model.", mine=mine, theirs=theirs))
        _require(_weights_match(path, fp32_path) is not False, tr(  # pass 20: "calibrate on more images"
            "None of your int8 file's weights matches {name}'s (dequantized, they are another model's): quantize "
            "fp32_path, the file of the CNN trained above (a CNN trained or made again has other weights).",
            name=Path(fp32_path).name))
        quantized = _input_quantization(path) if train is not None else None
        if quantized is not None:  # pass 24: the test set, one image repeated, or 10 images passed
            scale, zero, low, high = quantized
            picked = np.asarray(train.images)[np.random.default_rng(0).choice(len(train), 100, replace=False)]
            lo, hi = min(float(picked.min()), 0.0), max(float(picked.max()), 0.0)  # MinMax keeps 0 in the range
            expected = (hi - lo) / (high - low), 2 * max(-lo, hi) / (high - low)  # asymmetric, symmetric
            _require(any(abs(scale - e) <= 1e-4 * e for e in expected), tr(
                "Your file's input range ({found_lo:.3f} to {found_hi:.3f}) is not that of the 100 training images the "
                "exercise picks ({lo:.3f} to {hi:.3f}): calibrate on train.images[np.random.default_rng(0).choice("
                "len(train), 100, replace=False)] with the default MinMax method; not on the test set, which the check "
                "scores, nor on fewer images.", found_lo=(low - zero) * scale, found_hi=(high - zero) * scale, lo=lo,
                hi=hi))
        int8 = accuracy(_run(_ort_session(path), images), labels)
        _require(int8 >= fp32 - 0.05, tr("int8 accuracy {int8:.1%} vs fp32 {fp32:.1%}: calibrate on more (and "
                                         "representative) images.", int8=int8, fp32=fp32))
    def fits() -> None:
        _nonempty(test)
        _run(_ort_session(fp32_path), test.images.numpy())
        if train is not None and len(train.images) < 100:
            raise ValueError(f"train holds {len(train.images)} images; the exercise picks 100")
    return _judge(exercise, answer, check, fp32_path=fp32_path, test=test, fits=fits,
                  **({} if train is None else {"train": train}))


def _stored(path: Any) -> list[bytes]:
    """The tensors a file stores, in order of their bytes (names aside): equal for a file and its copy (pass 23)."""
    import onnx
    from onnx import numpy_helper

    return sorted(numpy_helper.to_array(t).tobytes() for t in onnx.load(str(path)).graph.initializer)


def _weights_match(int8_path: Path, fp32_path: str | Path) -> bool | None:
    """Whether any weight a DequantizeLinear node reads from an initializer equals (to half a step) a weight of the
    fp32 file; None where the file stores no quantized weights."""
    import onnx
    from onnx import numpy_helper

    def stored(path: Any) -> tuple[Any, dict[str, np.ndarray]]:
        graph = onnx.load(str(path)).graph
        return graph, {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    graph, init = stored(int8_path)
    originals = [w for w in stored(fp32_path)[1].values() if w.ndim >= 2]
    found = []
    for node in (n for n in graph.node if n.op_type == "DequantizeLinear" and n.input[0] in init):
        q, scale = init[node.input[0]].astype(np.float32), init.get(node.input[1])
        zero = init[node.input[2]].astype(np.float32) if len(node.input) > 2 and node.input[2] in init else 0.0
        if q.ndim < 2 or scale is None:
            continue
        if np.ndim(scale) == 1:  # per channel, along the node's axis
            shape = [1] * q.ndim
            shape[next((a.i for a in node.attribute if a.name == "axis"), 1)] = -1
            scale, zero = scale.reshape(shape), np.reshape(zero, shape) if np.ndim(zero) else zero
        weight = (q - zero) * scale
        found.append(any(w.shape == weight.shape and np.max(np.abs(w - weight)) <= 0.6 * np.max(scale) for w in originals))
    return any(found) if found else None


def _nonempty(test: Any) -> None:
    if len(test.images) == 0:
        raise ValueError("the test set holds no images")


def check_extended_optimized_file(answer: Any, fp32_path: str | Path, example: np.ndarray,
                                  exercise: str = "06.2") -> ExerciseResult:
    """Exercise: the graph onnxruntime saved at the ``extended`` level (fused, with no layout for one CPU)."""
    def check() -> None:
        path = _onnx_path(answer)
        replaced = "com.microsoft" in _op_types(path)  # onnxruntime's fused nodes: its optimised graph is there
        _require(path.resolve() != Path(fp32_path).resolve() or replaced, tr(  # pass 21: "delete that file"
            "That is the fp32 file itself ({name}), unchanged: answer with the path you gave "
            "optimized_model_filepath, where onnxruntime saved the optimised graph.", name=Path(fp32_path).name))
        _require(path.resolve() != Path(fp32_path).resolve(), tr(  # pass 18: "correct", and the fp32 file was gone
            "optimized_model_filepath is the fp32 file itself ({name}): the optimised graph replaced the export. "
            "Delete that file, run the cell that exported it again, then save the optimised graph under a new name.",
            name=Path(fp32_path).name))
        _require(not _derived_by(path).startswith("onnxruntime"), tr(  # pass 15: create_session's file passed
            "A helper (create_session or optimize_graph) saved this graph: the exercise is to set "
            "graph_optimization_level and optimized_model_filepath in SessionOptions yourself."))
        mine, theirs = (tuple(i.shape for i in _ort_session(p).get_inputs()) for p in (path, fp32_path))
        _require(mine == theirs, tr(  # pass 16: another model's file got onnxruntime's raw error or "no fused"
            "This file takes {mine}, the fp32 file given to the check {theirs}: optimise that file ({name}).",
            mine=mine, theirs=theirs, name=Path(fp32_path).name))
        domains = _op_types(path)
        _require(not any(d.endswith("nchwc") for d in domains), tr("This graph holds NCHWc nodes: it was saved at "
                                                                   "the 'layout' or 'all' level, tied to this CPU. Use "
                                                                   "ORT_ENABLE_EXTENDED."))
        _require("com.microsoft" in domains, tr("No fused com.microsoft operators: set graph_optimization_level="
                                                "ORT_ENABLE_EXTENDED and optimized_model_filepath in SessionOptions."))
        _require(_close(_run(_ort_session(path), example), _run(_ort_session(fp32_path), example), atol=1e-4),
                 tr("The optimised graph does not compute what the original does: optimise the fp32 file."))
    return _judge(exercise, answer, check, fp32_path=fp32_path, example=example,
                  fits=lambda: _run(_ort_session(fp32_path), example))
