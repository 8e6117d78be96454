"""What onnx2pytorch can convert, and the one error listing all it cannot (notebooks 04 and 08).

The ground floor of ``helpers.convert``: of the course it imports only ``onnx_file``. Reads which
operators onnx2pytorch converts from its source, and finds the operators and input/output types
(strings, sequences, maps, ...) that no PyTorch module can take. Notebook 08 catches the error when
a custom operator is refused.
"""

from __future__ import annotations

import importlib.metadata
import inspect as _inspect
import re
from pathlib import Path
from typing import Sequence

import onnx
from onnx import TensorProto

from ..onnx_file import iter_nodes, load_onnx

__all__ = [
    "TRAINING_DOMAINS",
    "UnsupportedOperatorError",
    "supported_operators",
    "find_unsupported_operators",
    "find_unsupported_values",
]

TRAINING_DOMAINS = frozenset({"ai.onnx.preview.training"})
_DEFAULT_DOMAINS = ("", "ai.onnx")
_TORCH_ELEMENT_TYPES = frozenset({
    TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.FLOAT16, TensorProto.BFLOAT16, TensorProto.INT8,
    TensorProto.INT16, TensorProto.INT32, TensorProto.INT64, TensorProto.UINT8, TensorProto.BOOL,
    TensorProto.COMPLEX64, TensorProto.COMPLEX128,
})
_NON_TENSOR_KINDS = {"sequence_type": "a sequence", "map_type": "a map", "optional_type": "an optional",
                     "sparse_tensor_type": "a sparse tensor", "opaque_type": "an opaque value"}
_OPERATOR_PATTERN = re.compile(r'node\.op_type == "(\w+)"')


class UnsupportedOperatorError(NotImplementedError):
    """The ONNX model uses operators or input/output types that cannot be converted to PyTorch.

    ``operators`` lists (domain, op type, opset) and ``values`` the graph inputs/outputs at fault.
    """

    def __init__(self, message: str, operators: Sequence[tuple[str, str, int]] = (),
                 values: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.operators = list(operators)
        self.values = list(values)


def supported_operators() -> frozenset[str]:
    """Operator types (default ONNX domain) that onnx2pytorch converts explicitly.

    Read from onnx2pytorch's source; raises RuntimeError (rather than accepting every operator) when
    that source no longer has the expected layout.
    """
    import onnx2pytorch.convert.operations as ops

    found = frozenset(_OPERATOR_PATTERN.findall(_inspect.getsource(ops)))
    if not found:
        version = importlib.metadata.version("onnx2pytorch")
        raise RuntimeError(f"Could not read which operators onnx2pytorch {version} converts: no "
                           f"'node.op_type == \"...\"' test in {ops.__file__}. Install the tested version "
                           "(pip install onnx2pytorch==0.6.0) or update helpers.convert.supported_operators.")
    return found


def find_unsupported_operators(model_or_path: str | Path | onnx.ModelProto) -> list[tuple[str, str, int]]:
    """Every (domain, op type, opset) in the model, subgraphs included, that cannot be converted."""
    model = load_onnx(model_or_path, check=False)
    versions = {o.domain: o.version for o in model.opset_import}
    supported = supported_operators()
    found = set()
    for node in iter_nodes(model.graph):
        domain = node.domain or ""
        if domain not in _DEFAULT_DOMAINS or node.op_type not in supported:
            found.add((domain or "ai.onnx", node.op_type, versions.get(node.domain, versions.get("", 0))))
    return sorted(found)


def _unconvertible_type(type_proto: onnx.TypeProto) -> str | None:
    """Why a value of this type cannot be a PyTorch tensor, or None when it can."""
    kind = type_proto.WhichOneof("value")
    if kind != "tensor_type":
        return f"{_NON_TENSOR_KINDS.get(kind, 'an untyped value')}, not a tensor"
    element = type_proto.tensor_type.elem_type
    if element not in _TORCH_ELEMENT_TYPES:
        name = TensorProto.DataType.Name(element).lower() if element in TensorProto.DataType.values() else element
        return f"{name} tensor, which has no PyTorch dtype"
    return None


def find_unsupported_values(model_or_path: str | Path | onnx.ModelProto) -> list[str]:
    """Graph inputs and outputs that cannot be PyTorch tensors (strings, sequences, maps, ...)."""
    model = load_onnx(model_or_path, check=False)
    initializers = {init.name for init in model.graph.initializer}
    found = []
    for kind, values in (("input", model.graph.input), ("output", model.graph.output)):
        for value in values:
            reason = None if value.name in initializers else _unconvertible_type(value.type)
            if reason:
                found.append(f"{kind} {value.name!r} ({reason})")
    return found


def _unsupported_error(operators: list[tuple[str, str, int]], values: list[str],
                       computed: Sequence[str] = ()) -> UnsupportedOperatorError:
    """One error naming every unsupported operator, input/output and computed weight, and what to do instead."""
    parts = []
    if values:
        parts.append(f"Cannot convert {len(values)} graph input/output(s) to PyTorch tensors: {', '.join(values)}.")
    if operators:
        listed = ", ".join(f"{op} ({domain}, opset {version}{', training only' if domain in TRAINING_DOMAINS else ''})"
                           for domain, op, version in operators)
        parts.append(f"Cannot convert {len(operators)} operator type(s) to PyTorch: {listed}.")
    if computed:
        parts.append(f"Cannot convert {len(computed)} node(s) whose weights are computed at run time (onnx2pytorch "
                     f"makes layers from constant weights only): {', '.join(computed)}.")
    parts.append("Run this model with onnxruntime instead (helpers.create_session), or re-export it from PyTorch.")
    return UnsupportedOperatorError(" ".join(parts), operators, [*values, *computed])
