"""Rewrite an ONNX graph so that onnx2pytorch reads it right: Gemm as MatMul, constant data (notebook 04).

onnx2pytorch makes layers (nn.Linear, nn.Conv2d, ...) from initializers only and takes the first
initializer input of a layer for its weight; these in-place passes route around that, give every
graph output a node, and find the layers with run-time weights that it cannot build at all.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import numpy_helper

from .support import _DEFAULT_DOMAINS

# Package-internal: the names the rest of helpers.convert uses (none is re-exported by helpers.convert).
__all__ = [
    "_FUNCTIONAL_LAYERS",
    "_computed_inputs",
    "_computed_weights",
    "_gemm_as_matmul",
    "_constant_data_as_activations",
    "_outputs_from_nodes",
]

# Operators that onnx2pytorch turns into layers (nn.Conv2d, nn.BatchNorm2d, ...): input 0 is the data,
# the inputs in the slice are weights that it reads from initializers only.
_LAYER_WEIGHTS = {"Conv": slice(1, 3), "ConvTranspose": slice(1, 3), "BatchNormalization": slice(1, 5),
                  "InstanceNormalization": slice(1, 3), "Gemm": slice(1, 3), "LSTM": slice(1, 4),
                  "GRU": slice(1, 4), "RNN": slice(1, 4)}
# With weights computed at run time these become _FunctionalLayer modules; the other layers are refused.
_FUNCTIONAL_LAYERS = frozenset({"Conv", "BatchNormalization", "InstanceNormalization"})


def _outputs_from_nodes(model: onnx.ModelProto) -> None:
    """Give graph outputs that no node computes (an input or a folded constant) an Identity node."""
    produced = {name for node in model.graph.node for name in node.output}
    for output in model.graph.output:
        if output.name not in produced:
            source, output.name = output.name, f"{output.name}__output"
            model.graph.node.append(onnx.helper.make_node("Identity", [source], [output.name]))


def _computed_inputs(node: onnx.NodeProto, constants: set[str]) -> list[str]:
    """The weight inputs of a layer node (Conv, BatchNormalization, ...) that are not constants."""
    weights = _LAYER_WEIGHTS.get(node.op_type) if node.domain in _DEFAULT_DOMAINS else None
    return [name for name in node.input[weights] if name and name not in constants] if weights else []


def _computed_weights(model: onnx.ModelProto) -> list[str]:
    """Layers that need constant weights but have computed ones, as "ConvTranspose 'name' (input 'w')"."""
    constants = {init.name for init in model.graph.initializer}
    found = []
    for node in model.graph.node:
        computed = _computed_inputs(node, constants)
        if computed and node.op_type not in _FUNCTIONAL_LAYERS:
            found.append(f"{node.op_type} {node.name or node.output[0]!r} (input{'s' * (len(computed) > 1)} "
                         f"{', '.join(map(repr, computed))})")
    return found


def _gemm_as_matmul(model: onnx.ModelProto) -> None:
    """Rewrite Gemm nodes whose B or C is computed at run time as Transpose, MatMul, Mul and Add.

    onnx2pytorch makes every Gemm an nn.Linear whose weight and bias must be initializers.
    """
    constants = {init.name for init in model.graph.initializer}
    nodes = []
    for node in model.graph.node:
        extra = node.input[1:3]
        if node.op_type == "Gemm" and node.domain in _DEFAULT_DOMAINS and any(n and n not in constants for n in extra):
            nodes.extend(_matmul_nodes(node, model.graph))
        else:
            nodes.append(node)
    del model.graph.node[:]
    model.graph.node.extend(nodes)


def _matmul_nodes(gemm: onnx.NodeProto, graph: onnx.GraphProto) -> list[onnx.NodeProto]:
    """alpha * A' @ B' + beta * C as plain nodes (A' and B' transposed when transA/transB say so)."""
    make, attributes = onnx.helper.make_node, {a.name: onnx.helper.get_attribute_value(a) for a in gemm.attribute}
    a, b, c = (list(gemm.input) + [""])[:3]
    prefix, nodes = f"{gemm.output[0]}__gemm", []
    for name, flag in ((a, "transA"), (b, "transB")):
        if attributes.get(flag, 0):
            nodes.append(make("Transpose", [name], [f"{prefix}_{flag}"], perm=[1, 0]))
    operands = [f"{prefix}_transA" if attributes.get("transA", 0) else a,
                f"{prefix}_transB" if attributes.get("transB", 0) else b]
    terms = [(f"{prefix}_ab", attributes.get("alpha", 1.0))] + ([(c, attributes.get("beta", 1.0))] if c else [])
    nodes.append(make("MatMul", operands, [terms[0][0]]))
    scaled = []
    for name, factor in terms:
        if factor != 1.0:  # a 0-d float32 factor keeps the other operand's dtype in PyTorch
            graph.initializer.append(numpy_helper.from_array(np.array(factor, np.float32), f"{name}__factor"))
            nodes.append(make("Mul", [name, f"{name}__factor"], [f"{name}__scaled"]))
            name = f"{name}__scaled"
        scaled.append(name)
    nodes.append(make("Add", scaled, gemm.output) if c else make("Identity", scaled, gemm.output))
    return nodes


def _constant_data_as_activations(model: onnx.ModelProto) -> None:
    """Route constants that onnx2pytorch would mistake for weights through Identity nodes.

    It reads the first initializer input of a layer or MatMul as its 2-D weight: a constant data
    input (input 0), or a MatMul constant that is not a 2-D right-hand side, must look computed.
    """
    dims = {init.name: len(init.dims) for init in model.graph.initializer}
    identities = {}
    for node in model.graph.node:
        if node.domain not in _DEFAULT_DOMAINS or (node.op_type not in _LAYER_WEIGHTS and node.op_type != "MatMul"):
            continue
        positions = [0] + ([1] if node.op_type == "MatMul" and dims.get(node.input[1], 2) != 2 else [])
        for position in (p for p in positions if node.input[p] in dims):
            name = node.input[position]
            identities.setdefault(name, onnx.helper.make_node("Identity", [name], [f"{name}__value"]))
            node.input[position] = f"{name}__value"
    for identity in reversed(list(identities.values())):
        model.graph.node.insert(0, identity)
