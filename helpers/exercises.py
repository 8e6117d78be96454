"""Self-checking exercises: each ``check_*`` inspects what a student built (a module, a file, a session) and says what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from .i18n import tr
from .runtime import DEFAULT_ATOL, DEFAULT_RTOL, compare_outputs

__all__ = [
    "ExerciseResult",
    "check_answer",
    "check_trained_regressor",
    "check_weights_file",
    "check_onnx_export",
    "check_inference_session",
    "check_first_layer_trainable",
    "check_fine_tuned_file",
    "check_async_timing",
    "check_session_options",
    "check_static_int8",
    "check_extended_optimized_file",
    "check_cond_export",
    "check_pair_sum_export",
    "check_custom_clip_op",
    "check_custom_op_session",
    "check_linear_built_by_hand",
    "check_hidden_output",
]


@dataclass(frozen=True)
class ExerciseResult:
    """The verdict on one exercise: ``passed`` is True, False, or None (not attempted yet)."""

    exercise: str
    passed: bool | None
    message: str

    def __str__(self) -> str:
        mark = {True: tr("✅ correct"), False: tr("❌ not yet right"), None: tr("⏳ not done yet")}[self.passed]
        return tr("Exercise {exercise}: {mark}. {message}", exercise=self.exercise, mark=mark, message=self.message)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def __bool__(self) -> bool:
        return bool(self.passed)


def _not_done(answer: Any) -> bool:
    return answer is None or answer is Ellipsis


def check_answer(exercise: str, answer: Any, expected: Any, *, hint: str,
                 equal: Callable[[Any, Any], bool] | None = None) -> ExerciseResult:
    """Compare ``answer`` with ``expected``; None or ``...`` means the student has not answered yet."""
    if _not_done(answer):
        return ExerciseResult(exercise, None, tr("Replace the placeholder with your answer and run the cell again."))
    try:
        right = equal(answer, expected) if equal else bool(answer == expected)
    except Exception as exc:  # a wrong type of answer
        return ExerciseResult(exercise, False, tr("Could not compare your answer ({error_type}: {error}). {hint}",
                                                       error_type=type(exc).__name__, error=exc, hint=hint))
    return ExerciseResult(exercise, True, tr("Well done.")) if right else ExerciseResult(exercise, False, hint)


# --- Checks of artifacts a student builds -------------------------------------------------------------
# Each check takes what the student made (a module, a file, a session, a function), inspects it, runs it
# against a reference computed here, and says what is wrong and what to try. ``None`` means "not done yet".


class _Wrong(Exception):
    """Raised inside a check: the artifact is wrong; the message says why and what to try next."""


def _judge(exercise: str, answer: Any, check: Callable[[], None]) -> ExerciseResult:
    if _not_done(answer):
        return ExerciseResult(exercise, None, tr("Replace the placeholder with your answer and run the cell again."))
    try:
        check()
    except _Wrong as wrong:
        return ExerciseResult(exercise, False, str(wrong))
    except Exception as error:  # the student's artifact made something fail: say what, do not crash the cell
        return ExerciseResult(exercise, False, tr("Checking your answer raised {error_type}: {error}",
                                                  error_type=type(error).__name__, error=str(error)[:300]))
    return ExerciseResult(exercise, True, tr("Well done."))


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise _Wrong(message)


def _onnx_path(answer: Any) -> Path:
    _require(isinstance(answer, (str, Path)), tr("Answer with the path of your .onnx file, not a {type_name}.",
                                                 type_name=type(answer).__name__))
    path = Path(answer)
    _require(path.is_file(), tr("There is no file at {path}. Did the cell that writes it run?", path=path))
    return path


def _load_checked(path: Path):
    import onnx

    model = onnx.load(str(path))
    try:
        onnx.checker.check_model(model, full_check=True)
    except onnx.checker.ValidationError as error:
        raise _Wrong(tr("onnx.checker rejects {name}: {error}", name=path.name,
                        error=str(error).strip().splitlines()[0])) from error
    return model


def _ort_session(source: Any, options: Any = None):
    import onnxruntime as ort

    return ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])


def _run(session: Any, x: np.ndarray) -> np.ndarray:
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def _torch_out(model: nn.Module, x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return model.eval()(torch.from_numpy(x)).numpy()


def _close(expected: np.ndarray, actual: np.ndarray, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL) -> bool:
    return compare_outputs(expected, actual, rtol=rtol, atol=atol).ok


def _random(*shape: int, seed: int = 7, scale: float = 1.0) -> np.ndarray:
    return (scale * np.random.default_rng(seed).standard_normal(shape)).astype(np.float32)


def check_trained_regressor(answer: Any, data: Any, notebook_model: nn.Module, exercise: str = "01.1") -> ExerciseResult:
    """Exercise: a new Linear(10, 1) trained with your own loop on ``data`` (a RegressionData)."""
    def check() -> None:
        _require(isinstance(answer, nn.Module), tr("Answer with your trained module, not a {type_name}.",
                                                   type_name=type(answer).__name__))
        _require(answer is not notebook_model, tr("That is the model trained earlier in this notebook: make a new "
                                                  "one (torch.manual_seed, nn.Linear(10, 1)) and train it yourself."))
        with torch.no_grad():
            prediction = answer.eval()(data.x)
        _require(tuple(prediction.shape) == tuple(data.y.shape),
                 tr("Your model maps {input_shape} to {output_shape}; expected {expected_shape}.",
                    input_shape=tuple(data.x.shape), output_shape=tuple(prediction.shape),
                    expected_shape=tuple(data.y.shape)))
        loss = float(nn.functional.mse_loss(prediction, data.y))
        target = 2 * data.noise ** 2 + 0.005
        _require(loss <= target, tr("Its mean squared error on this task is {loss:.3f}; a trained model reaches "
                                    "below {target:.3f}. Check the loop: zero_grad, loss.backward(), step, on "
                                    "this task's rows, for enough epochs.", loss=loss, target=target))
    return _judge(exercise, answer, check)


def check_weights_file(answer: Any, model: Any, exercise: str = "01.2") -> ExerciseResult:
    """Exercise: a file saved with ``torch.save(model.state_dict(), path)`` holding ``model``'s weights."""
    def check() -> None:
        _require(isinstance(model, nn.Module), tr("Finish the previous exercise first: its model is saved here."))
        _require(isinstance(answer, (str, Path)) and Path(answer).is_file(),
                 tr("Answer with the path of the file you saved with torch.save."))
        try:
            state = torch.load(answer, map_location="cpu", weights_only=True)
        except Exception as error:
            raise _Wrong(tr("torch.load(..., weights_only=True) refuses this file: it holds pickled Python objects, "
                            "not only tensors. Save model.state_dict(), not the model itself.")) from error
        _require(isinstance(state, dict), tr("The file holds no state_dict: save model.state_dict()."))
        expected = model.state_dict()
        _require(set(state) == set(expected), tr("The file holds {found}; your model has {expected}.",
                                                 found=sorted(state), expected=sorted(expected)))
        _require(all(torch.equal(state[k], expected[k]) for k in expected),
                 tr("These are not the weights of your model from the previous exercise: save that model's state_dict."))
    return _judge(exercise, answer, check)


def _symbolic_batch(model: Any) -> bool:
    dims = model.graph.input[0].type.tensor_type.shape.dim
    return len(dims) > 0 and dims[0].HasField("dim_param")


def check_onnx_export(answer: Any, model: nn.Module, exercise: str = "02.1", *, input_name: str = "features",
                      output_name: str = "prediction", opset: int = 18) -> ExerciseResult:
    """Exercise: ``model`` exported to one self-contained, checked file with named I/O and a dynamic batch."""
    def check() -> None:
        path = _onnx_path(answer)
        _require(not path.with_name(path.name + ".data").exists(),
                 tr("{name}.data sits beside your file: export with external_data=False to keep one file.",
                    name=path.name))
        onnx_model = _load_checked(path)
        opsets = {o.domain or "ai.onnx": o.version for o in onnx_model.opset_import}
        _require(opsets.get("ai.onnx") == opset, tr("The file uses opset {found}; ask for opset_version={opset}.",
                                                    found=opsets.get("ai.onnx"), opset=opset))
        names = ([i.name for i in onnx_model.graph.input], [o.name for o in onnx_model.graph.output])
        _require(names == ([input_name], [output_name]),
                 tr("Inputs/outputs are named {names}; pass input_names=['{input_name}'], "
                    "output_names=['{output_name}'].", names=names, input_name=input_name, output_name=output_name))
        _require(_symbolic_batch(onnx_model), tr("Dimension 0 is a fixed number: declare it with dynamic_shapes="
                                                 "({{0: torch.export.Dim('batch')}},)."))
        session = _ort_session(path)
        for batch in (1, 5):
            x = _random(batch, *_input_dims(model), seed=batch)
            _require(_close(_run(session, x), _torch_out(model, x)),
                     tr("At batch {batch} onnxruntime and PyTorch disagree: did you export this model, in eval mode?",
                        batch=batch))
    return _judge(exercise, answer, check)


def _input_dims(model: nn.Module) -> tuple[int, ...]:
    first = next(m for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d)))
    return (first.in_features,) if isinstance(first, nn.Linear) else (first.in_channels, 16, 16)


def _is_ort_session(answer: Any) -> bool:
    import onnxruntime as ort

    return isinstance(answer, ort.InferenceSession)


def _require_ort_session(answer: Any) -> None:
    _require(not hasattr(answer, "ort_session"), tr("That is the course's wrapper (helpers.create_session): build "
                                                    "onnxruntime.InferenceSession(path, providers=[...]) yourself."))
    _require(_is_ort_session(answer), tr("Answer with an onnxruntime.InferenceSession, not a {type_name}.",
                                         type_name=type(answer).__name__))


def check_inference_session(answer: Any, model: nn.Module, exercise: str = "02.2") -> ExerciseResult:
    """Exercise: an ``onnxruntime.InferenceSession`` that runs ``model``'s ONNX file."""
    def check() -> None:
        _require_ort_session(answer)
        _require(len(answer.get_inputs()) == 1, tr("Expected a model with one input."))
        x = _random(7, *_input_dims(model))
        _require(_close(_run(answer, x), _torch_out(model, x)),
                 tr("This session's model does not compute what the PyTorch model does: open the file you exported."))
    return _judge(exercise, answer, check)


def _linear_layers(module: nn.Module) -> list[nn.Linear]:
    return [m for m in module.modules() if isinstance(m, nn.Linear)]


def check_first_layer_trainable(answer: Any, onnx_path: str | Path, exercise: str = "04.1") -> ExerciseResult:
    """Exercise: ``onnx_path`` converted with onnx2pytorch, with only its first Linear layer trainable."""
    def check() -> None:
        _require(isinstance(answer, nn.Module), tr("Answer with the converted module, not a {type_name}.",
                                                   type_name=type(answer).__name__))
        _require(not hasattr(answer, "verification"), tr("That module comes from helpers.import_to_pytorch: call "
                                                         "onnx2pytorch.ConvertModel(onnx.load(path)) yourself."))
        x = _random(4, 10)
        _require(_close(_torch_out(answer, x), _run(_ort_session(onnx_path), x), atol=1e-4),
                 tr("Your module does not compute what {name} computes: convert that file.",
                    name=Path(onnx_path).name))
        layers = _linear_layers(answer)
        _require(len(layers) >= 2, tr("Expected the converted Gemm nodes as nn.Linear layers."))
        trainable = [all(p.requires_grad for p in m.parameters()) for m in layers]
        frozen = [not any(p.requires_grad for p in m.parameters()) for m in layers]
        _require(trainable[0] and all(frozen[1:]), tr("Only the first layer may train: call requires_grad_(False) on "
                                                      "every parameter, then requires_grad_(True) on the first "
                                                      "layer's (trainable now: {trainable}).", trainable=trainable))
    return _judge(exercise, answer, check)


def _initializers(path: str | Path) -> list[np.ndarray]:
    import onnx
    from onnx import numpy_helper

    return [numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer if i.dims]


def check_fine_tuned_file(answer: Any, received_path: str | Path, data: Any, exercise: str = "04.2") -> ExerciseResult:
    """Exercise: a re-exported file whose first layer was fine-tuned on ``data`` and the rest kept as received."""
    def check() -> None:
        path = _onnx_path(answer)
        _require(Path(path).resolve() != Path(received_path).resolve(), tr("That is the received file: export your "
                                                                           "fine-tuned module to a new one."))
        _require(_symbolic_batch(_load_checked(path)), tr("Keep the batch dynamic: dynamic_shapes=(({{0: Dim('batch')}},),) "
                                                          "for a module whose forward takes *inputs."))
        x, y = data.x.numpy(), data.y.numpy()
        new_loss = float(np.mean((_run(_ort_session(path), x) - y) ** 2))
        old_loss = float(np.mean((_run(_ort_session(received_path), x) - y) ** 2))
        _require(new_loss < 0.8 * old_loss, tr("On the new task your file's loss is {new_loss:.3f}, the received "
                                               "file's {old_loss:.3f}: train longer or with a larger learning rate.",
                                               new_loss=new_loss, old_loss=old_loss))
        received = {a.tobytes() for a in _initializers(received_path) if a.ndim == 2}
        kept = {a.tobytes() for a in _initializers(path) if a.ndim == 2} & received
        _require(len(kept) == len(received) - 1, tr("{changed} weight matrices changed; only the first "
                                                    "layer's should. Freeze the others before training.",
                                                    changed=len(received) - len(kept)))
    return _judge(exercise, answer, check)


def check_async_timing(answer: Any, device: Any, exercise: str = "05.1") -> ExerciseResult:
    """Exercise: per-call seconds of ``device.run`` (a ``bench.SimulatedGPU``), warmed up and synchronised."""
    import statistics

    def check() -> None:
        _require(isinstance(answer, (list, tuple)) and len(answer) >= 5 and
                 all(isinstance(t, (int, float)) for t in answer),
                 tr("Answer with the list of per-call times in seconds (at least 5 timed calls)."))
        times = [float(t) for t in answer]
        kernel, cold = device.kernel_ms / 1000, device.cold_ms / 1000
        _require(device.launched > len(times), tr("Every call was timed: run a few untimed warm-up calls first."))
        _require(max(times) < cold / 2, tr("One call took {slowest_ms:.0f} ms: cold calls or unfinished "
                                           "warm-up work were timed. Warm up, then synchronize before the first timing.",
                                           slowest_ms=max(times) * 1000))
        _require(statistics.median(times) >= 0.8 * kernel,
                 tr("The median is {median_ms:.2f} ms for {kernel_ms:.0f} ms of work: the "
                    "clock stopped before the queued work finished. Call device.synchronize() before reading it.",
                    median_ms=statistics.median(times) * 1000, kernel_ms=device.kernel_ms))
        _require(statistics.median(times) < 10 * kernel, tr("The times are far too long: time one call per measurement."))
    return _judge(exercise, answer, check)


def check_session_options(answer: Any, model: nn.Module, example: np.ndarray, exercise: str = "05.2") -> ExerciseResult:
    """Exercise: an InferenceSession with graph optimisation disabled and one intra-op thread, for ``model``."""
    import onnxruntime as ort

    def check() -> None:
        _require_ort_session(answer)
        options = answer.get_session_options()
        _require(options.graph_optimization_level == ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
                 tr("graph_optimization_level is {level}: set ORT_DISABLE_ALL in SessionOptions.",
                    level=options.graph_optimization_level))
        _require(options.intra_op_num_threads == 1,
                 tr("intra_op_num_threads is {threads}: set it to 1 in SessionOptions.",
                    threads=options.intra_op_num_threads))
        _require(_close(_run(answer, example), _torch_out(model, example), rtol=1e-3, atol=1e-4),
                 tr("The session does not compute what the model does: open this model's file."))
    return _judge(exercise, answer, check)


def _op_types(path: str | Path) -> dict[str, set[str]]:
    import onnx

    found: dict[str, set[str]] = {}
    for node in onnx.load(str(path)).graph.node:
        found.setdefault(node.domain or "ai.onnx", set()).add(node.op_type)
    return found


def check_static_int8(answer: Any, fp32_path: str | Path, test: Any, exercise: str = "06.1") -> ExerciseResult:
    """Exercise: a statically quantised (QDQ) copy of ``fp32_path`` whose accuracy on ``test`` stays close."""
    from .models import accuracy

    def check() -> None:
        path = _onnx_path(answer)
        ops = set().union(*_op_types(path).values())
        _require("DynamicQuantizeLinear" not in ops and "ConvInteger" not in ops,
                 tr("This is dynamic quantisation: use quantize_static with your CalibrationDataReader."))
        _require({"QuantizeLinear", "DequantizeLinear"} <= ops, tr("No QuantizeLinear/DequantizeLinear nodes: the file "
                                                                   "is not quantised (quant_format=QuantFormat.QDQ)."))
        images, labels = test.images.numpy(), test.labels.numpy()
        fp32 = accuracy(_run(_ort_session(fp32_path), images), labels)
        int8 = accuracy(_run(_ort_session(path), images), labels)
        _require(int8 >= fp32 - 0.05, tr("int8 accuracy {int8:.1%} vs fp32 {fp32:.1%}: calibrate on more (and "
                                         "representative) images.", int8=int8, fp32=fp32))
    return _judge(exercise, answer, check)


def check_extended_optimized_file(answer: Any, fp32_path: str | Path, example: np.ndarray,
                                  exercise: str = "06.2") -> ExerciseResult:
    """Exercise: the graph onnxruntime saved at the ``extended`` level (fused, portable across CPUs)."""
    def check() -> None:
        path = _onnx_path(answer)
        domains = _op_types(path)
        _require(not any(d.endswith("nchwc") for d in domains), tr("This graph holds NCHWc nodes: it was saved at "
                                                                   "the 'all' level, tied to this CPU. Use ORT_ENABLE_EXTENDED."))
        _require("com.microsoft" in domains, tr("No fused com.microsoft operators: set graph_optimization_level="
                                                "ORT_ENABLE_EXTENDED and optimized_model_filepath in SessionOptions."))
        _require(_close(_run(_ort_session(path), example), _run(_ort_session(fp32_path), example), atol=1e-4),
                 tr("The optimised graph does not compute what the original does: optimise the fp32 file."))
    return _judge(exercise, answer, check)


def check_cond_export(answer: Any, exercise: str = "07.1") -> ExerciseResult:
    """Exercise: "divide by the largest |value| if it exceeds 1, else keep x", exported with ``torch.cond``."""
    def reference(x: np.ndarray) -> np.ndarray:
        peak = np.abs(x).max()
        return x / peak if peak > 1 else x

    def check() -> None:
        path = _onnx_path(answer)
        _load_checked(path)
        ops = set().union(*_op_types(path).values())
        _require("If" in ops, tr("The graph has no If node, so one branch was frozen in: use torch.cond in forward."))
        session = _ort_session(path)
        for x in (_random(3, 4, scale=3.0), _random(5, 4, seed=8, scale=0.1)):
            _require(_close(_run(session, x), reference(x)), tr("onnxruntime's output differs from the rule for a "
                                                                "batch of {batch}: check both branches.", batch=len(x)))
    return _judge(exercise, answer, check)


def check_pair_sum_export(answer: Any, exercise: str = "07.2") -> ExerciseResult:
    """Exercise: ``dynamic.PairSum`` exported with an even, dynamic batch (``2 * Dim``)."""
    def check() -> None:
        path = _onnx_path(answer)
        session = _ort_session(path)
        for batch in (2, 6, 10):
            x = _random(batch, 3, seed=batch)
            try:
                output = _run(session, x)
            except Exception as error:
                raise _Wrong(tr("onnxruntime refuses a batch of {batch}: declare dynamic_shapes=({{0: 2 * "
                                "Dim('half')}},) so every even batch is allowed.", batch=batch)) from error
            _require(_close(output, x.reshape(-1, 2, 3).sum(1)),
                     tr("Wrong sums at batch {batch}: export dynamic.PairSum().", batch=batch))
    return _judge(exercise, answer, check)


def check_custom_clip_op(answer: Any, exercise: str = "08.1") -> ExerciseResult:
    """Exercise: a ``torch.library.custom_op`` clip with a fake, and a file that runs it with standard ONNX ops."""
    def check() -> None:
        _require(isinstance(answer, tuple) and len(answer) == 2, tr("Answer with a pair: (your custom op, the path "
                                                                    "of the exported file)."))
        op, path = answer
        _require(type(op).__name__ == "CustomOpDef", tr("The first item must be what @torch.library.custom_op "
                                                        "returned (your decorated function)."))
        _require(op._abstract_fn is not None, tr("Register a fake implementation with @your_op.register_fake: "
                                                 "torch.export needs it to know the output's shape."))
        x = _random(6, 8, scale=2.0)
        _require(_close(op(torch.from_numpy(x), 0.5).numpy(), np.clip(x, -0.5, 0.5)),
                 tr("In PyTorch, your op(x, 0.5) should equal x.clamp(-0.5, 0.5)."))
        domains = _op_types(_onnx_path(path))
        _require(set(domains) == {"ai.onnx"}, tr("The file uses {domains}: translate the op into standard "
                                                 "ONNX operators (onnxscript's op.Clip) in custom_translation_table.",
                                                 domains=sorted(domains)))
        _require(_close(_run(_ort_session(path), x), np.clip(x, -0.5, 0.5)),
                 tr("onnxruntime's output is not x clipped to [-0.5, 0.5]: check the translation."))
    return _judge(exercise, answer, check)


def check_custom_op_session(answer: Any, model: nn.Module, exercise: str = "08.2") -> ExerciseResult:
    """Exercise: an InferenceSession that runs the custom-domain file, its kernel library registered."""
    def check() -> None:
        _require_ort_session(answer)
        x = _random(5, 8)
        _require(_close(_run(answer, x), _torch_out(model, x)),
                 tr("This session does not compute what the model does: open the custom-domain file."))
    return _judge(exercise, answer, check)


# --- 03 · inspect the graph ---


def _onnx_model_answer(answer: Any):
    """The ModelProto a student answered with, or the one saved at the path they answered with."""
    import onnx

    if isinstance(answer, onnx.ModelProto):
        return answer
    _require(isinstance(answer, (str, Path)),
             tr("Answer with a ModelProto or the path of a saved .onnx file, not a {type_name}.",
                type_name=type(answer).__name__))
    _require(Path(answer).is_file(), tr("There is no file at {path}. Did onnx.save(model, path) run?", path=answer))
    return onnx.load(str(answer))


def _ort_session_for(model: Any):
    import onnxruntime as ort

    try:
        return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    except Exception as error:
        raise _Wrong(tr("onnxruntime cannot load the model: {error}",
                        error=str(error).strip().splitlines()[0][:300])) from error


def _first_in_features(model: nn.Module) -> int:
    return next(m for m in model.modules() if isinstance(m, nn.Linear)).in_features


def check_linear_built_by_hand(answer: Any, model: nn.Module, exercise: str = "03.1") -> ExerciseResult:
    """Exercise: the Linear model's graph built with ``onnx.helper`` (a ModelProto, or the path it was saved to)."""
    def check() -> None:
        import onnx

        built = _onnx_model_answer(answer)
        _require(not built.producer_name.startswith("pytorch"),
                 tr("This is the file torch.onnx.export wrote (its producer is 'pytorch'), not a graph you built. "
                    "Build it with onnx.helper: make_tensor_value_info, make_node, make_graph, make_model."))
        try:
            onnx.checker.check_model(built, full_check=True)
        except Exception as error:
            raise _Wrong(tr("onnx.checker rejects your model: {error}",
                            error=str(error).strip().splitlines()[0][:300])) from error
        ops = [node.op_type for node in built.graph.node]
        _require(ops == ["Gemm"], tr("Your graph holds {ops}; a Linear layer is one node: "
                                     "onnx.helper.make_node('Gemm', [input, weight, bias], [output], transB=1).",
                                     ops=ops or tr("no nodes")))
        weights = {init.name for init in built.graph.initializer}
        inputs = [value for value in built.graph.input if value.name not in weights]
        _require(len(inputs) == 1, tr("Your graph has the inputs {inputs}; it should have one, the "
                                      "features. Pass the weight and bias as initializers (onnx.numpy_helper.from_array).",
                                      inputs=[v.name for v in inputs]))
        dims = inputs[0].type.tensor_type.shape.dim
        _require(len(dims) == 2 and dims[0].HasField("dim_param"),
                 tr("The input's batch dimension is not a name, so only one batch size would be accepted: declare "
                    "it as make_tensor_value_info('features', onnx.TensorProto.FLOAT, ['batch', 10])."))
        x = _random(5, _first_in_features(model), seed=31)
        try:
            output = _run(_ort_session_for(built), x)
        except _Wrong:
            raise
        except Exception as error:
            raise _Wrong(tr("onnxruntime fails on a batch of 5: {error}",
                            error=str(error).strip().splitlines()[0][:300])) from error
        _require(_close(output, _torch_out(model, x)),
                 tr("Your graph runs, but on a random batch of 5 it disagrees with the PyTorch model: B must be "
                    "model.linear.weight with transB=1, and C must be model.linear.bias."))
    return _judge(exercise, answer, check)


def check_hidden_output(answer: Any, mlp: nn.Sequential, exercise: str = "03.2") -> ExerciseResult:
    """Exercise: the MLP's ONNX graph with one more output, the activation after the first Relu."""
    def check() -> None:
        extended = _onnx_model_answer(answer)
        names = [value.name for value in extended.graph.output]
        _require(len(names) >= 2, tr("The model has only the output {names}, as exported: nothing was added. Append "
                                     "the first Relu node's output to graph.output, as a ValueInfoProto from "
                                     "onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, ['batch', 32]).",
                                     names=names))
        session = _ort_session_for(extended)
        x = _random(5, _first_in_features(mlp), seed=32)
        outputs = session.run(None, {session.get_inputs()[0].name: x})

        def produced(module: nn.Module) -> bool:
            expected = _torch_out(module, x)
            return any(_close(output, expected) for output in outputs)

        _require(produced(mlp), tr("The model's prediction is missing or has changed: keep the original output "
                                   "and add the new one next to it."))
        if not produced(mlp[:2]):
            _require(not produced(mlp[:1]), tr("The new output is the first Gemm's result, before the Relu: add the "
                                               "Relu node's output instead."))
            _require(not produced(mlp[:4]), tr("The new output comes after the second Relu; the exercise asks for "
                                               "the first one."))
            raise _Wrong(tr("No output equals the activation after the first Relu (mlp[:2](x) in PyTorch): find the "
                            "first node whose op_type is 'Relu' and add its output[0]."))
    return _judge(exercise, answer, check)
