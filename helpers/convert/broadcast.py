"""Broadcasting that the converters get wrong: opset-6 PRelu and ``axis`` broadcasts, bad PRelu slopes (notebook 04).

Before opset 7, ``PRelu`` took one slope per channel (the Caffe2 convention: a slope of shape (C,)
applies along axis 1), and ``Add``/``Mul``/``Pow``/... could broadcast their second input from a
given ``axis``. ``onnx.version_converter`` keeps the PRelu unchanged, so the upgraded model
broadcasts the slope from the last axis instead, and it fails on most ``axis`` broadcasts.
``legacy_broadcasts`` spells both out with Unsqueeze nodes before the upgrade. From opset 7 on,
``prelu_slope_errors`` finds the PRelu slopes that cannot broadcast to their input, which
onnxruntime refuses too and onnx2pytorch would only fail on at run time.
"""

from __future__ import annotations

import onnx

from .support import _DEFAULT_DOMAINS, UnsupportedOperatorError

# Package-internal: the names passes.py and importer.py use (not re-exported by helpers.convert).
__all__ = ["legacy_broadcasts", "prelu_slope_errors"]

# Operators that took ``broadcast`` and ``axis`` attributes before opset 7.
_AXIS_BROADCAST = frozenset({"Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less"})


def _shapes(model: onnx.ModelProto) -> dict[str, tuple[int | str | None, ...]]:
    """The static shape (a dim is an int, a name or None) of every value shape inference can type."""
    try:
        inferred = onnx.shape_inference.infer_shapes(model)
    except Exception:  # a model shape inference rejects: use only what the file declares
        inferred = model
    graph = inferred.graph
    shapes = {init.name: tuple(int(d) for d in init.dims) for init in graph.initializer}
    for value in [*graph.input, *graph.value_info, *graph.output]:
        tensor = value.type.tensor_type
        if value.type.WhichOneof("value") == "tensor_type" and tensor.HasField("shape") and value.name not in shapes:
            shapes[value.name] = tuple(d.dim_value if d.HasField("dim_value") else (d.dim_param or None)
                                       for d in tensor.shape.dim)
    return shapes


def _known(*dims: int | str | None) -> bool:
    """True when every dimension is a fixed size (not symbolic, not unknown)."""
    return all(isinstance(d, int) and d > 0 for d in dims)


def _node_name(node: onnx.NodeProto) -> str:
    """How error messages name a node: its name, else its first output."""
    return repr(node.name or node.output[0])


def _unsqueezed(node: onnx.NodeProto, position: int, axes: list[int], suffix: str) -> onnx.NodeProto:
    """Point ``node.input[position]`` at a new value with ``axes`` added; returns the Unsqueeze-1 node to insert."""
    source = node.input[position]
    target = f"{source}__{suffix}_{node.output[0]}"
    node.input[position] = target
    return onnx.helper.make_node("Unsqueeze", [source], [target], axes=axes)  # opset < 7: axes is an attribute


def _per_channel_prelu(node: onnx.NodeProto, shapes: dict, opset: int) -> onnx.NodeProto | None:
    """The Unsqueeze that makes a 1-D PRelu-6 slope (C,) apply along axis 1, as opset 6 meant, or None.

    None when numpy broadcasting already reads the slope so (its size is 1, the input has fewer than
    3 axes, or the last axis also has the slope's size) or the slope's size is not the channel count.
    """
    data, slope = shapes.get(node.input[0]), shapes.get(node.input[1])
    if slope is None or len(slope) != 1 or slope[0] == 1 or (data is not None and len(data) < 3):
        return None
    if data is not None and ((_known(slope[0], data[-1]) and slope[0] == data[-1])  # also numpy's reading
                             or (_known(slope[0], data[1]) and slope[0] != data[1])):  # not one per channel
        return None  # numpy broadcasting, as onnx.reference reads it too
    if data is None:
        raise UnsupportedOperatorError(
            f"PRelu {_node_name(node)} (opset {opset}) has a 1-D slope {node.input[1]!r}, which opset {opset} "
            f"applies per channel (axis 1), but the rank of its input {node.input[0]!r} is unknown, so the slope "
            "cannot be reshaped to (C, 1, ...). Declare the input's shape in the model (onnx.shape_inference), "
            "or re-export it from PyTorch at opset 9 or newer.", [("ai.onnx", "PRelu", opset)], [node.input[1]])
    return _unsqueezed(node, 1, list(range(1, len(data) - 1)), "per_channel")


def _axis_broadcast(node: onnx.NodeProto, shapes: dict) -> onnx.NodeProto | None:
    """Drop an opset-1 ``axis`` broadcast: the Unsqueeze that aligns input B with input A from the end, or None."""
    attributes = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    a, b = shapes.get(node.input[0]), shapes.get(node.input[1])
    if not attributes.get("broadcast", 0) or "axis" not in attributes or a is None or b is None:
        return None  # no axis to honour, or ranks unknown: onnx.version_converter decides
    axis = attributes["axis"] + (len(a) if attributes["axis"] < 0 else 0)
    trailing = len(a) - axis - len(b)
    if trailing < 0:
        return None  # an invalid model: the converter's error says so
    kept = [attribute for attribute in node.attribute if attribute.name != "axis"]
    del node.attribute[:]
    node.attribute.extend(kept)
    return _unsqueezed(node, 1, list(range(len(b), len(b) + trailing)), "aligned") if trailing else None


def legacy_broadcasts(model: onnx.ModelProto, opset: int) -> onnx.ModelProto:
    """Spell out the opset-6 broadcasts (per-channel PRelu slopes, ``axis``) that the upgrade would lose.

    Returns the model itself when there is nothing to change (or ``opset`` is 7 or newer), else a copy
    with Unsqueeze-1 nodes before the PRelu slopes and ``axis`` broadcasts, whose ``axis`` is dropped.
    """
    if opset >= 7 or not any(n.domain in _DEFAULT_DOMAINS and (n.op_type == "PRelu" or n.op_type in _AXIS_BROADCAST)
                             and len(n.input) > 1 for n in model.graph.node):
        return model
    model = onnx.ModelProto.FromString(model.SerializeToString())
    shapes = _shapes(model)
    nodes = []
    for node in model.graph.node:
        if node.domain in _DEFAULT_DOMAINS and len(node.input) > 1:
            if node.op_type == "PRelu":
                nodes.append(_per_channel_prelu(node, shapes, opset))
            elif node.op_type in _AXIS_BROADCAST:
                nodes.append(_axis_broadcast(node, shapes))
        nodes.append(node)
    del model.graph.node[:]
    model.graph.node.extend(node for node in nodes if node is not None)
    return model


def prelu_slope_errors(model: onnx.ModelProto) -> list[str]:
    """PRelu nodes (opset 7 or newer) whose slope cannot broadcast to their input, each said with what to do.

    ONNX broadcasts the slope numpy-style, from the last axis: a slope of shape (C,) for an (N, C, H, W)
    input is wrong (onnxruntime refuses it; onnx2pytorch would fail at run time).
    """
    prelus = [n for n in model.graph.node if n.op_type == "PRelu" and n.domain in _DEFAULT_DOMAINS]
    shapes = _shapes(model) if prelus else {}
    found = []
    for node in prelus:
        data, slope = shapes.get(node.input[0]), shapes.get(node.input[1])
        if data is None or slope is None:
            continue
        aligned = zip(reversed(slope), reversed(data))
        if len(slope) > len(data) or any(isinstance(s, int) and isinstance(d, int) and s not in (1, d)
                                         for s, d in aligned):
            per_channel = f"; for one slope per channel store it with shape ({slope[0]}{', 1' * (len(data) - 2)})" \
                if len(slope) == 1 and len(data) >= 3 and slope[0] == data[1] else ""
            found.append(f"PRelu {_node_name(node)}: slope {node.input[1]!r} of shape {tuple(slope)} does not "
                         f"broadcast to input {node.input[0]!r} of shape {tuple(data)} (ONNX aligns the slope "
                         f"with the last axes{per_channel})")
    return found
