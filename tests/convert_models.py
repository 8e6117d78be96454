"""ONNX models for the import tests, built offline: classic model-zoo style networks and single operators.

``classic_cnn`` writes a small SqueezeNet/AlexNet-like network the way the exporters of 2017-2018 did:
IR version 3, opset 7, every initializer also listed as a graph input, a weight computed by a
Shape -> Gather -> Unsqueeze -> Concat -> Reshape subgraph, another by Transpose, and a flatten built
from the activation's Shape. ``single_operator_models`` gives one small model per (operator, opset).
``backend_test_cases`` lists the operator test cases that ship with the onnx package.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FLOAT = TensorProto.FLOAT


def _init(name: str, array: np.ndarray) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(array), name)


def _ir3(nodes: list[onnx.NodeProto], inputs: list[onnx.ValueInfoProto], outputs: list[onnx.ValueInfoProto],
         initializers: list[onnx.TensorProto], opset: int, name: str) -> onnx.ModelProto:
    """A model in the IR-3 convention: every initializer is also declared as a graph input."""
    declared = [helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)) for t in initializers]
    graph = helper.make_graph(nodes, name, inputs + declared, outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="classic")
    model.ir_version = 3
    onnx.checker.check_model(model)
    return model


def _classic_weights(rng: np.random.Generator) -> list[onnx.TensorProto]:
    w = lambda *shape: (rng.standard_normal(shape) * np.sqrt(2.0 / np.prod(shape[1:]))).astype(np.float32)
    return [
        _init("conv1_w_flat", w(8, 3, 3, 3).ravel()), _init("conv1_b", rng.standard_normal(8).astype(np.float32) * 0.1),
        _init("bn_scale", 1 + 0.1 * rng.standard_normal(8).astype(np.float32)),
        _init("bn_bias", 0.1 * rng.standard_normal(8).astype(np.float32)),
        _init("bn_mean", 0.1 * rng.standard_normal(8).astype(np.float32)),
        _init("bn_var", (0.5 + rng.random(8)).astype(np.float32)),
        _init("squeeze_w", w(4, 8, 1, 1)), _init("squeeze_b", np.zeros(4, np.float32)),
        _init("expand1_w", w(8, 4, 1, 1)), _init("expand3_w", w(8, 4, 3, 3)),
        _init("skip_w", w(16, 8, 1, 1)),
        _init("fc1_w_t", w(16 * 4 * 4, 32)),  # stored transposed: Transpose computes the Gemm weight
        _init("fc1_b", np.zeros(32, np.float32)), _init("fc2_w", w(10, 32)), _init("fc2_b", np.zeros(10, np.float32)),
        _init("kernel_tail", np.array([3, 3, 3], np.int64)), _init("gather_0", np.array(0, np.int64)),
        _init("minus_one", np.array([-1], np.int64)),
    ]


def _classic_nodes() -> list[onnx.NodeProto]:
    node = helper.make_node
    return [
        # conv1_w = Reshape(conv1_w_flat, Concat(Unsqueeze(Gather(Shape(conv1_b), 0)), [3, 3, 3]))
        node("Shape", ["conv1_b"], ["conv1_b_shape"]), node("Gather", ["conv1_b_shape", "gather_0"], ["out_channels"]),
        node("Unsqueeze", ["out_channels"], ["out_channels_1d"], axes=[0]),
        node("Concat", ["out_channels_1d", "kernel_tail"], ["conv1_w_shape"], axis=0),
        node("Reshape", ["conv1_w_flat", "conv1_w_shape"], ["conv1_w"]),
        node("Conv", ["data_0", "conv1_w", "conv1_b"], ["conv1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        node("BatchNormalization", ["conv1", "bn_scale", "bn_bias", "bn_mean", "bn_var"], ["bn1"], epsilon=1e-5),
        node("Relu", ["bn1"], ["relu1"]),
        node("MaxPool", ["relu1"], ["pool1"], kernel_shape=[2, 2], strides=[2, 2]),
        node("LRN", ["pool1"], ["norm1"], size=3, alpha=1e-4, beta=0.75, bias=1.0),
        node("Conv", ["norm1", "squeeze_w", "squeeze_b"], ["squeeze"], kernel_shape=[1, 1]),
        node("Relu", ["squeeze"], ["squeeze_relu"]),
        node("Conv", ["squeeze_relu", "expand1_w"], ["expand1"], kernel_shape=[1, 1]),
        node("Conv", ["squeeze_relu", "expand3_w"], ["expand3"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        node("Concat", ["expand1", "expand3"], ["fire"], axis=1),
        node("Conv", ["norm1", "skip_w"], ["skip"], kernel_shape=[1, 1]),
        node("Sum", ["fire", "skip"], ["residual"]), node("Relu", ["residual"], ["residual_relu"]),
        node("AveragePool", ["residual_relu"], ["pool2"], kernel_shape=[2, 2], strides=[2, 2]),
        node("Dropout", ["pool2"], ["dropped"], ratio=0.5),
        # flatten as x.view(x.size(0), -1): the batch size is read from the activation at run time
        node("Shape", ["dropped"], ["act_shape"]), node("Gather", ["act_shape", "gather_0"], ["batch"]),
        node("Unsqueeze", ["batch"], ["batch_1d"], axes=[0]),
        node("Concat", ["batch_1d", "minus_one"], ["flat_shape"], axis=0),
        node("Reshape", ["dropped", "flat_shape"], ["flat"]),
        node("Transpose", ["fc1_w_t"], ["fc1_w"], perm=[1, 0]),
        node("Gemm", ["flat", "fc1_w", "fc1_b"], ["fc1"], transB=1),
        node("Relu", ["fc1"], ["fc1_relu"]),
        node("Gemm", ["fc1_relu", "fc2_w", "fc2_b"], ["fc2"], transB=1),
        node("Softmax", ["fc2"], ["prob"], axis=1),
    ]


def classic_cnn(opset: int = 7, seed: int = 0) -> onnx.ModelProto:
    """A small CNN in the classic model-zoo convention (IR 3, initializers as inputs, computed weights)."""
    rng = np.random.default_rng(seed)
    inputs = [helper.make_tensor_value_info("data_0", FLOAT, [1, 3, 16, 16])]
    outputs = [helper.make_tensor_value_info("prob", FLOAT, [1, 10])]
    return _ir3(_classic_nodes(), inputs, outputs, _classic_weights(rng), opset, "classic_cnn")


@dataclass(frozen=True)
class OperatorCase:
    """One single-operator model and the feeds to run it on."""

    name: str
    model: onnx.ModelProto
    feeds: dict[str, np.ndarray]


def _inferred_outputs(node: onnx.NodeProto, inputs: list[onnx.ValueInfoProto], weights: dict[str, np.ndarray],
                      opset: int) -> list[onnx.ValueInfoProto]:
    """The node's output types and shapes, as ONNX shape inference sees them."""
    graph = helper.make_graph([node], "infer", inputs, [helper.make_value_info(o, onnx.TypeProto()) for o in node.output],
                              [_init(k, v) for k, v in weights.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    return list(onnx.shape_inference.infer_shapes(model, strict_mode=True).graph.output)


def _single(op: str, opset: int, inputs: dict[str, np.ndarray], weights: dict[str, np.ndarray] | None = None,
            order: list[str] | None = None, tag: str = "", **attributes) -> OperatorCase:
    """One ``op`` node reading ``inputs`` (graph inputs) then ``weights`` (initializers), or in ``order``."""
    weights = weights or {}
    node = helper.make_node(op, order or [*inputs, *weights], ["y"], **attributes)
    graph_inputs = [helper.make_tensor_value_info(k, helper.np_dtype_to_tensor_dtype(v.dtype), v.shape)
                    for k, v in inputs.items()]
    graph_outputs = _inferred_outputs(node, graph_inputs, weights, opset)
    model = _ir3([node], graph_inputs, graph_outputs, [_init(k, v) for k, v in weights.items()], opset, op)
    if opset >= 9:  # inputs listed separately from initializers, as exporters do since IR 4
        del model.graph.input[len(inputs):]
        model.ir_version = 4
    tag = tag or attributes.get("mode", "")
    return OperatorCase(f"{op}{'_' + tag if tag else ''}-opset{opset}", model, inputs)


def _operator_cases(opset: int, rng: np.random.Generator) -> list[OperatorCase]:
    x = lambda *shape: rng.standard_normal(shape).astype(np.float32)
    image, matrix = {"x": x(2, 3, 8, 8)}, {"x": x(4, 6)}
    cases = [
        _single("Conv", opset, image, weights={"w": x(4, 3, 3, 3), "b": x(4)}, kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        _single("Conv", opset, image, weights={"w": x(6, 1, 3, 3)}, tag="grouped", kernel_shape=[3, 3], group=3,
                strides=[2, 2]),
        _single("Gemm", opset, matrix, weights={"w": x(5, 6), "b": x(5)}, transB=1, alpha=0.5, beta=2.0),
        _single("MatMul", opset, matrix, weights={"w": x(6, 3)}),
        _single("Add", opset, {"x": x(2, 3, 4), "z": x(2, 3, 4)}), _single("Mul", opset, {"x": x(2, 3), "z": x(2, 3)}),
        _single("Relu", opset, image), _single("Sigmoid", opset, image), _single("Tanh", opset, matrix),
        _single("Softmax", opset, matrix, axis=1), _single("LeakyRelu", opset, matrix, alpha=0.2),
        _single("MaxPool", opset, image, kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
        _single("AveragePool", opset, image, kernel_shape=[2, 2], strides=[2, 2]),
        _single("GlobalAveragePool", opset, image), _single("GlobalMaxPool", opset, image),
        _single("BatchNormalization", opset, image, weights={"s": x(3), "b": x(3), "m": x(3),
                                                             "v": np.abs(x(3)) + 0.5}, epsilon=1e-5),
        _single("Concat", opset, {"x": x(2, 3), "z": x(2, 5)}, axis=1),
        _single("Flatten", opset, image, axis=1), _single("Transpose", opset, image, perm=[0, 2, 3, 1]),
        _single("Dropout", opset, image, **({"ratio": 0.3} if opset < 12 else {})), _single("LRN", opset, image, size=3),
        _single("Exp", opset, matrix), _single("Sqrt", opset, {"x": np.abs(x(3, 4))}),
        _single("Neg", opset, matrix), _single("Abs", opset, matrix), _single("Elu", opset, matrix),
        _single("ReduceMean", opset, image, axes=[2, 3], keepdims=1) if opset < 18 else
        _single("ReduceMean", opset, image, weights={"axes": np.array([2, 3], np.int64)}, keepdims=1),
    ]
    return cases + _shape_cases(opset, x) + _weights_as_inputs_cases(opset, x)


def _weights_as_inputs_cases(opset: int, x) -> list[OperatorCase]:
    """Weights fed as graph inputs, or constants in the data position, as in ONNX's own operator tests."""
    return [
        _single("Gemm", opset, {"a": x(6, 4), "b": x(5, 6), "c": x(4, 5)}, tag="inputs", transA=1, transB=1,
                alpha=0.5, beta=2.0),
        _single("MatMul", opset, {"x": x(6, 5)}, {"a": x(4, 6)}, order=["a", "x"], tag="constant_left"),
        _single("MatMul", opset, {"x": x(2, 4, 6)}, {"w": x(2, 6, 5)}, tag="batched_weight"),
        _single("Conv", opset, {"x": x(1, 3, 6, 6), "w": x(4, 3, 3, 3)}, tag="inputs", kernel_shape=[3, 3]),
        _single("Conv", opset, {"x": x(1, 4, 7, 6), "w": x(4, 2, 3, 2), "b": x(4)}, tag="inputs_same_upper",
                auto_pad="SAME_UPPER", strides=[2, 2], group=2),
        _single("Conv", opset, {"x": x(1, 2, 7), "w": x(3, 2, 4)}, tag="inputs_same_lower_1d", auto_pad="SAME_LOWER"),
        _single("Conv", opset, {"x": x(1, 2, 9, 9), "w": x(3, 2, 3, 3)}, tag="inputs_dilated", dilations=[2, 2],
                pads=[2, 1, 0, 2]),
        _single("ConvTranspose", opset, {"x": x(1, 3, 4, 4), "w": x(3, 2, 3, 3)}, tag="inputs"),
        _single("BatchNormalization", opset, {"x": x(2, 3, 4, 4), "s": x(3), "b": x(3)},
                {"m": x(3), "v": np.abs(x(3)) + 0.5}, tag="inputs"),
        _single("InstanceNormalization", opset, {"x": x(2, 3, 4, 4), "s": x(3)}, {"b": x(3)}, tag="inputs"),
    ]


def _shape_cases(opset: int, x) -> list[OperatorCase]:
    image = {"x": x(2, 3, 4, 4)}
    cases = [
        _single("Reshape", opset, image, weights={"s": np.array([2, -1], np.int64)}),
        _single("Clip", opset, image, min=-0.5, max=0.5) if opset < 11 else
        _single("Clip", opset, image, weights={"lo": np.array(-0.5, np.float32), "hi": np.array(0.5, np.float32)}),
        _single("Pad", opset, image, pads=[0, 0, 1, 2, 0, 0, 2, 1], mode="constant") if opset < 11 else
        _single("Pad", opset, image, weights={"pads": np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64)}, mode="constant"),
        _single("Pad", opset, image, pads=[0, 0, 1, 1, 0, 0, 1, 1], mode="reflect") if opset < 11 else
        _single("Pad", opset, image, weights={"pads": np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64)}, mode="reflect"),
    ]
    if opset < 9:
        cases.append(_single("Upsample", opset, image, mode="nearest", scales=[1.0, 1.0, 2.0, 2.0]))
    elif opset == 9:
        cases.append(_single("Upsample", opset, image, weights={"scales": np.array([1, 1, 2, 2], np.float32)},
                             mode="nearest"))
    else:
        empty = {"roi": np.array([], np.float32)} if opset >= 11 else {}
        scales = {**empty, "scales": np.array([1, 1, 2, 2], np.float32)}
        cases.append(_single("Resize", opset, image, weights=scales, mode="nearest"))
        cases.append(_single("Resize", opset, image, weights=scales, mode="linear"))
    return cases


def single_operator_models(opsets: tuple[int, ...] = (7, 8, 9, 11, 13, 18), seed: int = 0) -> list[OperatorCase]:
    """Common operators (Conv, Gemm, pooling, BatchNormalization, Pad, Upsample/Resize, ...) at each opset."""
    rng = np.random.default_rng(seed)
    return [case for opset in opsets for case in _operator_cases(opset, rng)]


BACKEND_DATA = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data")


def _read_tensors(folder: str, prefix: str) -> list[np.ndarray]:
    paths = sorted(glob.glob(os.path.join(folder, f"{prefix}_*.pb")), key=lambda p: int(p.rsplit("_", 1)[1][:-3]))
    return [numpy_helper.to_array(onnx.load_tensor(p)) for p in paths]


def backend_test_cases(kinds: tuple[str, ...] = ("pytorch-converted", "pytorch-operator", "simple")
                       ) -> Iterator[OperatorCase]:
    """The operator test cases shipped in ``onnx/backend/test/data`` (model.onnx plus test_data_set_0)."""
    for kind in kinds:
        for folder in sorted(glob.glob(os.path.join(BACKEND_DATA, kind, "*", ""))):
            model = onnx.load(os.path.join(folder, "model.onnx"))
            tensors = _read_tensors(os.path.join(folder, "test_data_set_0"), "input")
            initializers = {t.name for t in model.graph.initializer}
            names = [i.name for i in model.graph.input if i.name not in initializers]
            yield OperatorCase(os.path.basename(os.path.dirname(folder)), model, dict(zip(names, tensors)))


def light_zoo_models() -> dict[str, str]:
    """The model-zoo networks (AlexNet, SqueezeNet, ResNet50, ...) that onnx ships with generated weights."""
    paths = sorted(glob.glob(os.path.join(BACKEND_DATA, "light", "light_*.onnx")))
    return {os.path.basename(p)[len("light_"):-len(".onnx")]: p for p in paths}
