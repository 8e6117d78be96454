from __future__ import annotations

import importlib.metadata
import re

import numpy as np
import onnx
import onnx2pytorch
import onnxruntime
import pytest
import torch
from onnx import TensorProto, helper

import convert_models  # tests/convert_models.py: the models these tests import
import helpers
from helpers import convert

NEWEST_OPSET = onnx.defs.onnx_opset_version()


def _constant_weight_model(opset: int) -> onnx.ModelProto:
    """y = Relu(x @ W + b), where W and b are computed by nodes rather than stored as initializers."""
    nodes = [
        helper.make_node("Constant", [], ["w_a"], value=helper.make_tensor("a", TensorProto.FLOAT, [12],
                                                                          np.linspace(-1, 1, 12).tolist())),
        helper.make_node("Constant", [], ["w_b"], value=helper.make_tensor("b", TensorProto.FLOAT, [12], [0.25] * 12)),
        helper.make_node("Mul", ["w_a", "w_b"], ["w_flat"]),                     # arithmetic on constants
        helper.make_node("Constant", [], ["w_shape"], value=helper.make_tensor("s", TensorProto.INT64, [2], [4, 3])),
        helper.make_node("Reshape", ["w_flat", "w_shape"], ["w"]),               # Reshape of constants
        helper.make_node("Constant", [], ["b_shape"], value=helper.make_tensor("bs", TensorProto.INT64, [1], [3])),
        helper.make_node("ConstantOfShape", ["b_shape"], ["b"],
                         value=helper.make_tensor("v", TensorProto.FLOAT, [1], [0.5])),
        helper.make_node("MatMul", ["x", "w"], ["xw"]),
        helper.make_node("Add", ["xw", "b"], ["pre"]),
        helper.make_node("Relu", ["pre"], ["y"]),
    ]
    graph = helper.make_graph(nodes, "constant_weights",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 7 if opset <= 15 else 8
    onnx.checker.check_model(model)
    return model


def test_fold_constants_turns_weight_nodes_into_initializers() -> None:
    folded, count = convert.fold_constants(_constant_weight_model(13))
    assert count == 7 and [n.op_type for n in folded.graph.node] == ["MatMul", "Add", "Relu"]
    weights = {i.name: onnx.numpy_helper.to_array(i) for i in folded.graph.initializer}
    assert set(weights) == {"w", "b"}
    np.testing.assert_allclose(weights["w"], (np.linspace(-1, 1, 12) * 0.25).reshape(4, 3), rtol=1e-6)
    np.testing.assert_array_equal(weights["b"], np.full(3, 0.5, np.float32))


@pytest.mark.parametrize("opset", [9, 11, 13, 17, 18, NEWEST_OPSET])
def test_constant_weight_models_convert_at_every_opset(opset: int) -> None:
    model = _constant_weight_model(opset)
    module = helpers.import_to_pytorch(model)
    assert module.verification.ok and module.opset == opset
    x = torch.randn(5, 4)
    expected = onnx.reference.ReferenceEvaluator(model).run(None, {"x": x.numpy()})[0]
    np.testing.assert_allclose(module(x).detach().numpy(), expected, rtol=1e-5, atol=1e-6)


def test_unsupported_operators_are_all_listed_with_their_opset() -> None:
    nodes = [helper.make_node("Relu", ["x"], ["r"]),
             helper.make_node("FancyGelu", ["r"], ["g"], domain="com.example"),
             helper.make_node("Normalizer", ["g"], ["y"], domain="ai.onnx.ml", norm="MAX")]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 2])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18), helper.make_opsetid("com.example", 1),
                                                    helper.make_opsetid("ai.onnx.ml", 3)])
    found = convert.find_unsupported_operators(model)
    assert found == [("ai.onnx.ml", "Normalizer", 3), ("com.example", "FancyGelu", 1)]
    with pytest.raises(convert.UnsupportedOperatorError) as info:
        helpers.import_to_pytorch(model)
    message = str(info.value)
    assert "Cannot convert 2 operator type(s)" in message
    assert "FancyGelu (com.example, opset 1)" in message and "Normalizer (ai.onnx.ml, opset 3)" in message
    assert "onnxruntime" in message and isinstance(info.value, NotImplementedError)


def test_every_standard_operator_of_the_course_models_is_supported(linear_onnx) -> None:
    assert {"Gemm", "Conv", "Relu", "Add", "ReduceMean", "Reshape", "MaxPool"} <= convert.supported_operators()
    assert convert.find_unsupported_operators(linear_onnx) == []


def test_the_linear_model_round_trip(linear_onnx, linear_model, tmp_path) -> None:
    module = helpers.import_to_pytorch(linear_onnx)
    assert "match" in str(module.verification) and module.verification.reference == "onnxruntime"
    assert helpers.count_parameters(module, trainable_only=True) == 11
    x = torch.randn(6, 10)
    with torch.no_grad():
        torch.testing.assert_close(module(x), linear_model(x), rtol=1e-5, atol=1e-6)
    report = helpers.export_model(module, x, tmp_path / "again.onnx")  # the default (dynamo) exporter
    assert report.dynamic_batch and report.max_abs_diff < 1e-5
    assert helpers.summarize(report.path).operators == {"Gemm": 1}


def test_imported_module_is_trainable(linear_onnx) -> None:
    module = helpers.import_to_pytorch(linear_onnx).train()
    before = [p.detach().clone() for p in module.parameters()]
    optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
    loss = module(torch.randn(8, 10)).pow(2).mean()
    loss.backward()
    optimizer.step()
    assert all(p.grad is not None for p in module.parameters())
    assert all(not torch.equal(a, b) for a, b in zip(before, module.parameters()))


def test_wrong_number_of_inputs(linear_onnx) -> None:
    module = helpers.import_to_pytorch(linear_onnx)
    with pytest.raises(TypeError, match="takes 1 input"):
        module(torch.randn(2, 10), torch.randn(2, 10))


def test_mismatch_raises_or_reports(monkeypatch, linear_onnx) -> None:
    real = convert.verification._reference_outputs
    monkeypatch.setattr(convert.verification, "_reference_outputs",
                        lambda model, feeds: (lambda name, outs: (name, [o + 1.0 for o in outs]))(*real(model, feeds)))
    with pytest.raises(ValueError, match="does not reproduce"):
        helpers.import_to_pytorch(linear_onnx)
    module = helpers.import_to_pytorch(linear_onnx, verify="report")
    assert not module.verification.ok and module.verification.max_abs_diff == pytest.approx(1.0, abs=1e-5)
    with pytest.raises(ValueError, match="verify must be"):
        helpers.import_to_pytorch(linear_onnx, verify="yes")


def test_reference_evaluator_takes_over_when_onnxruntime_cannot_load(monkeypatch, linear_onnx) -> None:
    class Broken:
        def __init__(self, *args, **kwargs):
            raise RuntimeError("opset too new")

    monkeypatch.setattr(onnxruntime, "InferenceSession", Broken)
    module = helpers.import_to_pytorch(linear_onnx)
    assert module.verification.reference == "onnx.reference" and module.verification.ok


def _ort_outputs(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> list[np.ndarray] | None:
    """onnxruntime's outputs, or None when onnxruntime cannot run the model (such cases are not counted)."""
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    try:
        session = onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
        return session.run(None, feeds)
    except Exception:
        return None


def _run_case(case: convert_models.OperatorCase) -> str | None:
    """'match', 'up front' (UnsupportedOperatorError) or a description of what went wrong; None if ORT can't run it."""
    expected = _ort_outputs(case.model, case.feeds)
    if expected is None:
        return None
    try:
        examples = [torch.from_numpy(np.array(value)) for value in case.feeds.values()]
    except TypeError:  # string inputs: the import must refuse them before it needs examples
        examples = None
    try:
        module = helpers.import_to_pytorch(case.model, verify="report", example_inputs=examples)
        with torch.no_grad():
            got = module(*examples)
    except convert.UnsupportedOperatorError:
        return "up front"
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    _, ok = convert.verification._compare([got] if isinstance(got, torch.Tensor) else list(got), expected, 1e-3, 1e-4)
    return "match" if ok else f"differs: {module.verification}"


@pytest.mark.parametrize("corpus", ["operators", "onnx backend data"])
def test_at_least_95_percent_of_operator_cases_convert_and_the_rest_fail_up_front(corpus: str) -> None:
    cases = (convert_models.single_operator_models() if corpus == "operators"
             else list(convert_models.backend_test_cases()))
    results = {case.name: _run_case(case) for case in cases}
    ran = {name: result for name, result in results.items() if result is not None}
    failures = {name: result for name, result in ran.items() if result not in ("match", "up front")}
    matched = sum(result == "match" for result in ran.values())
    assert len(ran) >= 100 and not failures
    assert matched / len(ran) >= 0.95, f"{matched}/{len(ran)} match"


@pytest.mark.parametrize("opset", [7, 9])
def test_ir3_initializers_are_constants_and_the_module_takes_only_the_data(opset: int) -> None:
    model = convert_models.classic_cnn(opset=opset)
    before = model.SerializeToString()
    assert model.ir_version == 3 and {i.name for i in model.graph.initializer} < {i.name for i in model.graph.input}
    module = helpers.import_to_pytorch(model)
    assert [str(i) for i in module.input_infos] == ["data_0: float32[1, 3, 16, 16]"]
    assert module.verification.ok and len(module.report.constant_inputs) == len(model.graph.initializer)
    x = np.random.default_rng(1).standard_normal((1, 3, 16, 16)).astype(np.float32)
    with torch.no_grad():
        got = module(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, _ort_outputs(model, {"data_0": x})[0], rtol=1e-3, atol=1e-4)
    assert model.SerializeToString() == before  # the caller's model is left as it was


def test_opset_7_model_is_upgraded_and_the_report_says_so() -> None:
    module = helpers.import_to_pytorch(convert_models.classic_cnn(opset=7))
    report = module.report
    assert (report.source_opset, report.opset, module.opset) == (7, convert.UPGRADE_OPSET, convert.UPGRADE_OPSET)
    assert report.upgraded and f"upgraded from opset 7 to {convert.UPGRADE_OPSET}" in str(report)
    assert f"onnx opset {convert.UPGRADE_OPSET} (upgraded from 7): data_0" in repr(module)
    assert report.folded >= 6 and report.verification is module.verification and "match" in str(report)
    assert not helpers.import_to_pytorch(_constant_weight_model(13)).report.upgraded


def test_an_upgrade_the_converter_cannot_do_says_what_to_do() -> None:
    model = _constant_weight_model(9)
    model.opset_import[0].version = 8  # ConstantOfShape does not exist before opset 9
    with pytest.raises(ValueError, match="could not upgrade the model from opset 8") as info:
        helpers.import_to_pytorch(model)
    assert "onnxruntime" in str(info.value) and info.value.__cause__ is not None


@pytest.mark.parametrize("name", ["squeezenet", "shufflenet", "resnet50",
                                  *(pytest.param(n, marks=pytest.mark.slow) for n in ("bvlc_alexnet", "densenet121"))])
def test_model_zoo_networks_shipped_with_onnx_convert(name: str) -> None:
    path = convert_models.light_zoo_models()[name]  # IR 3, opset 9, weights computed by ConstantOfShape
    module = helpers.import_to_pytorch(path)
    assert len(module.input_infos) == 1 and module.verification.ok
    assert module.report.folded > 0 and module.report.constant_inputs


def test_overridable_inputs_stay_module_inputs() -> None:
    model = convert_models.classic_cnn(opset=9)
    module = helpers.import_to_pytorch(model, overridable_inputs=["fc2_b"])
    assert [i.name for i in module.input_infos] == ["data_0", "fc2_b"] and module.verification.ok
    x, bias = np.ones((1, 3, 16, 16), np.float32), np.linspace(-1, 1, 10).astype(np.float32)
    with torch.no_grad():
        got = module(torch.from_numpy(x), fc2_b=torch.from_numpy(bias)).numpy()
    model.ir_version = 4  # IR-3 runtimes take no feeds for initializers
    np.testing.assert_allclose(got, _ort_outputs(model, {"data_0": x, "fc2_b": bias})[0], rtol=1e-3, atol=1e-4)
    with pytest.raises(ValueError, match="not graph inputs with an initializer"):
        helpers.import_to_pytorch(model, overridable_inputs=["data_0"])


def _several_inputs_and_outputs_model() -> onnx.ModelProto:
    """(x, y) -> (x * y + w, x unchanged, a constant that folding computes)."""
    nodes = [helper.make_node("Mul", ["x", "y"], ["xy"]), helper.make_node("Add", ["xy", "w"], ["sum"]),
             helper.make_node("Identity", ["x"], ["x_out"]), helper.make_node("Neg", ["w"], ["minus_w"])]
    value = lambda name, shape: helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)
    graph = helper.make_graph(nodes, "several", [value("x", ["batch", 3]), value("y", ["batch", 3])],
                              [value("sum", ["batch", 3]), value("x_out", ["batch", 3]), value("minus_w", [3])],
                              [onnx.numpy_helper.from_array(np.array([1, 2, 3], np.float32), "w")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def test_several_inputs_and_outputs() -> None:
    module = helpers.import_to_pytorch(_several_inputs_and_outputs_model())
    assert [i.name for i in module.input_infos] == ["x", "y"] and module.verification.ok
    assert [o.name for o in module.output_infos] == ["sum", "x_out", "minus_w"]
    x, y = torch.randn(4, 3), torch.randn(4, 3)
    total, same, constant = module(x, y)
    torch.testing.assert_close(total, x * y + torch.tensor([1.0, 2.0, 3.0]))
    torch.testing.assert_close(same, x)
    torch.testing.assert_close(constant, torch.tensor([-1.0, -2.0, -3.0]))
    torch.testing.assert_close(module(y=y, x=x)[0], total)
    with pytest.raises(TypeError, match="Missing input"):
        module(x=x)
    with pytest.raises(TypeError, match="Unknown or repeated"):
        module(x, y, z=y)


def _sizes_that_depend_on_each_other_model() -> onnx.ModelProto:
    """x (n) and y (m) concatenated and reshaped to (5,): it runs only when n + m == 5, as a cache and its mask."""
    nodes = [helper.make_node("Concat", ["x", "y"], ["both"], axis=0), helper.make_node("Reshape", ["both", "five"], ["z"])]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n"]),
                                           helper.make_tensor_value_info("y", TensorProto.FLOAT, ["m"])],
                              [helper.make_tensor_value_info("z", TensorProto.FLOAT, [5])],
                              [onnx.numpy_helper.from_array(np.array([5], dtype=np.int64), "five")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def test_inputs_whose_sizes_depend_on_each_other_need_example_inputs() -> None:
    """Made-up inputs (every named dimension 2) cannot run such a model: the error says to pass example_inputs,
    not an IndexError from inside onnx.reference; with fitting examples the import verifies."""
    with pytest.raises(ValueError, match="example_inputs=") as caught:
        helpers.import_to_pytorch(_sizes_that_depend_on_each_other_model())
    assert "made-up example inputs" in str(caught.value) and caught.value.__cause__ is not None
    module = helpers.import_to_pytorch(_sizes_that_depend_on_each_other_model(),
                                       example_inputs=[torch.randn(2), torch.randn(3)])
    assert module.verification.ok
    with pytest.raises(ValueError, match="the example_inputs given"):
        helpers.import_to_pytorch(_sizes_that_depend_on_each_other_model(), example_inputs=[torch.randn(2), torch.randn(2)])


def test_fold_constants_evaluates_each_node_at_the_model_opset() -> None:
    """An opset-11 Unsqueeze (axes as attribute) computes a weight; Shape of a static input is folded too."""
    nodes = [helper.make_node("Unsqueeze", ["w_flat"], ["w"], axes=[0]),
             helper.make_node("Shape", ["x"], ["x_shape"]),
             helper.make_node("ConstantOfShape", ["x_shape"], ["ones"],
                              value=helper.make_tensor("one", TensorProto.FLOAT, [1], [1.0])),
             helper.make_node("Add", ["x", "ones"], ["x1"]), helper.make_node("Mul", ["x1", "w"], ["y"])]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])],
                              [onnx.numpy_helper.from_array(np.arange(3, dtype=np.float32), "w_flat")])
    folded, count = convert.fold_constants(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)]))
    assert count == 3 and [n.op_type for n in folded.graph.node] == ["Add", "Mul"]
    weights = {i.name: onnx.numpy_helper.to_array(i) for i in folded.graph.initializer}
    np.testing.assert_array_equal(weights["w"], [[0, 1, 2]])
    np.testing.assert_array_equal(weights["ones"], np.ones((2, 3), np.float32))


def _unconvertible_model() -> onnx.ModelProto:
    """A string input, a sequence output, a training-only operator and a custom-domain operator."""
    nodes = [helper.make_node("SequenceConstruct", ["x", "x"], ["seq"]),
             helper.make_node("Gradient", ["x"], ["dx"], domain="ai.onnx.preview.training", xs=["x"], y="x"),
             helper.make_node("FancyGelu", ["x"], ["g"], domain="com.example")]
    graph = helper.make_graph(nodes, "bad", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2]),
                                             helper.make_tensor_value_info("text", TensorProto.STRING, [2])],
                              [helper.make_tensor_sequence_value_info("seq", TensorProto.FLOAT, [2]),
                               helper.make_tensor_value_info("dx", TensorProto.FLOAT, [2]),
                               helper.make_tensor_value_info("g", TensorProto.FLOAT, [2])])
    opsets = [("", 18), ("ai.onnx.preview.training", 1), ("com.example", 1)]
    return helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets])


def test_what_cannot_be_converted_fails_up_front_in_one_error(monkeypatch) -> None:
    monkeypatch.setattr(onnx2pytorch, "ConvertModel", lambda *args, **kwargs: pytest.fail("conversion started"))
    with pytest.raises(convert.UnsupportedOperatorError) as info:
        helpers.import_to_pytorch(_unconvertible_model())
    message = str(info.value)
    assert "input 'text' (string tensor" in message and "output 'seq' (a sequence, not a tensor)" in message
    assert "Gradient (ai.onnx.preview.training, opset 1, training only)" in message
    assert "FancyGelu (com.example, opset 1)" in message and "onnxruntime" in message
    assert len(info.value.values) == 2 and len(info.value.operators) == 2


def test_layers_whose_weights_are_inputs_convert_or_fail_up_front() -> None:
    cases = {c.name: c for c in convert_models.single_operator_models((18,))}
    for name in ("Conv_inputs_same_upper-opset18", "BatchNormalization_inputs-opset18", "Gemm_inputs-opset18"):
        examples = [torch.from_numpy(v) for v in cases[name].feeds.values()]
        assert helpers.import_to_pytorch(cases[name].model, example_inputs=examples).verification.ok, name
    with pytest.raises(convert.UnsupportedOperatorError, match="ConvTranspose 'y' \\(input 'w'\\)"):
        helpers.import_to_pytorch(cases["ConvTranspose_inputs-opset18"].model)


def test_supported_operators_fails_closed(monkeypatch, linear_onnx) -> None:
    monkeypatch.setattr(convert.support._inspect, "getsource", lambda module: "# a rewritten onnx2pytorch")
    version = importlib.metadata.version("onnx2pytorch")
    with pytest.raises(RuntimeError, match=f"onnx2pytorch {re.escape(version)}"):
        convert.supported_operators()
    with pytest.raises(RuntimeError, match="Could not read which operators"):
        helpers.import_to_pytorch(linear_onnx)


@pytest.mark.slow
@pytest.mark.parametrize("name", helpers.models.TORCHVISION_MODELS)
def test_torchvision_exports_convert_and_export_again(tmp_path, torchvision_onnx, name: str) -> None:
    model, path = torchvision_onnx(name)
    x = torch.randn(2, 3, 224, 224)
    module = helpers.import_to_pytorch(path)  # verified against onnxruntime: rtol 1e-3, atol 1e-4
    assert module.verification.ok
    with torch.no_grad():
        reference = model(x)
        scale = reference.abs().max().item()
        assert scale > 1e-3  # the outputs are not trivially near zero
        assert (module(x) - reference).abs().max().item() <= 1e-3 * scale
    again = helpers.export_model(module, x, tmp_path / f"{name}_again.onnx")
    assert again.dynamic_batch and again.max_abs_diff <= 1e-3 * scale


@pytest.mark.slow
def test_resnet18_imports_with_onnxruntimes_verification_and_no_extra_pass(torchvision_onnx) -> None:
    """A fresh export needs no upgrade and no folding, and is verified with onnxruntime, not the slow reference
    evaluator. (This test used to assert under 2 s of wall-clock time, which failed on a busy machine: tests
    assert behaviour, benchmarks measure speed.)"""
    _, path = torchvision_onnx("resnet18")
    module = helpers.import_to_pytorch(path)
    assert module.verification.ok and module.verification.reference == "onnxruntime"
    assert "no upgrade needed" in str(module.report) and "0 node(s) evaluated" in str(module.report)


def _tiny_model(nodes: list[onnx.NodeProto], inputs: dict[str, np.ndarray], initializers: dict[str, np.ndarray],
                opset: int, ir_version: int, initializers_as_inputs: bool = False) -> onnx.ModelProto:
    """One small graph with output ``y``; ``initializers_as_inputs`` lists the initializers as inputs (IR 3)."""
    declare = lambda name, value: helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(value.dtype),
                                                                value.shape)
    graph_inputs = [declare(k, v) for k, v in inputs.items()]
    graph_inputs += [declare(k, v) for k, v in initializers.items()] if initializers_as_inputs else []
    graph = helper.make_graph(nodes, "tiny", graph_inputs, [helper.make_value_info("y", onnx.TypeProto())],
                              [onnx.numpy_helper.from_array(np.asarray(v), k) for k, v in initializers.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = ir_version
    return onnx.shape_inference.infer_shapes(model)


def test_ir3_initializer_inputs_compute_their_default_and_feeding_one_says_how() -> None:
    """IR-3 initializers listed as inputs are defaults a caller may feed: constants unless overridable_inputs."""
    x = np.random.default_rng(2).standard_normal((2, 3, 4)).astype(np.float32)
    scale, shape = np.array([1.0, 2.0, 3.0, 4.0], np.float32), np.array([2, 12], np.int64)
    nodes = [helper.make_node("Mul", ["x", "scale"], ["scaled"]),
             helper.make_node("Reshape", ["scaled", "shape"], ["y"])]  # Reshape's shape becomes an attribute
    model = _tiny_model(nodes, {"x": x}, {"scale": scale, "shape": shape}, 9, 3, initializers_as_inputs=True)
    module = helpers.import_to_pytorch(model)
    assert [i.name for i in module.input_infos] == ["x"] and module.report.constant_inputs == ["scale", "shape"]
    with torch.no_grad():
        np.testing.assert_allclose(module(torch.from_numpy(x)).numpy(), _ort_outputs(model, {"x": x})[0], rtol=1e-6)
    for call in (lambda: module(torch.from_numpy(x), torch.from_numpy(scale)),
                 lambda: module(x=torch.from_numpy(x), scale=torch.from_numpy(scale))):
        with pytest.raises(TypeError, match=r"'scale'.* imported as constants.*overridable_inputs=\["):
            call()
    fed = {"x": x, "scale": scale * -2, "shape": np.array([6, 4], np.int64)}
    overridable = helpers.import_to_pytorch(model, overridable_inputs=["scale", "shape"],
                                            example_inputs=[torch.from_numpy(v) for v in fed.values()])
    assert [i.name for i in overridable.input_infos] == ["x", "scale", "shape"] and overridable.verification.ok
    model.ir_version = 4  # IR-3 runtimes take no feeds for initializers
    with torch.no_grad():
        got = overridable(*[torch.from_numpy(v) for v in fed.values()]).numpy()
    np.testing.assert_allclose(got, _ort_outputs(model, fed)[0], rtol=1e-6)


def test_prelu_slopes_per_channel_at_opset_6_and_refused_when_they_do_not_broadcast() -> None:
    x = np.random.default_rng(3).standard_normal((2, 3, 4, 5)).astype(np.float32)
    slope = np.array([0.1, 0.2, 0.3], np.float32)
    prelu = [helper.make_node("PRelu", ["x", "slope"], ["y"], name="act1")]
    # PRelu-6 applies a (C,) slope per channel (the Caffe2 convention): the same as a (C, 1, 1) slope at opset 9
    old = _tiny_model(prelu, {"x": x}, {"slope": slope}, 6, 3, initializers_as_inputs=True)
    module = helpers.import_to_pytorch(old)
    assert module.verification.ok and module.report.upgraded
    expected = _ort_outputs(_tiny_model(prelu, {"x": x}, {"slope": slope.reshape(3, 1, 1)}, 9, 4), {"x": x})[0]
    np.testing.assert_allclose(expected, np.where(x > 0, x, x * slope.reshape(3, 1, 1)), rtol=1e-6)
    with torch.no_grad():
        np.testing.assert_allclose(module(torch.from_numpy(x)).numpy(), expected, rtol=1e-6)
    for name in ("test_PReLU_1d_multiparam", "test_PReLU_2d_multiparam", "test_PReLU_3d_multiparam"):
        case = next(c for c in convert_models.backend_test_cases(("pytorch-converted",)) if c.name == name)
        folder = f"{convert_models.BACKEND_DATA}/pytorch-converted/{name}/test_data_set_0"
        with torch.no_grad():
            got = helpers.import_to_pytorch(case.model)(*[torch.from_numpy(v.copy()) for v in case.feeds.values()])
        np.testing.assert_allclose(got.numpy(), convert_models._read_tensors(folder, "output")[0], rtol=1e-5, atol=1e-6)
    # From opset 7 the slope broadcasts from the last axis: (3,) against (2, 3, 4, 5) is refused, as onnxruntime does
    assert _ort_outputs(_tiny_model(prelu, {"x": x}, {"slope": slope}, 9, 4), {"x": x}) is None
    with pytest.raises(ValueError, match=r"PRelu 'act1': slope 'slope' of shape \(3,\).*shape \(3, 1, 1\)"):
        helpers.import_to_pytorch(_tiny_model(prelu, {"x": x}, {"slope": slope}, 9, 4))


@pytest.mark.parametrize("base, exponent", [
    (np.array([[1, 2, 5], [9, 10, 26]], np.int32), np.array(0.5, np.float32)),     # int base, float scalar exponent
    (np.array([[1, -2, 3], [4, 5, -6]], np.int32), np.array([3], np.int64)),        # int32 base, int64 (1,) exponent
    (np.array([[0.5, 1.5, 2.5]], np.float16), np.array([0.5, 2.0, 3.0], np.float32)),  # float16 base, float32 exponent
    (np.array([[-2.0, -0.5, 3.0]], np.float32), np.array([[2.0], [0.5]], np.float32)),  # negative bases, broadcast out
])
def test_pow_and_sqrt_keep_onnx_dtypes_and_broadcasting(base: np.ndarray, exponent: np.ndarray) -> None:
    """ONNX Pow returns the base's dtype (torch.pow promotes); Sqrt follows; opset-1 Pow broadcasts from ``axis``."""
    nodes = [helper.make_node("Pow", ["x", "e"], ["p"]), helper.make_node("Cast", ["p"], ["pf"], to=TensorProto.FLOAT),
             helper.make_node("Abs", ["pf"], ["a"]), helper.make_node("Sqrt", ["a"], ["s"]),
             helper.make_node("Identity", ["p"], ["y"])]
    model = _tiny_model(nodes, {"x": base}, {"e": exponent}, 13, 8)
    model.graph.output.extend([helper.make_tensor_value_info("s", TensorProto.FLOAT, None)])
    expected = _ort_outputs(model, {"x": base})
    module = helpers.import_to_pytorch(model, example_inputs=[torch.from_numpy(base)])
    assert module.verification.ok and not module.verification.dtypes
    with torch.no_grad():
        got = [t.numpy() for t in module(torch.from_numpy(base))]
    for value, reference in zip(got, expected):
        assert value.dtype == reference.dtype
        np.testing.assert_allclose(value.astype(np.float64), reference.astype(np.float64), rtol=1e-3, equal_nan=True)
    x = np.repeat(np.abs(base.astype(np.float32))[:, :, None] + 1, 2, axis=2)  # (N, C, 2)
    e = np.arange(1, x.shape[1] + 1, dtype=np.float32)
    legacy = _tiny_model([helper.make_node("Pow", ["x", "e"], ["y"], broadcast=1, axis=1)], {"x": x}, {"e": e}, 6, 3,
                         initializers_as_inputs=True)  # Pow-1: e (C,) broadcast along axis 1, as Caffe2 did
    with torch.no_grad():
        got = helpers.import_to_pytorch(legacy)(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, x ** e[None, :, None], rtol=1e-5)


def test_an_imported_module_keeps_each_weight_once(tmp_path) -> None:
    # onnx2pytorch stores every initializer as a buffer, also those it built into a Linear layer's weight:
    # the module then held (and saved) each such weight twice.
    model = helpers.make_mlp(seed=0)
    path = helpers.export_model(model, torch.randn(2, 10), tmp_path / "mlp.onnx").path
    imported = helpers.import_to_pytorch(path)
    state = imported.state_dict()
    assert sum(t.numel() for t in state.values()) == helpers.count_parameters(model)
    assert not list(imported.buffers())
