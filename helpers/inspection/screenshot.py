"""Take a PNG of Netron's view of an ONNX graph in headless Chromium, for pages with no kernel (notebook 03)."""

from __future__ import annotations

import numbers
import shutil
from pathlib import Path

from ..errors import existing_file, output_file
from ..onnx_file import load_onnx
from .server import _serve_quietly, _stop_server

__all__ = ["netron_screenshot"]


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


_SOFTWARE = "helpers.netron_screenshot"  # in each picture's PNG text chunk: ours to replace when run again


def _is_our_screenshot(path: Path) -> bool:
    return f"Software\0{_SOFTWARE}".encode() in Path(path).read_bytes()[:4096]


def _save_marked(png: bytes, path: Path) -> None:
    """Write the browser's PNG with a ``Software`` text chunk naming this function (pixels unchanged)."""
    import io

    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Software", _SOFTWARE)
    Image.open(io.BytesIO(png)).save(path, pnginfo=info)


def netron_screenshot(onnx_path: str | Path, png_path: str | Path, *, browser_path: str | None = None,
                      size: tuple[int, int] = (1000, 520), scale: float = 1.5, select: str | None = None,
                      zoom_in: int = 0, timeout_s: float = 60) -> Path:
    """Save a PNG of Netron showing ``onnx_path``, taken in headless Chromium; returns ``png_path``.

    The course commits such a picture (``notebooks/images/netron_linear.png``) so that notebook 03 shows
    Netron's view where no kernel runs (GitHub, nbviewer). Regenerate it from the repository root with the
    commands below (a picture is replaced only if this function wrote it, which its PNG ``Software`` text chunk
    says: delete one made before that chunk existed first)::

        python -c "import helpers; helpers.inspection.netron_screenshot(helpers.ensure_linear_onnx('notebooks/artifacts'),
                   'notebooks/images/netron_linear.png', select='Gemm', zoom_in=2)"
        python -m helpers.workshop sync   # carries the new picture into notebook 03's cell (an attachment)

    ``select`` names an operator type whose first node is clicked, so the sidebar shows its attributes;
    ``zoom_in`` clicks Netron's zoom-in button that many times.

    It needs the ``playwright`` package and an installed Chromium (Debian's ``chromium``); it downloads
    nothing, and the browser may only reach the Netron server on 127.0.0.1.
    """
    import netron
    from playwright.sync_api import sync_playwright

    if isinstance(zoom_in, bool) or not isinstance(zoom_in, numbers.Integral) or not 0 <= zoom_in <= 20:
        raise ValueError(f"zoom_in is how many times to click Netron's zoom-in button, a whole number from 0 to 20, "
                         f"got {zoom_in!r}.")
    if not (isinstance(size, (tuple, list)) and len(size) == 2 and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) and 100 <= v <= 8000 for v in size)):
        raise ValueError(f"size is the browser window (width, height) in pixels, each from 100 to 8000, such as "
                         f"(1000, 520), got {size!r}.")  # pass 12: Chromium's raw "0 width"
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not 0.25 <= scale <= 4:
        raise ValueError(f"scale is the pixel density, a number from 0.25 to 4 such as 1.5, got {scale!r}.")
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, numbers.Real) or not 0 < timeout_s <= 600:
        raise ValueError(f"timeout_s is how long to wait for Netron, in seconds (such as 60), got {timeout_s!r}.")
    path = existing_file(onnx_path, "netron_screenshot's onnx_path")
    png_path = output_file(png_path, "netron_screenshot's png_path", (".png",), source=path,
                           replaceable=_is_our_screenshot)  # a user's picture of that name is never replaced
    browser_path = browser_path or shutil.which("chromium") or shutil.which("chromium-browser")
    if browser_path is None:
        raise RuntimeError("No Chromium found: install Debian's chromium package (apt-get install chromium).")
    kinds = sorted({node.op_type for node in load_onnx(path, check=False).graph.node})
    if select is not None and select not in kinds:  # pass 12: a 30 s wait, then Playwright's raw timeout
        raise ValueError(f"select names an operator type to click, and the graph has no {select!r} node: it has "
                         f"{', '.join(kinds)}.")
    address = _serve_quietly(netron, path, None)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=browser_path, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            try:
                page = browser.new_page(viewport={"width": size[0], "height": size[1]}, device_scale_factor=scale)
                _draw_in_netron(page, f"http://{address[0]}:{address[1]}/", select, zoom_in, timeout_s * 1000)
                png_path.parent.mkdir(parents=True, exist_ok=True)
                _save_marked(page.screenshot(), png_path)
            finally:
                browser.close()
    finally:
        _stop_server(netron, address)
    return png_path
