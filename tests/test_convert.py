from __future__ import annotations

import numpy as np
import onnx
import onnxruntime
import pytest
import torch
from onnx import TensorProto, helper

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


def test_opset_below_9_is_refused() -> None:
    model = _constant_weight_model(9)
    model.opset_import[0].version = 8
    with pytest.raises(ValueError, match="opset >= 9"):
        helpers.import_to_pytorch(model)


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
    real = convert._reference_outputs
    monkeypatch.setattr(convert, "_reference_outputs",
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
