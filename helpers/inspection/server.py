"""Serve an ONNX graph with Netron and show it inline wherever the notebook runs (notebook 03).

The server listens on 127.0.0.1 only; one server per kernel, stopped when the kernel exits.
"""

from __future__ import annotations

import atexit
import errno
import html
import logging
import numbers
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import onnx

from ..environment import detect_platform
from ..errors import existing_file
from ..onnx_file import load_onnx
from .drawing import GraphDrawing, draw_graph

__all__ = ["NetronView", "show_in_netron", "start_netron", "stop_netron", "netron_url_for"]


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

    _check_port(port)
    path = existing_file(onnx_path, "start_netron's onnx_path")
    load_onnx(path, check=False)  # clear errors for a broken file
    with _LOCK:
        if port is None and _SERVER is not None:
            port = _SERVER.port
        _stop_locked()
        address = _serve_quietly(netron, path, port)
        _SERVER = _NetronServer(path, address[1], address)
        return address


def _check_port(port: object) -> None:
    if port is not None and (isinstance(port, bool) or not isinstance(port, numbers.Integral) or not 0 <= port <= 65535):
        raise ValueError(f"port must be a whole number from 0 to 65535, such as 8081 (or None: any free port), got {port!r}.")


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
    if isinstance(port, bool) or not isinstance(port, numbers.Integral) or not 1 <= port <= 65535:  # pass 12: -5
        raise ValueError(f"port is the port a Netron server listens on, a whole number from 1 to 65535 such as 8081 "
                         f"(start_netron returns it), got {port!r}.")
    if platform not in (None, "colab", "binder", "jupyterhub", "local"):
        raise ValueError(f"platform is one of 'colab', 'binder', 'jupyterhub', 'local' (lower case), or None to detect "
                         f"it; got {platform!r}.")
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
    _check_port(port)
    if isinstance(height, bool) or not isinstance(height, numbers.Integral) or height < 100:
        raise ValueError(f"height is the frame's height in pixels, a whole number such as 500, got {height!r}.")
    if isinstance(onnx_path, onnx.ModelProto):
        raise TypeError("show_in_netron serves a file: save the model first (onnx.save(model, 'model.onnx')) and "
                        "pass that path, or draw it in place with helpers.draw_graph(model).")
    path = existing_file(onnx_path, "show_in_netron's onnx_path")
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
        busy = isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE
        fix = (f"port {port} is taken by another program (an earlier Netron?): pass port=None to use a free one"
               if busy else "use mode='static' or pip install netron")
        if mode == "netron":
            raise RuntimeError(f"Could not serve Netron ({exc}); {fix}.") from exc
        return NetronView("static", None, f"Netron could not start: {exc} ({fix})", draw_graph(path), height)
    return NetronView("netron", url, f"served on {platform}", None, height, served_port)


def _has_server_proxy() -> bool:
    import importlib.util

    return importlib.util.find_spec("jupyter_server_proxy") is not None
