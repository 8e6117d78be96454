"""Summarise an ONNX graph as a table: versions, signature, weights and operators (notebook 03)."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx

from ..onnx_file import TensorInfo, load_onnx, tensor_infos

__all__ = ["GraphSummary", "summarize"]


@dataclass
class GraphSummary:
    """What an ONNX model holds: versions, signature, weights and operators."""

    name: str
    opsets: dict[str, int]
    ir_version: int
    producer: str
    inputs: list[TensorInfo]
    outputs: list[TensorInfo]
    initializer_count: int
    parameter_count: int
    initializer_bytes: int
    operators: dict[str, int]
    node_count: int
    domains: list[str] = field(default_factory=list)

    def _rows(self) -> list[tuple[str, str]]:
        opsets = ", ".join(f"{d or 'ai.onnx'} {v}" for d, v in self.opsets.items())
        ops = ", ".join(f"{op} ×{n}" for op, n in self.operators.items())
        return [
            ("model", self.name), ("opset", opsets), ("IR version", str(self.ir_version)),
            ("producer", self.producer),
            *(("input", str(i)) for i in self.inputs), *(("output", str(o)) for o in self.outputs),
            ("initializers", f"{self.initializer_count} tensors, {self.parameter_count:,} numbers, "
                             f"{self.initializer_bytes:,} bytes"),
            ("nodes", f"{self.node_count} (operator domains: {', '.join(self.domains) or 'none'})"),
            ("operators", ops),
        ]

    def __str__(self) -> str:
        return "\n".join(f"{k:<13} {v}" for k, v in self._rows())

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                       f"<td style='text-align:left'>{html.escape(v)}</td></tr>" for k, v in self._rows())
        return f"<table>{rows}</table>"


def summarize(model_or_path: str | Path | onnx.ModelProto) -> GraphSummary:
    """Summarise an ONNX model: opsets, IR version, inputs/outputs, initializers and an operator histogram."""
    model = load_onnx(model_or_path, check=not isinstance(model_or_path, onnx.ModelProto))  # summarize broken ones too
    graph = model.graph
    inputs, outputs = tensor_infos(model)
    sizes = [(int(np.prod(init.dims, dtype=np.int64)), _initializer_bytes(init)) for init in graph.initializer]
    operators = Counter(node.op_type for node in graph.node)
    name = Path(model_or_path).name if not isinstance(model_or_path, onnx.ModelProto) else (graph.name or "model")
    return GraphSummary(
        name=name,
        opsets={o.domain: o.version for o in model.opset_import},
        ir_version=model.ir_version,
        producer=f"{model.producer_name} {model.producer_version}".strip() or "unknown",
        inputs=inputs, outputs=outputs,
        initializer_count=len(graph.initializer),
        parameter_count=sum(n for n, _ in sizes),
        initializer_bytes=sum(b for _, b in sizes),
        operators=dict(sorted(operators.items(), key=lambda kv: (-kv[1], kv[0]))),
        node_count=len(graph.node),
        domains=sorted({node.domain or "ai.onnx" for node in graph.node}),
    )


def _initializer_bytes(init: onnx.TensorProto) -> int:
    if init.raw_data:
        return len(init.raw_data)
    itemsize = onnx.helper.tensor_dtype_to_np_dtype(init.data_type).itemsize
    return int(np.prod(init.dims, dtype=np.int64)) * itemsize
