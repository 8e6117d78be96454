"""Draw an ONNX graph as a static SVG picture, with no server or browser needed (notebook 03)."""

from __future__ import annotations

import html
import numbers
from dataclasses import dataclass
from pathlib import Path

import onnx

from ..errors import output_file
from ..onnx_file import format_shape, load_onnx, tensor_infos

__all__ = ["GraphDrawing", "draw_graph"]

# Box size, gaps between boxes, and the picture's margin, in SVG pixels.
_NODE_W, _NODE_H, _GAP_X, _GAP_Y, _MARGIN = 170, 46, 24, 34, 20


@dataclass
class GraphDrawing:
    """A static SVG picture of an ONNX graph; Jupyter shows it inline, ``save`` writes it to a file."""

    svg: str
    node_count: int
    edge_count: int

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return f"GraphDrawing({self.node_count} nodes, {self.edge_count} edges)"

    def save(self, path: str | Path) -> Path:
        """Write the SVG to ``path`` and return it (an existing file other than an .svg is never replaced)."""
        path = output_file(path, "GraphDrawing.save's path", (".svg",),
                           replaceable=lambda p: '<marker id="arrow"' in p.read_text("utf-8")[:1000])
        path.write_text(self.svg, encoding="utf-8")
        return path


def _shape_text(shape: tuple) -> str:
    return format_shape(shape, "×") if shape else "scalar"


def draw_graph(model_or_path: str | Path | onnx.ModelProto, *, max_nodes: int = 600) -> GraphDrawing:
    """Draw the graph as SVG from the ONNX model itself: operators, weight shapes and tensor shapes.

    Graph inputs and outputs are drawn as rounded boxes, nodes as boxes labelled with the operator
    type, the shapes of their weights and the inferred shape of their first output.
    """
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, numbers.Integral) or max_nodes < 0:
        raise ValueError(f"max_nodes must be a whole number (the most nodes to draw), got {max_nodes!r}.")
    model = load_onnx(model_or_path, check=not isinstance(model_or_path, onnx.ModelProto))  # draw broken graphs too
    if len(model.graph.node) > max_nodes:
        raise ValueError(f"The graph has {len(model.graph.node)} nodes, more than max_nodes={max_nodes}; "
                         "use show_in_netron() for large graphs or raise max_nodes.")
    try:
        model = onnx.shape_inference.infer_shapes(model)
    except Exception:  # drawing does not need shapes; keep going without them
        pass
    graph = model.graph
    shapes = {v.name: _tensor_shape(v) for v in [*graph.input, *graph.value_info, *graph.output]}
    init_shapes = {i.name: tuple(i.dims) for i in graph.initializer}
    inputs, outputs = tensor_infos(model)

    boxes: list[dict] = [{"kind": "io", "label": i.name, "sub": _shape_text(i.shape), "out": [i.name], "in": []}
                         for i in inputs]
    for node in graph.node:
        weights = [f"{init_shapes[n] and _shape_text(init_shapes[n])}" for n in node.input if n in init_shapes]
        sub = _shape_text(shapes[node.output[0]]) if node.output and node.output[0] in shapes else ""
        boxes.append({"kind": "op", "label": node.op_type, "sub": sub, "weights": weights[:3],
                      "in": [n for n in node.input if n and n not in init_shapes], "out": list(node.output)})
    boxes += [{"kind": "io", "label": o.name, "sub": _shape_text(o.shape), "in": [o.name], "out": []} for o in outputs]

    producer = {name: idx for idx, box in enumerate(boxes) for name in box["out"]}
    edges = [(producer[name], idx) for idx, box in enumerate(boxes) for name in box["in"] if name in producer]
    layer = [0] * len(boxes)
    for src, dst in edges:  # boxes are in topological order, and so are the edges by destination
        layer[dst] = max(layer[dst], layer[src] + 1)
    for idx, box in enumerate(boxes):  # outputs sit at the bottom
        if box["kind"] == "io" and box["in"]:
            layer[idx] = max(layer)
    rows: dict[int, list[int]] = {}
    for idx, lay in enumerate(layer):
        rows.setdefault(lay, []).append(idx)
    widest = max(len(r) for r in rows.values())
    width = 2 * _MARGIN + widest * _NODE_W + (widest - 1) * _GAP_X + _NODE_W  # room for bowed edges
    height = 2 * _MARGIN + len(rows) * _NODE_H + (len(rows) - 1) * _GAP_Y
    pos = {}
    for lay, members in rows.items():
        row_w = len(members) * _NODE_W + (len(members) - 1) * _GAP_X
        x0 = (width - row_w) / 2
        for k, idx in enumerate(members):
            pos[idx] = (x0 + k * (_NODE_W + _GAP_X), _MARGIN + lay * (_NODE_H + _GAP_Y))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="12">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#666"/></marker></defs>',
    ]
    for src, dst in edges:
        parts.append(_svg_edge(pos[src], pos[dst], skips=layer[dst] - layer[src] > 1))
    for idx, box in enumerate(boxes):
        parts.append(_svg_box(box, *pos[idx]))
    parts.append("</svg>")
    return GraphDrawing("\n".join(parts), node_count=len(graph.node), edge_count=len(edges))


def _tensor_shape(value: onnx.ValueInfoProto) -> tuple:
    dims = value.type.tensor_type.shape.dim
    return tuple(d.dim_value if d.HasField("dim_value") else (d.dim_param or None) for d in dims)


def _svg_edge(start: tuple[float, float], end: tuple[float, float], skips: bool) -> str:
    x1, y1 = start[0] + _NODE_W / 2, start[1] + _NODE_H
    x2, y2 = end[0] + _NODE_W / 2, end[1]
    if not skips:
        path = f"M {x1:.1f} {y1:.1f} L {x2:.1f} {y2:.1f}"
    else:  # an edge that skips layers (a residual connection) bows out to the right of the boxes it passes
        bow = max(x1, x2) + _NODE_W
        path = f"M {x1:.1f} {y1:.1f} C {bow:.1f} {y1 + _GAP_Y:.1f}, {bow:.1f} {y2 - _GAP_Y:.1f}, {x2:.1f} {y2:.1f}"
    return f'<path class="edge" d="{path}" fill="none" stroke="#666" marker-end="url(#arrow)"/>'


def _svg_box(box: dict, x: float, y: float) -> str:
    is_op = box["kind"] == "op"
    fill, radius = ("#dbe9f6", 4) if is_op else ("#eeeeee", 16)
    label = html.escape(box["label"])
    sub = html.escape(box["sub"])
    weights = box.get("weights") or []
    detail = html.escape(("W " + ", ".join(weights)) if weights else "")
    cx = x + _NODE_W / 2
    texts = [f'<text x="{cx:.1f}" y="{y + 16:.1f}" text-anchor="middle" font-weight="bold">{label}</text>']
    if detail:
        texts.append(f'<text x="{cx:.1f}" y="{y + 29:.1f}" text-anchor="middle" fill="#444" font-size="10">{detail}</text>')
    if sub:
        texts.append(f'<text x="{cx:.1f}" y="{y + 41:.1f}" text-anchor="middle" fill="#225" font-size="10">→ {sub}</text>')
    kind = "node" if is_op else "io"
    return (f'<g class="{kind}"><rect x="{x:.1f}" y="{y:.1f}" width="{_NODE_W}" height="{_NODE_H}" rx="{radius}" '
            f'fill="{fill}" stroke="#345"/>{"".join(texts)}</g>')
