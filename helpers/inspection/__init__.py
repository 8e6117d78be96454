"""Look inside an ONNX graph: a summary table, a static drawing, and Netron wherever the notebook runs (notebook 03).

``summary`` tabulates the graph, ``drawing`` draws it as SVG, ``server`` serves it with Netron (stopped
when the kernel exits) and ``screenshot`` photographs Netron for pages that run no kernel. Importing
this package also teaches IPython to print an ``IFrame`` without its memory address.
"""

from __future__ import annotations

from .drawing import GraphDrawing, draw_graph
from .screenshot import netron_screenshot
from .server import NetronView, netron_url_for, show_in_netron, start_netron, stop_netron
from .summary import GraphSummary, summarize

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
