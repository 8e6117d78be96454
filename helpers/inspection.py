"""Look inside an ONNX graph: a summary table, a static drawing, and Netron wherever the notebook runs."""

from __future__ import annotations

import atexit
import errno
import html
import logging
import os
import shutil
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx

from .environment import detect_platform
from .export import TensorInfo, load_onnx, tensor_infos

__all__ = [
    "GraphSummary",
    "summarize",
    "GraphDrawing",
    "draw_graph",
    "NetronView",
    "show_in_netron",
    "start_netron",
    "stop_netron",
    "netron_url_for",
    "netron_screenshot",
]


# --------------------------------------------------------------------------- summary

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
    model = load_onnx(model_or_path)
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


# --------------------------------------------------------------------------- static drawing

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
        """Write the SVG to ``path`` and return it."""
        path = Path(path)
        path.write_text(self.svg, encoding="utf-8")
        return path


def _shape_text(shape: tuple) -> str:
    return "×".join("?" if d is None else str(d) for d in shape) if shape else "scalar"


def draw_graph(model_or_path: str | Path | onnx.ModelProto, *, max_nodes: int = 600) -> GraphDrawing:
    """Draw the graph as SVG from the ONNX model itself: operators, weight shapes and tensor shapes.

    Graph inputs and outputs are drawn as rounded boxes, nodes as boxes labelled with the operator
    type, the shapes of their weights and the inferred shape of their first output.
    """
    model = load_onnx(model_or_path)
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


# --------------------------------------------------------------------------- Netron

@dataclass
class _NetronServer:
    path: Path
    port: int
    address: tuple[str, int]


_SERVER: _NetronServer | None = None
_LOCK = threading.Lock()


def start_netron(onnx_path: str | Path, port: int | None = None) -> tuple[str, int]:
    """Serve ``onnx_path`` with Netron on 127.0.0.1 (loopback only), replacing any server this kernel started.

    Returns the (host, port) address. Re-running reuses the previous port, so no servers pile up.
    """
    global _SERVER
    import netron

    path = Path(onnx_path)
    load_onnx(path, check=False)  # clear errors for a missing or broken file
    with _LOCK:
        if port is None and _SERVER is not None:
            port = _SERVER.port
        _stop_locked()
        address = _serve_quietly(netron, path, port)
        _SERVER = _NetronServer(path, address[1], address)
        return address


def _serve_quietly(netron, path: Path, port: int | None) -> tuple[str, int]:
    root = logging.getLogger()
    quiet = logging.NullHandler()
    root.addHandler(quiet)  # stops netron from configuring logging (and printing absolute paths)
    try:
        return _serve_with_retry(netron, path, port)
    finally:
        root.removeHandler(quiet)


def _serve_with_retry(netron, path: Path, port: int | None) -> tuple[str, int]:
    # A just-stopped server releases its port within one polling interval (0.25 s); wait for it.
    for attempt in range(20):
        try:
            return netron.serve(str(path), None, address=("127.0.0.1", port or None), browse=False)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or attempt == 19 or port is None:
                raise
            time.sleep(0.1)
    raise AssertionError("unreachable")


def stop_netron() -> bool:
    """Stop the Netron server started by ``show_in_netron``/``start_netron``; True if one was running.

    Calling it is optional: the server also stops when the kernel (the Python process) exits.
    """
    with _LOCK:
        return _stop_locked()


# A notebook must not stop its server in its last cell: after "Run All" that would blank every Netron
# frame above it. The server stops when the kernel shuts down instead.
atexit.register(stop_netron)


def _stop_locked() -> bool:
    global _SERVER
    if _SERVER is None:
        return False
    import netron

    _stop_server(netron, _SERVER.address)
    _SERVER = None
    return True


def _stop_server(netron, address: tuple[str, int]) -> None:
    netron.stop(address)
    deadline = time.monotonic() + 2.0
    while netron.status(address) and time.monotonic() < deadline:  # let its thread finish
        time.sleep(0.05)


def netron_url_for(port: int, platform: str | None = None) -> str:
    """The URL at which the browser reaches a Netron server on the kernel's port ``port``."""
    platform = platform or detect_platform()
    if platform in ("binder", "jupyterhub"):
        prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
        return f"{prefix.rstrip('/')}/proxy/{port}/"  # served by jupyter-server-proxy
    if platform == "colab":
        from google.colab.output import eval_js  # type: ignore[import-not-found]

        return str(eval_js(f"google.colab.kernel.proxyPort({port})"))
    return f"http://127.0.0.1:{port}/"


@dataclass
class NetronView:
    """How the graph is shown: an interactive Netron IFrame, or the static drawing with the reason why."""

    mode: str  # "netron" or "static"
    url: str | None
    reason: str
    drawing: GraphDrawing | None = None
    height: int = 500
    port: int | None = field(default=None, repr=False)

    def __str__(self) -> str:
        if self.mode == "netron":
            return f"Netron is serving the model: open {self.url}"
        return f"Static drawing of the graph ({self.reason})."

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        if self.mode == "netron":
            url = html.escape(self.url or "")
            return (f'<iframe src="{url}" width="100%" height="{self.height}" style="border:1px solid #ccc">'
                    f'</iframe><p>Netron: <a href="{url}" target="_blank">{url}</a> (opens in a new tab)</p>')
        svg = self.drawing.svg if self.drawing else ""
        return f'<div style="max-height:{self.height}px;overflow:auto">{svg}</div><p>{html.escape(str(self))}</p>'


def show_in_netron(onnx_path: str | Path, *, mode: str = "auto", port: int | None = None,
                   height: int = 500) -> NetronView:
    """Show the model's graph inline wherever the notebook runs.

    ``mode='auto'`` serves Netron (on 127.0.0.1) and shows it in an IFrame: directly on a local
    Jupyter, through jupyter-server-proxy on Binder/JupyterHub, through Colab's port proxy on Colab.
    Where it cannot serve, or with ``mode='static'``, it shows the static SVG drawing instead.
    """
    if mode not in ("auto", "netron", "static"):
        raise ValueError(f"mode must be 'auto', 'netron' or 'static', not {mode!r}.")
    path = Path(onnx_path)
    if mode == "static":
        return NetronView("static", None, "asked for", draw_graph(path), height)
    platform = detect_platform()
    if platform in ("binder", "jupyterhub") and not _has_server_proxy():
        reason = "jupyter-server-proxy is not installed, so the browser cannot reach a Netron server"
        return NetronView("static", None, reason, draw_graph(path), height)
    try:
        _, served_port = start_netron(path, port)
        url = netron_url_for(served_port, platform)
    except (ImportError, OSError, RuntimeError) as exc:
        if mode == "netron":
            raise RuntimeError(f"Could not serve Netron ({exc}); use mode='static' or pip install netron.") from exc
        return NetronView("static", None, f"Netron could not start: {exc}", draw_graph(path), height)
    return NetronView("netron", url, f"served on {platform}", None, height, served_port)


def _has_server_proxy() -> bool:
    import importlib.util

    return importlib.util.find_spec("jupyter_server_proxy") is not None


# --------------------------------------------------------------------------- notebook support

def _iframe_text(frame, printer, cycle) -> None:
    printer.text(f"IFrame({frame.src!r})")


def _register_iframe_text() -> None:
    """Print IPython's IFrame as ``IFrame('url')``: its default text form holds a memory address, which
    would change every time a course notebook is executed and committed."""
    try:
        from IPython import get_ipython
        from IPython.lib.display import IFrame
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "display_formatter"):
        shell.display_formatter.formatters["text/plain"].for_type(IFrame, _iframe_text)


_register_iframe_text()


# Netron writes shapes as B〈1×10〉. Debian's fonts lack these CJK brackets (they would show as empty boxes),
# so the page draws them as the look-alike ⟨ ⟩ as soon as it adds them. (Netron disables page.evaluate.)
_SAME_BRACKETS = """
new MutationObserver(() => {
    for (const t of document.querySelectorAll('#canvas tspan')) {
        if (/[\u3008\u3009]/.test(t.textContent)) {
            t.textContent = t.textContent.replace('\u3008', '\u27e8').replace('\u3009', '\u27e9');
        }
    }
}).observe(document, {subtree: true, childList: true});
"""


def _draw_in_netron(page, url: str, select: str | None, zoom_in: int, timeout_ms: float) -> None:
    """Open Netron at ``url`` in a playwright page, accept its cookie notice and wait for the graph."""
    # Only the loopback server may be reached: Netron's telemetry and web fonts are blocked.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url) else route.abort())
    page.add_init_script(_SAME_BRACKETS)
    page.goto(url)
    page.locator("#message-button").click(timeout=timeout_ms)  # "Accept": Netron draws nothing before it
    page.locator("#canvas g.node").first.wait_for(timeout=timeout_ms)
    for _ in range(zoom_in):
        page.locator("#zoom-in-button").click()
    if select:  # click the node: the sidebar shows its attributes, inputs and outputs
        page.locator("#canvas g.node", has_text=select).first.locator("text").first.click()
        page.locator("#sidebar-content").get_by_text("attributes").first.wait_for(timeout=timeout_ms)
    page.wait_for_timeout(500)  # let the layout and the sidebar's slide-in settle


def netron_screenshot(onnx_path: str | Path, png_path: str | Path, *, browser_path: str | None = None,
                      size: tuple[int, int] = (1000, 520), scale: float = 1.5, select: str | None = None,
                      zoom_in: int = 0, timeout_s: float = 60) -> Path:
    """Save a PNG of Netron showing ``onnx_path``, taken in headless Chromium; returns ``png_path``.

    The course commits such a picture (``notebooks/images/netron_linear.png``) so that notebook 03 shows
    Netron's view where no kernel runs (GitHub, nbviewer). Regenerate it from the repository root with::

        python -c "import helpers; helpers.inspection.netron_screenshot(helpers.ensure_linear_onnx('notebooks/artifacts'),
                   'notebooks/images/netron_linear.png', select='Gemm', zoom_in=2)"

    ``select`` names an operator type whose first node is clicked, so the sidebar shows its attributes;
    ``zoom_in`` clicks Netron's zoom-in button that many times.

    It needs the ``playwright`` package and an installed Chromium (Debian's ``chromium``); it downloads
    nothing, and the browser may only reach the Netron server on 127.0.0.1.
    """
    import netron
    from playwright.sync_api import sync_playwright

    browser_path = browser_path or shutil.which("chromium") or shutil.which("chromium-browser")
    if browser_path is None:
        raise RuntimeError("No Chromium found: install Debian's chromium package (apt-get install chromium).")
    path, png_path = Path(onnx_path), Path(png_path)
    load_onnx(path, check=False)
    address = _serve_quietly(netron, path, None)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=browser_path, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            try:
                page = browser.new_page(viewport={"width": size[0], "height": size[1]}, device_scale_factor=scale)
                _draw_in_netron(page, f"http://{address[0]}:{address[1]}/", select, zoom_in, timeout_s * 1000)
                png_path.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(png_path))
            finally:
                browser.close()
    finally:
        _stop_server(netron, address)
    return png_path
