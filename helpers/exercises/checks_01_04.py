"""Checks for the exercises of notebooks 01–04: define and train, export, inspect the graph, reload and fine-tune."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..environment import artifacts_dir
from ..i18n import tr
from ..onnx_file import default_opset
from .artifacts import (_close, _layers_in_order, _load_checked, _onnx_path, _ort_session, _random,
                        _require_ort_session, _require_own_export, _run, _same_tensors, _torch_out)
from .verdict import ExerciseResult, _judge, _require, _Wrong

__all__ = [
    "check_trained_regressor",
    "check_weights_file",
    "check_onnx_export",
    "check_inference_session",
    "check_first_layer_trainable",
    "check_fine_tuned_file",
]


# --- 01 · define and train ---


def check_trained_regressor(answer: Any, data: Any, notebook_model: nn.Module, exercise: str = "01.1") -> ExerciseResult:
    """Exercise: a new Linear(10, 1) trained with your own loop on ``data`` (a RegressionData)."""
    def check() -> None:
        _require(isinstance(answer, nn.Module), tr("Answer with your trained module, not a {type_name}.",
                                                   type_name=type(answer).__name__))
        _require(answer is not notebook_model, tr(  # pass 21: the answer given as the third argument too
            "Your answer is the same model as the check's third argument, the notebook's model: make a new one "
            "(torch.manual_seed, nn.Linear(10, 1)) and train it yourself, then pass it first and the notebook's "
            "model third: check_trained_regressor(your_model, task_b, model)."))
        shared = {id(p) for p in notebook_model.parameters()} & {id(p) for p in answer.parameters()}
        _require(not shared, tr("Your model reuses the notebook model's layer (its parameters are the same tensors), "
                                "so training one trained both: make a new LinearRegressor() and train that."))
        _require(getattr(answer, "trained_by", None) != "helpers.train_regressor", tr(
            "helpers.train_regressor trained this model: the exercise is to write the loop yourself (zero_grad, "
            "forward, loss, backward, step) on a new model."))  # pass 13: the helper shown above passed
        count, features = sum(p.numel() for p in answer.parameters()), int(data.x.shape[-1])
        _require(count == features + 1, tr(  # pass 16: an MLP passed
            "Your model has {count} parameters: the exercise asks for a new Linear({features}, 1), {expected} "
            "parameters ({features} weights and a bias).", count=count, features=features, expected=features + 1))
        weights = next(answer.parameters(), None)
        _require(weights is None or weights.dtype == torch.float32, tr(
            "Your model's weights are {dtype}: the course's data is float32; build the model with the default dtype "
            "(no .double()).", dtype=weights.dtype if weights is not None else None))
        with torch.no_grad():
            prediction = answer.eval()(data.x)
        _require(tuple(prediction.shape) == tuple(data.y.shape),
                 tr("Your model maps {input_shape} to {output_shape}; expected {expected_shape}.",
                    input_shape=tuple(data.x.shape), output_shape=tuple(prediction.shape),
                    expected_shape=tuple(data.y.shape)))
        rule = torch.as_tensor(getattr(data, "true_weight", torch.empty(0)), dtype=torch.float32).reshape(-1)
        copied = [p for p in answer.parameters() if p.numel() == rule.numel() and rule.numel()
                  and torch.allclose(p.detach().reshape(-1).float(), rule, atol=1e-6)]
        _require(not copied, tr("Your model's weights are the data's own rule (true_weight), copied in: the exercise is "
                                "to learn them. Train a new model with your loop; it ends close to the rule, not on "
                                "it."))  # pass 12: the rule copied in passed without training
        loss = float(nn.functional.mse_loss(prediction, data.y))
        target = 2 * data.noise ** 2 + 0.005
        with torch.no_grad():
            notebook_loss = float(nn.functional.mse_loss(notebook_model.eval()(data.x), data.y))
        notebooks_rule = rule.numel() > 0 and torch.allclose(rule, torch.linspace(-1.0, 1.0, rule.numel()))
        _require(not notebooks_rule and rule.numel() or notebook_loss > target, tr(  # pass 17: the rule decides
            "The data given to the check is the task the notebook's model already "
                                            "solves (its error there is {loss:.3f}): the exercise is task_b, the "
                                            "other rule. Train on task_b and pass task_b to the check.",
                                            loss=notebook_loss))
        _require(all(torch.isfinite(p).all() for p in answer.parameters()), tr(  # pass 18: "check the loop"
            "Your model's weights are NaN or infinite: the training diverged. Train a new model with a smaller "
            "learning rate."))
        _require(loss <= target or notebook_loss > target or not _solves(notebook_model, data), tr(
            "The notebook's model solves this task and your answer does not: are the two models swapped in the call "
            "(check_trained_regressor(your_model, task_b, model)), or did your loop train the notebook's model "
            "instead of yours?"))  # pass 18
        spread, target_spread = float(prediction.std()), float(data.y.std())
        _require(loss <= target or spread >= 0.1 * target_spread or  # pass 18: a (batch,) target got "check the loop"
                 abs(float(prediction.mean() - data.y.mean())) > 0.5 * target_spread, tr(
            "Your model predicts about the same value for every row (spread {spread:.3f}, the targets' "
            "{target_spread:.3f}), near the targets' mean: that is what training learns when the loss compares "
            "predictions shaped (batch, 1) with targets shaped (batch,), which mse_loss broadcasts to (batch, batch) "
            "(its UserWarning: a target size different to the input size). Keep the targets (batch, 1), as data.y "
            "is: no .squeeze() or .view(-1).", spread=spread, target_spread=target_spread))
        _require(loss <= target, tr("Its mean squared error on this task is {loss:.3f}; a trained model reaches "
                                    "below {target:.3f}. Check the loop: zero_grad, loss.backward(), step, on "
                                    "this task's rows, for enough epochs.", loss=loss, target=target))
    return _judge(exercise, answer, check, data=data, notebook_model=notebook_model)


def _solves(model: nn.Module, data: Any) -> bool:
    return isinstance(model, nn.Module) and float(nn.functional.mse_loss(model(data.x).detach(), data.y)) <= \
        2 * data.noise ** 2 + 0.005


def check_weights_file(answer: Any, model: Any, exercise: str = "01.2") -> ExerciseResult:
    """Exercise: a file saved with ``torch.save(model.state_dict(), path)`` holding ``model``'s weights."""
    answer = answer.decode(errors="surrogateescape") if isinstance(answer, bytes) else answer  # pass 19: a bytes path

    def check() -> None:
        _require(not isinstance(answer, nn.Module), tr("Answer with the path of the file you saved with "
                                                       "torch.save, not with the model itself."))
        _require(not isinstance(model, dict), tr(  # pass 18: "finish the previous exercise" for a state_dict
            "The check's model is a state_dict: pass the module itself (answer_01_1), whose weights it compares."))
        _require(isinstance(model, nn.Module), tr("Finish the previous exercise first: its model is saved here."))
        path = Path(answer).expanduser() if isinstance(answer, (str, Path)) else None  # ~ as in a shell
        _require(path is None or path.is_file() or not Path(str(answer).strip()).is_file(),
                 tr("No file at {path!r}, but there is one without the space at its start or end: remove the space.",
                    path=str(answer)))
        _require(not (isinstance(answer, str) and not answer.strip()), tr(  # pass 16: "." is a folder
            "The answer is an empty string: set it to the path of the file you saved with torch.save."))
        _require(path is not None, tr("Answer with the path of the file you saved with torch.save."))
        _require(not path.is_dir(), tr("{path} is a folder: answer with the path of the file you saved with "
                                       "torch.save.", path=path))  # pass 14: "There is no file at" a folder
        _require(path.is_file(), tr("There is no file at {path}. Did the cell that writes it run?", path=path))
        answer_path = path
        _require(answer_path.resolve() != (artifacts_dir(create=False) / "linear_weights.pt").resolve(), tr(
            "That is the course's own model file, which notebooks 02 to 05 load (helpers.ensure_trained_linear): save "
            "yours under another name, such as my_linear_weights.pt, and run section 4's cell again to restore it."))
        _require(not _is_onnx(answer_path), tr("That is an ONNX file: this exercise wants the PyTorch weights, saved "
                                               "with torch.save(model.state_dict(), path)."))
        try:
            answer_path.open("rb").close()
        except OSError as error:  # pass 16: an unreadable file was called "not what torch.save writes"
            raise _Wrong(tr("Cannot read {path}: {error}.", path=answer_path, error=error.strerror or error)) from error
        try:  # the legacy format (_use_new_zipfile_serialization=False) loads too (pass 16)
            state = torch.load(answer_path, map_location="cpu", weights_only=True)
        except Exception as error:
            _require(zipfile.is_zipfile(answer_path), tr("The file is not what torch.save writes (cut short, or another "
                                                         "kind of file): save it again with torch.save(model.state_dict(), "
                                                         "path)."))
            _require(not all(n.endswith(".npy") for n in zipfile.ZipFile(answer_path).namelist()), tr(
                "This is a NumPy archive (np.savez), not what torch.save writes: save the weights with "
                "torch.save(model.state_dict(), path)."))  # pass 18: called "pickled Python objects"
            _require("numpy" not in str(error), tr(  # pass 19: NumPy arrays were called "the model itself"
                "The file holds NumPy arrays, not tensors: save model.state_dict() as it is (no .numpy())."))
            raise _Wrong(tr("torch.load(..., weights_only=True) refuses this file: it holds pickled Python objects, "
                            "not only tensors. Save model.state_dict(), not the model itself.")) from error
        _require(isinstance(state, dict), tr("The file holds no state_dict: save model.state_dict()."))
        expected = model.state_dict()
        _require(set(state) == set(expected), tr("The file holds {found}; your model has {expected}.",
                                                 found=sorted(state), expected=sorted(expected)))
        kinds = sorted({type(v).__name__ for v in state.values() if not torch.is_tensor(v)})
        _require(not kinds, tr("The file's values are {kinds}, not tensors: save model.state_dict() as it is (no "
                               ".numpy() or .tolist()).", kinds=", ".join(kinds)))  # pass 19: torch.equal's TypeError
        dtypes = sorted({str(v.dtype) for k, v in state.items() if torch.is_tensor(v) and v.dtype != expected[k].dtype})
        same = all(torch.equal(state[k], expected[k]) for k in expected)
        _require(same or not dtypes, tr("The file holds {dtypes} tensors, the model float32 ones: save model.state_dict() as it "
                                "is (no .half() or .double() before saving).", dtypes=", ".join(dtypes)))  # pass 16
        _require(same, tr("These are not the weights of your model from the previous exercise: save that model's state_dict."))
    return _judge(exercise, answer, check)


def _is_onnx(path: Any) -> bool:
    """True for a file that onnx reads as a model (an answer from another exercise, say)."""
    import onnx

    try:
        return len(onnx.load(str(path), load_external_data=False).graph.node) > 0
    except Exception:  # not protobuf: not an ONNX file
        return False


# --- 02 · export to ONNX ---


def _symbolic_batch(model: Any) -> bool:
    dims = model.graph.input[0].type.tensor_type.shape.dim
    return len(dims) > 0 and dims[0].HasField("dim_param")


def check_onnx_export(answer: Any, model: nn.Module, exercise: str = "02.1", *, input_name: str = "features",
                      output_name: str = "prediction", opset: int = 18) -> ExerciseResult:
    """Exercise: ``model`` exported to one self-contained, checked file with named I/O and a dynamic batch."""
    def check() -> None:
        path = _onnx_path(answer)
        leftover = path.with_name(path.name + ".data").exists()
        if leftover:
            import onnx

            try:  # pass 16: loading the weights too reset data_location, so a file using its .data was told to delete it
                stored = onnx.load(str(path), load_external_data=False).graph.initializer
            except Exception:  # not an ONNX file: _load_checked below says so
                stored = []
            _require(not any(i.data_location == onnx.TensorProto.EXTERNAL for i in stored), tr(
                "{name}.data sits beside your file: export with external_data=False to keep one file.", name=path.name))
        onnx_model = _load_checked(path)
        stored = sum(int(np.prod(i.dims)) for i in onnx_model.graph.initializer)
        count = sum(p.numel() for p in model.parameters())
        _require(abs(stored - count) <= 0.1 * max(stored, count), tr(  # pass 21, 23: names the wrong model first
            "Your file stores {stored} weights, and the model given to the check has {count}: export the model the "
            "exercise names, and give that same model to the check.", stored=stored, count=count))
        _require_own_export(onnx_model)  # pass 13: export_model's file passed
        try:
            found = default_opset(onnx_model)
        except ValueError:  # no standard operator set at all
            found = None
        _require(found == opset, tr("The file uses opset {found}; ask for opset_version={opset}.", found=found,
                                    opset=opset))
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
        _require(not leftover, tr("{name}.data beside your file is left from an earlier export (your file does not use "
                                  "it): delete it.", name=path.name))  # pass 15: the hint looped; pass 17: named last
    return _judge(exercise, answer, check, model=model, opset=opset)


def _input_dims(model: nn.Module) -> tuple[int, ...]:
    first = next(m for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d)))
    return (first.in_features,) if isinstance(first, nn.Linear) else (first.in_channels, 16, 16)


def check_inference_session(answer: Any, model: nn.Module, exercise: str = "02.2") -> ExerciseResult:
    """Exercise: an ``onnxruntime.InferenceSession`` that runs ``model``'s ONNX file."""
    def check() -> None:
        _require_ort_session(answer)
        _require(len(answer.get_inputs()) == 1, tr("Expected a model with one input."))
        batch = answer.get_inputs()[0].shape[0]
        _require(not isinstance(batch, int), tr("This session's file fixes the batch to {batch}: open the file you "
                                                "exported with a dynamic batch.", batch=batch))  # pass 13: raw error
        x = _random(7, *_input_dims(model))
        _require(_close(_run(answer, x), _torch_out(model, x)), tr(  # pass 19: the notebook's Linear model for mlp
            "This session's model does not compute what the check's model does: open the file you exported, and "
            "pass the model you exported it from (mlp) to the check, as the cell was written."))
    return _judge(exercise, answer, check, model=model)


# --- 04 · reload into PyTorch and fine-tune ---


def _linear_layers(module: nn.Module) -> list[nn.Linear]:
    return [m for m in module.modules() if isinstance(m, nn.Linear)]


def check_first_layer_trainable(answer: Any, onnx_path: str | Path, exercise: str = "04.1") -> ExerciseResult:
    """Exercise: ``onnx_path`` converted with onnx2pytorch, with only its first Linear layer trainable."""
    def check() -> None:
        _require(isinstance(answer, nn.Module), tr("Answer with the converted module, not a {type_name}.",
                                                   type_name=type(answer).__name__))
        _require(not hasattr(answer, "verification") and not getattr(answer, "made_by_import_to_pytorch", False),
                 tr("That module comes from helpers.import_to_pytorch: call "
                    "onnx2pytorch.ConvertModel(onnx.load(path)) yourself."))
        _require(type(answer).__name__ == "ConvertModel",  # pass 12: the notebook's own PyTorch MLP passed
                 tr("Answer with the module onnx2pytorch.ConvertModel returns for that file, not a {type_name}: "
                    "convert the received file yourself.", type_name=type(answer).__name__))
        x = _random(4, 10)
        same = _close(_torch_out(answer, x), _run(_ort_session(onnx_path), x), atol=1e-4)
        stored = sum(t.size for layer in _layers_in_order(onnx_path) for t in layer)
        _require(same or len(_layers_in_order(onnx_path)) == len(_linear_layers(answer)), tr(  # pass 18
            "{name}, the file given to the check, has {file_layers} layer(s), your module {module_layers}: pass "
            "received_path, the file you converted.", name=Path(onnx_path).name,
            file_layers=len(_layers_in_order(onnx_path)), module_layers=len(_linear_layers(answer))))
        _require(same or sum(p.numel() for p in answer.parameters()) != stored, tr(  # pass 17: re-run after 04.2
            "Your module has {name}'s layers but other weights. Either your module was trained after it was "
            "converted (04.2 fine-tunes it in place: convert received_path again), or {name} is not the file you "
            "converted (pass received_path, not a fine-tuned export).", name=Path(onnx_path).name))  # pass 18: K18
        _require(same, tr("Your module does not compute what {name} computes: convert that file.",
                          name=Path(onnx_path).name))
        layers = _linear_layers(answer)
        _require(len(layers) >= 2, tr("Expected the converted Gemm nodes as nn.Linear layers."))
        trainable = [all(p.requires_grad for p in m.parameters()) for m in layers]
        frozen = [not any(p.requires_grad for p in m.parameters()) for m in layers]
        _require(trainable[0] or frozen[0] or not all(frozen[1:]), tr(  # pass 19: "[False, False, False]"
            "Only some of the first layer's parameters train (its weight or its bias is still frozen): call "
            "requires_grad_(True) on the layer itself, which sets both."))
        _require(trainable[0] and all(frozen[1:]), tr("Only the first layer may train: call requires_grad_(False) on "
                                                      "every parameter, then requires_grad_(True) on the first "
                                                      "layer's (trainable now: {trainable}).", trainable=trainable))
    return _judge(exercise, answer, check, onnx_path=onnx_path)


def check_fine_tuned_file(answer: Any, received_path: str | Path, data: Any, exercise: str = "04.2") -> ExerciseResult:
    """Exercise: a re-exported file whose first layer was fine-tuned on ``data`` and the rest kept as received."""
    def check() -> None:
        path, received_file = _onnx_path(answer), _load_checked(Path(received_path))
        traced = {prop.key for node in received_file.graph.node for prop in node.metadata_props}
        overwritten = tr(  # pass 23: the fine-tuned export written over received_path
            "{name} no longer holds the received file: a torch.onnx.export wrote over it (helpers.export_model wrote "
            "the received file without the exporter's stack traces). Delete it (received_path.unlink()), run the cell "
            "that exports `pretrained` to it again, then export your fine-tuned module to a new file, such as "
            "my_fine_tuned.onnx.", name=Path(received_path).name)
        same_file = Path(path).resolve() == Path(received_path).resolve()
        _require(not same_file or "pkg.torch.onnx.stack_trace" not in traced, overwritten)
        _require(not same_file, tr("That is the received file: export your fine-tuned module to a new one."))
        onnx_model = _load_checked(path)
        keys = {prop.key for node in onnx_model.graph.node for prop in node.metadata_props}
        _require(not (keys and "pkg.torch.onnx.stack_trace" not in keys) or "pkg.torch.onnx.stack_trace" not in traced, tr(
            "The check's arguments look swapped: your answer comes first, then received_path "
            "(check_fine_tuned_file(answer_04_2, received_path, task_b))."))  # pass 19
        _require_own_export(onnx_model)  # pass 16: export_model's file passed
        _require("pkg.torch.onnx.stack_trace" not in traced, overwritten)
        _require(_symbolic_batch(onnx_model), tr("Keep the batch dynamic: dynamic_shapes=(({{0: Dim('batch')}},),) "
                                                 "for a module whose forward takes *inputs."))
        received, mine = _layers_in_order(received_path), _layers_in_order(path)  # first layer first
        shapes = [[t.shape for t in layer] for layer in mine], [[t.shape for t in layer] for layer in received]
        _require(shapes[0] == shapes[1],
                 tr("Your file's layers have weights of shapes {mine}, the received file's {received}: export the "
                    "module converted from the received file (first layer fine-tuned), not another model.",
                    mine=shapes[0], received=shapes[1]))
        classes = [p.value for n in onnx_model.graph.node for p in n.metadata_props if p.key.endswith("class_hierarchy")]
        _require(not classes or any("onnx2pytorch" in c for c in classes), tr(  # pass 23: `pretrained` fine-tuned
            "Your file was exported from a {top}, not from the module onnx2pytorch converted from the received file: "
            "the exercise fine-tunes what came back from ONNX. Fine-tune answer_04_1 (04.1's ConvertModel) and "
            "export that.", top=classes[0].split("'")[1] if classes and "'" in classes[0] else "PyTorch module"))
        changed = [i for i, (a, b) in enumerate(zip(mine, received)) if not _same_tensors(a, b)]
        _require(changed, tr("Your file holds the received weights unchanged: train the first layer on the new task "
                             "before exporting."))
        _require(any(np.array_equal(a[0], b[0]) for a, b in zip(mine, received)) or len(mine) < 2, tr(
            "Every layer of your file differs from the received file's: your module was not converted from "
            "received_path, or all of its layers trained. Convert received_path (04.1), keep only its first layer "
            "trainable, then fine-tune it."))
        _require(changed == [0], tr("Layer(s) {layers} changed (weights or biases): only the first layer may train. "
                                    "Freeze every other layer whole, requires_grad_(False) on all its parameters.",
                                    layers=", ".join(str(i + 1) for i in changed if i)))  # pass 16: biases slipped
        _require(not np.array_equal(mine[0][0], received[0][0]), tr(
            "Only the first layer's bias changed: make its weight trainable too (requires_grad_(True) on the whole "
            "layer)."))
        x, y = data.x.numpy(), data.y.numpy()
        new_loss = float(np.mean((_run(_ort_session(path), x) - y) ** 2))
        old_loss = float(np.mean((_run(_ort_session(received_path), x) - y) ** 2))
        _require(old_loss > 0.05 * float(np.var(y)), tr(
            "The received file already solves the check's data (its loss there is {old_loss:.4f}): pass the new "
            "task's data, the one you fine-tuned on, as the cell above was written.", old_loss=old_loss))
        _require(new_loss < 0.8 * old_loss, tr(
            "Your first layer changed, but on the task given to the check the loss went from {old_loss:.3f} to "
            "{new_loss:.3f}: train on that task (task_b), for longer or with a larger learning rate.",
            new_loss=new_loss, old_loss=old_loss))
    return _judge(exercise, answer, check, received_path=received_path, data=data)
