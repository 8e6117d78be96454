from __future__ import annotations

import numpy as np
import pytest
import torch

import helpers
from helpers import exercises


@pytest.mark.parametrize("placeholder", [None, ...])
def test_placeholder_means_not_done_yet(placeholder, linear_model, task_b) -> None:
    for result in (exercises.check_trained_regressor(placeholder, task_b, linear_model),
                   exercises.check_onnx_export(placeholder, linear_model),
                   exercises.check_cond_export(placeholder)):
        assert result.passed is None and "not done yet" in str(result) and not result


def test_check_answer_accepts_a_float_within_rounding_and_compares_arrays() -> None:
    assert exercises.check_answer("x", 0.1 + 0.2, 0.3, hint="h").passed
    assert not exercises.check_answer("x", 0.31, 0.3, hint="h").passed
    assert exercises.check_answer("x", np.array([0.1 + 0.2, 1.0]), np.array([0.3, 1.0]), hint="h").passed
    assert exercises.check_answer("x", torch.tensor([1.0, 2.0]), np.array([1.0, 2.0]), hint="h").passed
    assert exercises.check_answer("x", np.ones(3), np.ones(2), hint="wrong length").message == "wrong length"


def test_check_answer_compares_and_reports_a_wrong_type() -> None:
    assert exercises.check_answer("x", 11, 11, hint="h").passed
    assert exercises.check_answer("x", 10, 11, hint="count again").message == "count again"
    odd = exercises.check_answer("x", object(), 1.0, hint="h", equal=lambda a, b: float(a) == b)
    assert odd.passed is False and "Could not compare" in odd.message


def test_a_check_that_crashes_on_a_strange_artifact_reports_it_instead() -> None:
    result = exercises.check_inference_session(object(), helpers.make_mlp())
    assert result.passed is False and "InferenceSession" in result.message


# --- checks of artifacts: a correct artifact passes, a plausible shortcut fails ---------------------------

@pytest.fixture(scope="module")
def task_b():
    return helpers.make_regression_data(n_samples=256, seed=1, rule_seed=1)


def _train(model, data, epochs: int = 60):
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(epochs):
        for batch in torch.randperm(len(data.x)).split(32):
            loss = torch.nn.functional.mse_loss(model(data.x[batch]), data.y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model


def test_trained_regressor_needs_a_new_model_trained_on_the_task(task_b, linear_model) -> None:
    check = exercises.check_trained_regressor
    assert check(None, task_b, linear_model).passed is None
    assert check(_train(helpers.make_linear_model(seed=1), task_b), task_b, linear_model).passed
    assert not check(linear_model, task_b, linear_model).passed  # the notebook's model, trained on another task
    shortcut = helpers.make_linear_model(seed=1)
    shortcut.load_state_dict(linear_model.state_dict())  # a copy of it: wrong task, wrong rule
    assert "mean squared error" in check(shortcut, task_b, linear_model).message
    assert not check(helpers.make_linear_model(seed=1), task_b, linear_model).passed  # untrained
    # pass 8: a copy of the notebook's model "passed" when the check was given the notebook's own task
    own_task = helpers.make_regression_data(n_samples=256, noise=0.1, seed=0)
    solved = _train(helpers.make_linear_model(seed=0), own_task)
    assert "the task the notebook's model already solves" in check(shortcut, own_task, solved).message
    shared = helpers.make_linear_model(seed=1)
    shared.linear = linear_model.linear  # the notebook's layer itself: training one trains both
    assert "reuses the notebook model's layer" in check(shared, task_b, linear_model).message
    copied = helpers.make_linear_model(seed=1)  # pass 12: the data's own rule copied in passed with no training
    with torch.no_grad():
        copied.linear.weight.copy_(task_b.true_weight.reshape(1, -1))
        copied.linear.bias.fill_(float(task_b.true_bias))
    assert "true_weight" in check(copied, task_b, linear_model).message


def test_weights_file_must_be_a_state_dict_of_that_model(tmp_path, linear_model) -> None:
    model = helpers.make_linear_model(seed=3)
    good, whole, other = tmp_path / "good.pt", tmp_path / "whole.pt", tmp_path / "other.pt"
    torch.save(model.state_dict(), good)
    torch.save(model, whole)
    torch.save(linear_model.state_dict(), other)
    assert exercises.check_weights_file(good, model).passed
    assert "state_dict" in exercises.check_weights_file(whole, model).message
    assert not exercises.check_weights_file(other, model).passed
    assert exercises.check_weights_file(None, None).passed is None


def _export(module, path, dynamic: bool = True, example=None):
    example = torch.randn(2, 10) if example is None else example
    torch.onnx.export(module.eval(), (example,), path, input_names=["features"], output_names=["prediction"],
                      dynamic_shapes=({0: torch.export.Dim("batch")},) if dynamic else None, opset_version=18,
                      external_data=False, dynamo=True, verbose=False)
    return path


def test_onnx_export_check_inspects_the_file(tmp_path) -> None:
    mlp = helpers.make_mlp(hidden=16, seed=1)
    good = _export(mlp, tmp_path / "good.onnx")
    assert exercises.check_onnx_export(good, mlp).passed
    fixed = _export(mlp, tmp_path / "fixed.onnx", dynamic=False)
    assert "dynamic_shapes" in exercises.check_onnx_export(fixed, mlp).message
    torch.onnx.export(mlp.eval(), (torch.randn(2, 10),), tmp_path / "blog.onnx")  # the blog's call
    assert not exercises.check_onnx_export(tmp_path / "blog.onnx", mlp).passed
    other = _export(helpers.make_mlp(hidden=16, seed=2), tmp_path / "other.onnx")
    assert "disagree" in exercises.check_onnx_export(other, mlp).message
    assert not exercises.check_onnx_export(tmp_path / "missing.onnx", mlp).passed
    linear = helpers.export_model(helpers.make_linear_model(seed=0), torch.randn(2, 10), tmp_path / "linear.onnx").path
    message = exercises.check_onnx_export(linear, mlp).message  # pass 23: notebook 02's linear.onnx, written by the
    assert "stores 11 weights" in message, message  # helper, was blamed on the helper, not on being the wrong model


def test_inference_session_check_wants_an_onnxruntime_session(tmp_path) -> None:
    import onnxruntime as ort

    mlp = helpers.make_mlp(hidden=16, seed=1)
    path = _export(mlp, tmp_path / "mlp.onnx")
    assert exercises.check_inference_session(ort.InferenceSession(path, providers=["CPUExecutionProvider"]), mlp).passed
    wrapped = exercises.check_inference_session(helpers.create_session(path, device="cpu"), mlp)
    assert not wrapped.passed and "InferenceSession" in wrapped.message
    with torch.no_grad():
        outputs = mlp(torch.randn(7, 10)).numpy()
    assert not exercises.check_inference_session(outputs, mlp).passed  # PyTorch's output is no session


# --- 03 · inspect the graph ---

def _linear_by_hand(model, batch="batch"):
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node("Gemm", ["features", "weight", "bias"], ["prediction"], transB=1)], "linear_by_hand",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, [batch, 10])],
        [helper.make_tensor_value_info("prediction", TensorProto.FLOAT, [batch, 1])],
        [numpy_helper.from_array(model.linear.weight.detach().numpy(), "weight"),
         numpy_helper.from_array(model.linear.bias.detach().numpy(), "bias")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def test_linear_built_by_hand(tmp_path, linear_model, linear_onnx) -> None:
    import onnx

    check = exercises.check_linear_built_by_hand
    assert check(None, linear_model).passed is None and "not done yet" in str(check(..., linear_model))
    built = _linear_by_hand(linear_model)
    assert check(built, linear_model).passed
    onnx.save(built, tmp_path / "by_hand.onnx")
    assert check(tmp_path / "by_hand.onnx", linear_model).passed
    exported = check(linear_onnx, linear_model)  # the shortcut: the file torch.onnx.export wrote
    assert exported.passed is False and "build it with onnx.helper" in exported.message.lower()
    assert "batch dimension" in check(_linear_by_hand(linear_model, batch=5), linear_model).message
    other = _linear_by_hand(helpers.make_linear_model(seed=5))  # right graph, someone else's weights
    assert "disagrees" in check(other, linear_model).message
    assert not check(tmp_path / "missing.onnx", linear_model).passed


def _with_extra_output(path, relu_index: int = 0, op_type: str = "Relu"):
    import onnx

    model = onnx.load(path)
    node = [n for n in model.graph.node if n.op_type == op_type][relu_index]
    model.graph.output.append(onnx.helper.make_tensor_value_info(node.output[0], onnx.TensorProto.FLOAT, None))
    return model


def test_hidden_output(tmp_path) -> None:
    import onnx

    mlp = helpers.make_mlp(hidden=32)
    path = helpers.export_model(mlp, torch.randn(2, 10), tmp_path / "mlp.onnx").path
    check = exercises.check_hidden_output
    assert check(None, mlp).passed is None
    onnx.save(_with_extra_output(path), tmp_path / "hidden.onnx")
    assert check(tmp_path / "hidden.onnx", mlp).passed
    assert check(_with_extra_output(path), mlp).passed  # the edited ModelProto works too
    unchanged = check(path, mlp)  # the shortcut: the exported file as it is
    assert unchanged.passed is False and "nothing was added" in unchanged.message
    assert "second Relu" in check(_with_extra_output(path, relu_index=1), mlp).message
    assert "before the Relu" in check(_with_extra_output(path, op_type="Gemm"), mlp).message
    declared = _with_extra_output(path)  # pass 12: declared 16 wide where the Relu gives 32
    declared.graph.output[-1].CopyFrom(onnx.helper.make_tensor_value_info(
        declared.graph.output[-1].name, onnx.TensorProto.FLOAT, ["batch", 16]))
    assert "declared as ['batch', 16]" in check(declared, mlp).message
    right = _with_extra_output(path)
    right.graph.output[-1].CopyFrom(onnx.helper.make_tensor_value_info(
        right.graph.output[-1].name, onnx.TensorProto.FLOAT, ["batch", 32]))
    assert check(right, mlp).passed


def _received(tmp_path):
    """A trained MLP exported as the 'received' file of notebook 04."""
    mlp = helpers.make_mlp(hidden=8, seed=0)
    helpers.train_regressor(mlp, helpers.make_regression_data(n_samples=128, seed=0), epochs=5, lr=0.02)
    return helpers.export_model(mlp, torch.randn(2, 10), tmp_path / "received.onnx").path


def _convert(path, trainable_first: bool = True):
    import onnx
    import onnx2pytorch

    module = onnx2pytorch.ConvertModel(onnx.load(str(path)))
    module.requires_grad_(False)
    layers = [m for m in module.modules() if isinstance(m, torch.nn.Linear)]
    (layers[0] if trainable_first else layers[-1]).requires_grad_(True)
    return module


def test_first_layer_trainable_rejects_the_packaged_import_and_the_wrong_layer(tmp_path) -> None:
    path = _received(tmp_path)
    assert exercises.check_first_layer_trainable(_convert(path), path).passed
    assert "only the first" in exercises.check_first_layer_trainable(_convert(path, False), path).message.lower()
    imported = helpers.import_to_pytorch(path)
    helpers.freeze_all_but_last(imported)
    assert "ConvertModel" in exercises.check_first_layer_trainable(imported, path).message
    assert "ConvertModel" in exercises.check_first_layer_trainable(imported.converted, path).message
    original = helpers.make_mlp()  # pass 12: the notebook's own PyTorch MLP, never converted, first layer trainable
    original.requires_grad_(False)
    original[0].requires_grad_(True)
    assert "ConvertModel" in exercises.check_first_layer_trainable(original, path).message


def _export_converted(module, path):
    torch.onnx.export(module.eval(), (torch.randn(2, 10),), path, input_names=["features"], output_names=["prediction"],
                      dynamic_shapes=(({0: torch.export.Dim("batch")},),), external_data=False, verbose=False)
    return path


def test_fine_tuned_file_keeps_the_frozen_layers_and_learns(tmp_path, task_b) -> None:
    received = _received(tmp_path)
    good = _convert(received)
    helpers.train_regressor(good, task_b, epochs=40, lr=0.02, batch_size=16)
    assert exercises.check_fine_tuned_file(_export_converted(good, tmp_path / "good.onnx"), received, task_b).passed
    assert not exercises.check_fine_tuned_file(received, received, task_b).passed  # the received file itself
    unchanged = _export_converted(_convert(received), tmp_path / "same.onnx")
    assert "unchanged" in exercises.check_fine_tuned_file(unchanged, received, task_b).message  # exported, not trained
    everything = _convert(received)
    everything.requires_grad_(True)
    helpers.train_regressor(everything, task_b, epochs=40, lr=0.02, batch_size=16)
    result = exercises.check_fine_tuned_file(_export_converted(everything, tmp_path / "all.onnx"), received, task_b)
    assert "Every layer of your file differs" in result.message  # all layers trained: the frozen ones moved
    last_only = _convert(received)  # notebook 04's own fine-tuning: every layer frozen but the last
    last_only.requires_grad_(False)
    _linear(last_only)[-1].requires_grad_(True)
    helpers.train_regressor(last_only, task_b, epochs=40, lr=0.02, batch_size=16)
    result = exercises.check_fine_tuned_file(_export_converted(last_only, tmp_path / "last.onnx"), received, task_b)
    assert not result.passed and "Layer(s) 3 changed" in result.message, result.message
    biases = _convert(received)  # pass 16: "freeze the weights" left the later layers' biases training, and passed
    for name, parameter in biases.named_parameters():
        parameter.requires_grad_(not name.endswith("weight") or parameter is _linear(biases)[0].weight)
    helpers.train_regressor(biases, task_b, epochs=40, lr=0.02, batch_size=16)
    result = exercises.check_fine_tuned_file(_export_converted(biases, tmp_path / "biases.onnx"), received, task_b)
    assert result.passed is False and "weights or biases" in result.message, result.message
    packaged = helpers.import_to_pytorch(received)  # pass 16: the helpers' shortcut passed here (02.1 refuses it)
    packaged.requires_grad_(False)
    _linear(packaged)[0].requires_grad_(True)
    helpers.train_regressor(packaged, task_b, epochs=40, lr=0.02, batch_size=16)
    shortcut = helpers.export_model(packaged, torch.randn(2, 10), tmp_path / "packaged.onnx").path
    assert "helpers.export_model" in exercises.check_fine_tuned_file(shortcut, received, task_b).message
    on_a = _convert(received)  # pass 16: trained on the other task, told to train longer
    helpers.train_regressor(on_a, helpers.make_regression_data(n_samples=128, seed=0), epochs=5, lr=0.02)
    result = exercises.check_fine_tuned_file(_export_converted(on_a, tmp_path / "on_a.onnx"), received, task_b)
    assert "train on that task (task_b)" in result.message, result.message
    mine = _export_converted(good, tmp_path / "mine.onnx")  # pass 19: the two files swapped blamed export_model
    assert "arguments look swapped" in exercises.check_fine_tuned_file(received, mine, task_b).message


def _linear(module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Linear)]


def test_pass_23_fine_tuned_file_needs_the_converted_module_and_the_received_file(tmp_path, task_b) -> None:
    import shutil

    pretrained = helpers.make_mlp(hidden=8, seed=0)  # the PyTorch model the received file came from
    helpers.train_regressor(pretrained, helpers.make_regression_data(n_samples=128, seed=0), epochs=5, lr=0.02)
    received = helpers.export_model(pretrained, torch.randn(2, 10), tmp_path / "received.onnx").path
    pretrained.requires_grad_(False)  # cheat: fine-tune the original, never converted back from ONNX
    pretrained[0].requires_grad_(True)
    helpers.train_regressor(pretrained, task_b, epochs=40, lr=0.02, batch_size=16)
    cheat = tmp_path / "original.onnx"
    torch.onnx.export(pretrained.eval(), (torch.randn(2, 10),), cheat, input_names=["features"],
                      dynamic_shapes=({0: torch.export.Dim("batch")},), external_data=False, verbose=False)
    result = exercises.check_fine_tuned_file(cheat, received, task_b)
    assert result.passed is False and "exported from a torch.nn.modules.container.Sequential" in result.message
    good = _convert(received)
    helpers.train_regressor(good, task_b, epochs=40, lr=0.02, batch_size=16)
    assert exercises.check_fine_tuned_file(_export_converted(good, tmp_path / "good.onnx"), received, task_b).passed
    overwritten = _export_converted(good, shutil.copy(received, tmp_path / "received_2.onnx"))  # over received_path
    for answer in (overwritten, tmp_path / "good.onnx"):  # the path itself, then a new file as the check advised
        message = exercises.check_fine_tuned_file(answer, overwritten, task_b).message
        assert "no longer holds the received file" in message and "received_path.unlink()" in message, message


def _timed(device, warmup: int, sync: bool, repeat: int = 8) -> list[float]:
    import time

    for _ in range(warmup):
        device.run()
    if sync:
        device.synchronize()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        device.run()
        if sync:
            device.synchronize()
        times.append(time.perf_counter() - start)
    return times


def test_async_timing_needs_warm_up_and_synchronize() -> None:
    from helpers import bench

    device = bench.SimulatedGPU(kernel_ms=5)
    assert exercises.check_async_timing(_timed(device, 3, True), device).passed
    device = bench.SimulatedGPU(kernel_ms=5)
    assert "synchronize" in exercises.check_async_timing(_timed(device, 3, False), device).message
    device = bench.SimulatedGPU(kernel_ms=5)
    assert "warm-up" in exercises.check_async_timing(_timed(device, 0, True), device).message
    assert exercises.check_async_timing(None, device).passed is None
    # pass 8: made-up times the device never produced passed once the device had been run enough times
    device = bench.SimulatedGPU(kernel_ms=5)
    for _ in range(12):
        device.run()
    assert "cannot come from the device" in exercises.check_async_timing([0.0051] * 10, device).message
    device = bench.SimulatedGPU(kernel_ms=5)
    _timed(device, 3, True, repeat=5)
    assert "not measured on this device" in exercises.check_async_timing([0.0051] * 7, device).message


@pytest.fixture(scope="module")
def cnn_file(tmp_path_factory):
    cnn = helpers.make_small_cnn(seed=0)
    path = tmp_path_factory.mktemp("cnn") / "cnn.onnx"
    return cnn, helpers.export_model(cnn, torch.randn(2, 1, 16, 16), path).path


def test_session_options_are_read_from_the_session(cnn_file) -> None:
    import onnxruntime as ort

    cnn, path = cnn_file
    example = torch.randn(3, 1, 16, 16).numpy()
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.intra_op_num_threads = 1
    good = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    assert exercises.check_session_options(good, cnn, example).passed
    default = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    assert "ORT_DISABLE_ALL" in exercises.check_session_options(default, cnn, example).message


def _own(path):
    """The same file without the helper's mark: what the student's own quantize_static or SessionOptions call writes."""
    import onnx

    from helpers.onnx_file import DERIVED_KEY

    model = onnx.load(str(path))
    kept = [entry for entry in model.metadata_props if entry.key != DERIVED_KEY]
    del model.metadata_props[:]
    model.metadata_props.extend(kept)
    onnx.save(model, str(path))
    return path


def _qoperator(fp32, target, images):
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, quantize_static

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.batches = iter([{"features": images[i:i + 1]} for i in range(len(images))])

        def get_next(self):
            return next(self.batches, None)

    quantize_static(str(fp32), str(target), Reader(), quant_format=QuantFormat.QOperator)
    return target


def test_static_int8_must_be_qdq_and_keep_accuracy(cnn_file, tmp_path) -> None:
    from helpers import optimize

    _, path = cnn_file
    test = helpers.make_shapes_data(200, seed=1)
    calibration = helpers.make_shapes_data(32, seed=2).images.numpy()
    static = _own(optimize.quantize_static_int8(path, tmp_path / "static.onnx", calibration))
    assert exercises.check_static_int8(static, path, test).passed
    helper_made = optimize.quantize_static_int8(path, tmp_path / "helper.onnx", calibration)
    assert "quantize_static_int8 wrote this file" in exercises.check_static_int8(helper_made, path, test).message
    assert "fp32 file itself" in exercises.check_static_int8(path, path, test).message  # pass 17: judged against itself
    notebooks = exercises.check_static_int8(static, path, test, notebook_file=static)  # pass 17: section 3's file
    assert "section 3 wrote" in notebooks.message, notebooks.message
    import shutil
    copy = shutil.copy(static, tmp_path / "copy.onnx")  # pass 23: a copy of section 3's file passed
    assert "a copy" in exercises.check_static_int8(copy, path, test, notebook_file=static).message
    assert "wrote over the fp32 file" in exercises.check_static_int8(copy, copy, test).message  # pass 23
    other_calibration = helpers.make_shapes_data(32, seed=3).images.numpy()
    own = _own(optimize.quantize_static_int8(path, tmp_path / "own.onnx", other_calibration))
    assert exercises.check_static_int8(own, path, test, notebook_file=static).passed
    qoperator = _qoperator(path, tmp_path / "qoperator.onnx", calibration)  # pass 17: the QOperator format passed
    assert "QOperator format" in exercises.check_static_int8(qoperator, path, test).message
    dynamic = optimize.quantize_dynamic_int8(path, tmp_path / "dynamic.onnx")
    assert "dynamic" in exercises.check_static_int8(dynamic, path, test).message
    assert "arguments look swapped" in exercises.check_static_int8(path, static, test).message  # pass 22
    other = helpers.export_model(helpers.make_small_cnn(seed=5), torch.randn(2, 1, 16, 16), tmp_path / "other.onnx").path
    other_int8 = _own(optimize.quantize_static_int8(other, tmp_path / "other_int8.onnx", calibration))  # pass 20
    message = exercises.check_static_int8(other_int8, path, test).message
    assert "None of your int8 file's weights matches" in message and "calibrate" not in message, message


def test_static_int8_must_be_calibrated_on_the_picked_training_images(cnn_file, tmp_path) -> None:
    """Pass 24: calibrating on the test set (which the check scores), on one image repeated or on 10 images passed."""
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, quantize_static

    class Reader(CalibrationDataReader):
        def __init__(self, images, batch: int = 1) -> None:
            self.feeds = iter([{"features": images[i:i + batch]} for i in range(0, len(images), batch)])

        def get_next(self):
            return next(self.feeds, None)

    _, path = cnn_file
    train, test = helpers.make_shapes_data(300, seed=0), helpers.make_shapes_data(200, seed=1)
    picked = train.images.numpy()[np.random.default_rng(0).choice(len(train), 100, replace=False)]

    def check(name, images, batch=1):
        quantize_static(str(path), str(tmp_path / name), Reader(images, batch), quant_format=QuantFormat.QDQ)
        return exercises.check_static_int8(tmp_path / name, path, test, train=train)
    assert check("right.onnx", picked).passed
    assert check("batches.onnx", picked, batch=32).passed  # the same images in batches: the same ranges, the same file
    for name, images in (("test.onnx", test.images.numpy()[:100]), ("ten.onnx", picked[:10]),
                         ("one.onnx", np.repeat(picked[:1], 100, axis=0)), ("first.onnx", train.images.numpy()[:100])):
        result = check(name, images)
        assert result.passed is False and "not that of the 100 training images" in result.message, (name, result)
    small = exercises.check_static_int8(tmp_path / "right.onnx", path, test, train=helpers.make_shapes_data(50, seed=0))
    assert small.passed is None and "picks 100" in small.message, small.message


def test_extended_file_is_fused_and_portable(cnn_file, tmp_path) -> None:
    from helpers import optimize

    _, path = cnn_file
    example = torch.randn(4, 1, 16, 16).numpy()
    extended = optimize.optimize_graph(path, "extended", tmp_path / "extended.onnx")
    assert "SessionOptions yourself" in exercises.check_extended_optimized_file(extended, path, example).message
    assert exercises.check_extended_optimized_file(_own(extended), path, example).passed
    basic = _own(optimize.optimize_graph(path, "basic", tmp_path / "basic.onnx"))
    assert "com.microsoft" in exercises.check_extended_optimized_file(basic, path, example).message
    other = _own(optimize.optimize_graph(helpers.export_model(helpers.make_mlp(), torch.randn(2, 10),  # pass 16
                                                              tmp_path / "mlp.onnx").path, "extended", tmp_path / "mlp_ext.onnx"))
    assert "optimise that file (cnn.onnx)" in exercises.check_extended_optimized_file(other, path, example).message
    full = _own(optimize.optimize_graph(path, "all", tmp_path / "all.onnx"))
    if any(d.endswith("nchwc") for d in helpers.summarize(full).domains):  # x86 with AVX2 or AVX-512
        assert "NCHWc" in exercises.check_extended_optimized_file(full, path, example).message


class _ScaleDown(torch.nn.Module):
    def __init__(self, threshold: float = 1.0, signed_peak: bool = False) -> None:
        super().__init__()
        self.threshold, self.signed_peak = threshold, signed_peak

    def forward(self, x):
        peak = x.max() if self.signed_peak else x.abs().max()
        return torch.cond(peak > self.threshold, lambda t, p: t / p, lambda t, p: t.clone(), (x, peak))


class _ScaleDownIf(torch.nn.Module):
    def forward(self, x):
        peak = x.abs().max()
        return x / peak if peak > 1 else x


def test_cond_export_needs_an_if_node(tmp_path) -> None:
    from helpers import dynamic

    good = tmp_path / "cond.onnx"
    torch.onnx.export(_ScaleDown().eval(), (torch.randn(3, 4),), good, input_names=["x"], output_names=["y"],
                      dynamic_shapes=({0: torch.export.Dim("batch")},), external_data=False, verbose=False)
    assert exercises.check_cond_export(good).passed
    traced = tmp_path / "traced.onnx"
    dynamic.export_with_legacy_tracer(_ScaleDownIf(), 3 * torch.randn(3, 4), traced)
    assert "If node" in exercises.check_cond_export(traced).message
    other = tmp_path / "threshold.onnx"  # pass 12: a threshold of 2.5 instead of 1 passed
    torch.onnx.export(_ScaleDown(threshold=2.5).eval(), (torch.randn(3, 4),), other, input_names=["x"],
                      output_names=["y"], dynamic_shapes=({0: torch.export.Dim("batch")},), external_data=False,
                      verbose=False)
    assert "differs from the rule" in exercises.check_cond_export(other).message
    signed = tmp_path / "signed.onnx"  # pass 14: x.max() instead of x.abs().max() passed
    torch.onnx.export(_ScaleDown(signed_peak=True).eval(), (torch.randn(3, 4),), signed, input_names=["x"],
                      output_names=["y"], dynamic_shapes=({0: torch.export.Dim("batch")},), external_data=False,
                      verbose=False)
    assert "differs from the rule" in exercises.check_cond_export(signed).message
    fixed = tmp_path / "fixed.onnx"  # pass 14: onnxruntime's raw "Got: 5 Expected: 3"
    torch.onnx.export(_ScaleDown().eval(), (torch.randn(3, 4),), fixed, input_names=["x"], output_names=["y"],
                      external_data=False, verbose=False)
    assert "batch is fixed to 3" in exercises.check_cond_export(fixed).message
    packaged = helpers.export_model(_ScaleDown(), torch.randn(3, 4), tmp_path / "packaged.onnx", input_names=["x"],
                                    output_names=["y"]).path  # pass 24: the helper passed where 07.2 refused it
    assert "helpers.export_model" in exercises.check_cond_export(packaged).message
    sign_gate = tmp_path / "sign_gate.onnx"  # pass 24: notebook 07's own cond model was told to check both branches
    torch.onnx.export(dynamic.SignGateCond().eval(), (torch.randn(3, 4),), sign_gate, input_names=["x"], output_names=["y"],
                      dynamic_shapes=({0: torch.export.Dim("batch")},), external_data=False, verbose=False)
    assert "another model's file" in exercises.check_cond_export(sign_gate).message
    three = tmp_path / "three.onnx"  # pass 16: the right rule on 3 features got onnxruntime's "Expected: 3"
    torch.onnx.export(_ScaleDown().eval(), (torch.randn(2, 3),), three, input_names=["x"], output_names=["y"],
                      dynamic_shapes=({0: torch.export.Dim("batch")},), external_data=False, verbose=False)
    assert exercises.check_cond_export(three).passed


def test_pair_sum_export_must_accept_every_even_batch(tmp_path) -> None:
    from helpers import dynamic

    good, fixed = tmp_path / "pairs.onnx", tmp_path / "fixed.onnx"
    arguments = dict(input_names=["x"], output_names=["y"], external_data=False, verbose=False)
    torch.onnx.export(dynamic.PairSum().eval(), (torch.randn(4, 3),), good,
                      dynamic_shapes=({0: 2 * torch.export.Dim("half")},), **arguments)
    torch.onnx.export(dynamic.PairSum().eval(), (torch.randn(4, 3),), fixed, **arguments)
    assert exercises.check_pair_sum_export(good).passed
    assert "batch is fixed to 4" in exercises.check_pair_sum_export(fixed).message
    plain = tmp_path / "plain.onnx"  # pass 21: torch.onnx.export fixes a plain Dim itself, and the check said nothing
    torch.onnx.export(dynamic.PairSum().eval(), (torch.randn(4, 3),), plain,
                      dynamic_shapes=({0: torch.export.Dim("batch")},), **arguments)
    message = exercises.check_pair_sum_export(plain).message
    assert "plain dimension batch" in message and "2 * Dim('half')" in message, message
    packaged = helpers.export_model(dynamic.PairSum(), torch.randn(4, 3), tmp_path / "packaged.onnx",  # pass 23
                                    input_names=["x"], output_names=["y"], dynamic_shapes=({0: 2 * torch.export.Dim("half")},))
    assert "helpers.export_model" in exercises.check_pair_sum_export(packaged.path).message


def _clip_file(tmp_path, name: str, use_op: bool = True, dynamic: bool = True, limit: float = 0.5, width: int = 8):
    from onnxscript import opset18 as op

    @torch.library.custom_op(f"testlib::{name}", mutates_args=())
    def clip(x: torch.Tensor, limit: float) -> torch.Tensor:
        return x.clamp(-limit, limit)

    clip.register_fake(lambda x, limit: torch.empty_like(x))

    class Half(torch.nn.Module):
        def forward(self, x):
            return clip(x, limit) if use_op else x.clamp(-limit, limit)

    path = tmp_path / f"{name}.onnx"
    table = {getattr(torch.ops.testlib, name).default:
             lambda x, limit: op.Clip(x, op.Constant(value_float=-limit), op.Constant(value_float=limit))}
    torch.onnx.export(Half().eval(), (torch.randn(2, width),), path, input_names=["x"], output_names=["y"],
                      dynamic_shapes=({0: torch.export.Dim("batch")},) if dynamic else None, external_data=False,
                      verbose=False, custom_translation_table=table if use_op else None)
    return clip, table, path


def test_custom_clip_op_needs_the_operator_and_a_standard_file(tmp_path) -> None:
    from onnxscript import opset18 as op

    clip, table, path = _clip_file(tmp_path, "clip_good")
    assert exercises.check_custom_clip_op((clip, table, path)).passed
    overload = next(iter(table))  # pass 24: the registered overload, as the notebook prints it, was refused
    assert exercises.check_custom_clip_op((overload, table, path)).passed
    assert exercises.check_custom_clip_op((torch.ops.testlib.clip_good, table, path)).passed  # the packet too
    assert "custom_op" in exercises.check_custom_clip_op((torch.ops.aten.clamp.default, table, path)).message
    _, plain_table, plain = _clip_file(tmp_path, "clip_plain", use_op=False)
    assert "custom_op" in exercises.check_custom_clip_op((torch.clamp, plain_table, plain)).message  # no custom op
    assert "three items" in exercises.check_custom_clip_op(path).message
    assert "three items" in exercises.check_custom_clip_op((clip, path)).message  # pass 23: the old pair
    assert "translated from your op" in exercises.check_custom_clip_op((clip, table, plain)).message  # pass 12
    fixed_clip, fixed_table, fixed = _clip_file(tmp_path, "clip_fixed", dynamic=False)  # pass 16
    assert "batch is fixed to 2" in exercises.check_custom_clip_op((fixed_clip, fixed_table, fixed)).message
    wide_clip, wide_table, wide = _clip_file(tmp_path, "clip_wide", limit=1.0)  # pass 18: "check the translation"
    assert "clips to ±1.0, not ±0.5" in exercises.check_custom_clip_op((wide_clip, wide_table, wide)).message
    four_clip, four_table, four = _clip_file(tmp_path, "clip_four", width=4)  # pass 18: onnxruntime's raw error
    assert "rows of 4 values" in exercises.check_custom_clip_op((four_clip, four_table, four)).message
    assert "second item" in exercises.check_custom_clip_op((clip, path, path)).message  # the table left out
    assert "second item" in exercises.check_custom_clip_op((clip, wide_table, path)).message  # another op's table
    key = next(iter(table))  # pass 23: a translation with fixed ±0.5 bounds, not limit, passed
    fixed_bounds = {key: lambda x, limit: op.Clip(x, op.Constant(value_float=-0.5), op.Constant(value_float=0.5))}
    message = exercises.check_custom_clip_op((clip, fixed_bounds, path)).message
    assert "does not use its limit argument" in message and "±0.5" in message, message
    broken = {key: lambda x: op.Clip(x)}  # a translation with the wrong signature
    message = exercises.check_custom_clip_op((clip, broken, path)).message
    assert "<lambda>() takes 1 positional argument" in message, message  # the cause, not the exporter's steps


def test_custom_op_session_must_run_the_contrib_file(tmp_path) -> None:
    import onnxruntime as ort
    from helpers import custom_ops

    model = custom_ops.ScaledSwishNet()
    contrib = helpers.export_model(model, torch.randn(2, 8), tmp_path / "contrib.onnx", verify=False,
                                   custom_translation_table=custom_ops.translation_table("contrib")).path
    options = ort.SessionOptions()
    options.register_custom_ops_library(custom_ops.register_scaled_swish_kernel())
    session = ort.InferenceSession(contrib, options, providers=["CPUExecutionProvider"])
    assert exercises.check_custom_op_session(session, model).passed
    mine = ort.InferenceSession(contrib, options, providers=["CPUExecutionProvider"])  # pass 16: the notebook's passed
    assert exercises.check_custom_op_session(mine, model, notebook_session=session).passed
    assert "contrib_session" in exercises.check_custom_op_session(session, model, notebook_session=session).message
    wrapped = helpers.create_session(contrib, device="cpu", custom_op_libraries=[custom_ops.register_scaled_swish_kernel()])
    assert "InferenceSession" in exercises.check_custom_op_session(wrapped, model).message
    other = exercises.check_custom_op_session(session, custom_ops.ScaledSwishNet(seed=1))  # pass 20: blamed the session
    assert other.passed is False and "pass the notebook's model" in other.message, other.message
    clip_half = torch.nn.Hardtanh(-0.5, 0.5)  # pass 18 (K31): 08.1's module given as the model
    assert "given a Hardtanh as the model" in exercises.check_custom_op_session(session, clip_half).message
    standard = helpers.export_model(model, torch.randn(2, 8), tmp_path / "standard.onnx", verify=False,
                                    custom_translation_table=custom_ops.translation_table("standard")).path
    plain = ort.InferenceSession(standard, options, providers=["CPUExecutionProvider"])  # computes the same
    assert "standard operators only" in exercises.check_custom_op_session(plain, model).message


def test_checks_speak_korean_after_set_language(tmp_path, linear_model) -> None:
    from helpers import i18n

    path = tmp_path / "whole.pt"
    torch.save(linear_model, path)
    english = exercises.check_weights_file(path, linear_model)
    i18n.set_language("ko")
    try:
        korean = exercises.check_weights_file(path, linear_model)
        korean_text, not_done_text = str(korean), str(exercises.check_weights_file(None, linear_model))
    finally:
        i18n.set_language("en")
    assert english.passed is False and korean.passed is False and "weights_only=True" in korean.message
    assert korean_text.startswith("연습 문제 01.2: ❌ 아직 정답이 아닙니다.") and "state_dict()를 저장하세요" in korean.message
    assert not_done_text.startswith("연습 문제 01.2: ⏳ 아직 풀지 않았습니다.")
    assert str(exercises.check_weights_file(path, linear_model)) == str(english)  # back to English


def test_a_missing_notebook_object_is_not_blamed_on_the_student(linear_model) -> None:
    result = exercises.check_inference_session(object(), None)
    assert result.passed is None and "run the notebook from the top" in result.message


def test_weights_check_recognises_an_onnx_file(linear_onnx, linear_model) -> None:
    result = exercises.check_weights_file(linear_onnx, linear_model)
    assert not result.passed and "That is an ONNX file" in result.message


def test_async_timing_in_milliseconds_is_recognised() -> None:
    from helpers import bench

    device = bench.SimulatedGPU(kernel_ms=5)
    seconds = _timed(device, 3, True)
    result = exercises.check_async_timing([t * 1000 for t in seconds], device)
    assert not result.passed and "milliseconds" in result.message


def test_pair_sum_check_names_another_exercise_s_file(tmp_path) -> None:
    other = helpers.export_model(helpers.make_linear_model(), torch.randn(2, 10), tmp_path / "other.onnx").path
    result = exercises.check_pair_sum_export(other)
    assert not result.passed and "not PairSum's" in result.message and "Dim('half')" not in result.message
