"""The course's web page (notebook 11): a folder a browser can load, and the page run in headless Chromium.

The page (``helpers/web/index.html`` and ``page.js``, plain JavaScript) runs an ONNX file with onnxruntime-web's
wasm backend. ``prepare_site`` puts together what a static server must serve: the page, onnxruntime-web's files
(from npm: ``npm ci`` in ``helpers/web``, which ``make setup`` runs), the model files and the test images.
``run_page`` opens the served page in headless Chromium (Debian's package, driven by Playwright) and returns
what the page computed, so a notebook or a test compares it with PyTorch.
"""

from __future__ import annotations

import concurrent.futures
import json
import numbers
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from .errors import as_path, existing_file, writable_folder

__all__ = ["PAGE_DIR", "ORT_WEB_FILES", "WebSite", "PageRun", "onnxruntime_web_dist", "prepare_site",
           "find_chromium", "browser_problem", "run_page"]

PAGE_DIR = Path(__file__).resolve().parent / "web"
# What the page loads from onnxruntime-web's dist/ folder: the wasm-only bundle, its WebAssembly binary and the
# JavaScript glue that loads it (ort.env.wasm.wasmPaths points at the folder holding the last two).
ORT_WEB_FILES = ("ort.wasm.min.js", "ort-wasm-simd-threaded.wasm", "ort-wasm-simd-threaded.mjs")
PAGE_FILES = ("index.html", "page.js")
_MARKER = ".prepared-by-helpers"  # a folder prepare_site wrote: it may replace its own files there


@dataclass
class WebSite:
    """A folder ready to be served: ``missing`` says what is not there (None: everything is)."""

    folder: Path
    models: list[str]
    missing: str | None = None

    @property
    def ready(self) -> bool:
        return self.missing is None

    def __str__(self) -> str:
        if self.missing:
            return f"The page cannot run here: {self.missing}"
        size = sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file()) / 1e6
        return f"{self.folder.name}/: the page, onnxruntime-web (wasm) and {len(self.models)} models, {size:.1f} MB"


def onnxruntime_web_dist(install: bool = True, timeout_s: float = 300) -> Path | None:
    """onnxruntime-web's ``dist`` folder from ``npm ci`` in ``helpers/web``; runs ``npm ci`` there when missing.

    Returns None where npm is not installed or ``npm ci`` fails (no registry): the notebook then says so.
    """
    dist = PAGE_DIR / "node_modules" / "onnxruntime-web" / "dist"
    npm = shutil.which("npm")  # the full path: on Windows it is npm.cmd, which subprocess does not look for
    if not all((dist / name).is_file() for name in ORT_WEB_FILES) and install and npm:
        try:
            subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=PAGE_DIR,
                           capture_output=True, timeout=timeout_s, check=False)
        except (OSError, subprocess.TimeoutExpired):
            pass  # no registry, no permission, too slow: the caller says that onnxruntime-web is missing
    return dist if all((dist / name).is_file() for name in ORT_WEB_FILES) else None


def prepare_site(folder: str | Path, models: Mapping[str, str | Path], test_images: Any) -> WebSite:
    """Copy the page, onnxruntime-web and ``models`` (label -> .onnx path) into ``folder``; write the test images.

    ``test_images`` is a float32 array or tensor (n, 1, 16, 16) in the model's scale; the page runs them one by one.
    Files the page does not know are left alone; the ones it serves are replaced by this run's.
    """
    folder = as_path(folder, "prepare_site's folder")
    if not isinstance(models, Mapping) or not models:
        raise ValueError(f"models maps a label the page shows to an ONNX file, such as {{'fp32': cnn_path}}; got "
                         f"{models!r}.")
    paths = {str(label): existing_file(path, f"the model file for {label!r}") for label, path in models.items()}
    names = [p.name for p in paths.values()]
    if len(set(names)) != len(names):
        raise ValueError(f"Two models have the same file name ({sorted({n for n in names if names.count(n) > 1})}): "
                         "the page keeps them in one folder, so one would replace the other. Copy one under "
                         "another name first.")
    for label, path in paths.items():
        problem = _page_cannot_run(path)
        if problem:
            raise ValueError(f"The {label!r} model ({path.name}) {problem}: the page feeds one float32 image "
                             "(1, 1, 16, 16) and reads the logits. Give it the shapes CNN's file (notebook 11, section 1).")
    with_data = [label for label, p in paths.items() if _has_external_data(p)]
    if with_data:
        raise ValueError(f"The {with_data[0]!r} model keeps its weights in a file beside it (external data, "
                         f"torch.onnx.export's default): the page would need externalData in its session options. "
                         f"Export with external_data=False, or save it again in one piece: "
                         f"onnx.save(onnx.load(path), one_file_path).")
    if hasattr(test_images, "images") and hasattr(test_images, "labels"):  # pass 15: a raw float() TypeError
        raise TypeError("test_images are the images themselves: pass test.images, not the ImageData (its labels "
                        "stay in the notebook).")
    raw = test_images.detach().cpu() if hasattr(test_images, "detach") else test_images
    if np.issubdtype(np.asarray(raw).dtype, np.integer):
        raise TypeError(f"test_images hold integers ({np.asarray(raw).dtype}): the page feeds the model the 0-1 "
                        "scale it was trained on (helpers.make_shapes_data's float32 images). Divide bytes by 255.")
    images = np.asarray(raw, np.float32)
    if images.ndim != 4 or images.shape[1:] != (1, 16, 16) or len(images) == 0:
        raise ValueError(f"test_images must be (n, 1, 16, 16) like helpers.make_shapes_data's images, n at least 1; "
                         f"got {images.shape}.")
    if not np.isfinite(images).all():
        raise ValueError("test_images hold NaN or infinite values, which JSON cannot carry to the page: pass finite "
                         "images.")
    if np.abs(images).max() > 20:  # noisy 0-1 images stay within a few units; 0-255 pixels do not
        raise ValueError(f"test_images reach {np.abs(images).max():g}: they look like 0-255 pixels, but the model was "
                         "trained on 0-1 images (helpers.make_shapes_data's scale), so the page would classify them "
                         "wrongly without an error. Divide by 255.")
    writable_folder(folder, "prepare_site's folder")  # a file in the way, a read-only place: said before writing
    written = [folder / name for name in (*PAGE_FILES, "models.json", "test_images.json", *(  # pass 17: models/ too
        f"models/{p.name}" for p in paths.values()), *(f"ort/{name}" for name in ORT_WEB_FILES))]
    if not (folder / _MARKER).exists() and any(path.exists() for path in written):
        raise FileExistsError(f"{folder} already holds {next(p.name for p in written if p.exists())}, which "
                              "prepare_site did not write: it would be replaced. Choose a new or empty folder (e.g. "
                              "artifacts_dir() / 'web').")
    (folder / "ort").mkdir(parents=True, exist_ok=True)
    (folder / "models").mkdir(exist_ok=True)
    (folder / _MARKER).write_text("Written by helpers.webpage.prepare_site, which replaces its own files here.\n")
    for name in PAGE_FILES:
        shutil.copyfile(PAGE_DIR / name, folder / name)
    for path in paths.values():
        shutil.copyfile(path, folder / "models" / path.name)
    (folder / "models.json").write_text(json.dumps([{"file": p.name, "label": label} for label, p in paths.items()]))
    (folder / "test_images.json").write_text(json.dumps({"shape": list(images.shape), "pixels": images.ravel().tolist()}))
    dist = onnxruntime_web_dist()
    if dist is None:
        missing = ("onnxruntime-web is not installed: install Node.js (npm), then run `npm ci` in helpers/web "
                   "(`make setup` does it)" if shutil.which("npm") else
                   "npm is not installed, so onnxruntime-web cannot be fetched: install Node.js, then `make setup`")
        return WebSite(folder, [p.name for p in paths.values()], missing)
    for name in ORT_WEB_FILES:
        shutil.copyfile(dist / name, folder / "ort" / name)
    return WebSite(folder, [p.name for p in paths.values()])


_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "msedge")
_BROWSER_PATHS = ("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
                  "/Applications/Chromium.app/Contents/MacOS/Chromium",
                  r"C:\Program Files\Google\Chrome\Application\chrome.exe",
                  r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe")


def find_chromium() -> str | None:
    """An installed Chromium-based browser (Debian's ``chromium``, Chrome, Edge), or None."""
    for name in _BROWSERS:
        if path := shutil.which(name):
            return path
    return next((path for path in _BROWSER_PATHS if Path(path).is_file()), None)


def _page_cannot_run(path: Path) -> str | None:
    """Why the page's input (one float32 image, 1 x 16 x 16 after the batch) does not fit the file, or None."""
    import onnx

    try:
        graph = onnx.load(str(path), load_external_data=False).graph
    except Exception:  # protobuf's DecodeError and friends
        return "is not an ONNX file (a .pt, a truncated file?)"
    feeds = [i for i in graph.input if i.name not in {t.name for t in graph.initializer}]
    if len(feeds) != 1:
        return f"takes {len(feeds)} inputs"
    tensor = feeds[0].type.tensor_type
    dims = [d.dim_value if d.HasField("dim_value") else None for d in tensor.shape.dim]
    if tensor.elem_type != onnx.TensorProto.FLOAT or len(dims) != 4 or any(
            size not in (None, want) for size, want in zip(dims[1:], (1, 16, 16))):
        shape = ", ".join("?" if d is None else str(d) for d in dims)
        return f"takes {onnx.helper.tensor_dtype_to_np_dtype(tensor.elem_type)} ({shape})"
    return None


def _has_external_data(path: Path) -> bool:
    """Whether any initializer of the file lives in another file (read without loading that file)."""
    import onnx

    graph = onnx.load(str(path), load_external_data=False).graph
    return any(t.data_location == onnx.TensorProto.EXTERNAL for t in graph.initializer)


def browser_problem() -> str | None:
    """Why ``run_page`` cannot run here (no browser, or no Playwright), or None when it can."""
    import importlib.util

    if find_chromium() is None:
        return "no Chromium or Chrome here (Debian: apt-get install -y chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install playwright; it drives the browser you have)"
    return None


@dataclass
class PageRun:
    """What the page computed in the browser: ``logits`` (n, 4) per test image, or one drawing's result."""

    model: str
    logits: np.ndarray
    ms_per_image: float | None = None
    drawing: dict[str, Any] | None = field(default=None, repr=False)
    console_errors: list[str] = field(default_factory=list, repr=False)

    def __str__(self) -> str:
        timing = "" if self.ms_per_image is None else f", {self.ms_per_image:.3f} ms per image"
        return f"PageRun({self.model}: logits {self.logits.shape}{timing})"


def run_page(url: str, model: str, *, strokes: list[tuple[int, int, int, int]] | None = None, repeats: int = 20,
             browser_path: str | None = None, timeout_s: float = 60, screenshot: str | Path | None = None) -> PageRun:
    """Open the served page in headless Chromium and use it as a visitor would, with the mouse.

    Without ``strokes``: choose ``model`` and press "Run the test images" (each image once, then ``repeats`` timed
    passes). With ``strokes`` (x0, y0, x1, y1 on the 160x160 canvas): draw each line with the mouse button held,
    press "Classify", and return the drawing's result, with the canvas's red channel in ``drawing["canvas"]``.
    ``screenshot``: a .png path for a picture of the page at the end (for readers without a kernel). Playwright's synchronous API cannot run inside a notebook's event loop, so the browser runs in a thread.
    """
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ValueError(f"url is the page's address, such as http://127.0.0.1:8000/index.html, got {url!r}.")
    if isinstance(repeats, bool) or not isinstance(repeats, numbers.Integral) or repeats < 1:
        raise ValueError(f"repeats is how many timed passes over the test images, a whole number of at least 1, "
                         f"got {repeats!r}.")
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, numbers.Real) or not 0 < timeout_s <= 3600:
        raise ValueError(f"timeout_s is how long to wait for the page, in seconds (such as 60), got {timeout_s!r}.")
    if strokes is not None and (not isinstance(strokes, (list, tuple)) or not strokes or not all(
            isinstance(s, (list, tuple)) and len(s) == 4 and all(isinstance(v, numbers.Real) for v in s)
            for s in strokes)):  # pass 12: "not enough values to unpack"
        raise ValueError(f"strokes is a list of lines (x0, y0, x1, y1) on the 160x160 canvas, such as "
                         f"[(40, 80, 120, 80)], got {strokes!r}.")
    labels = _page_models(url)
    if labels is not None and model not in labels:  # pass 12: a 60 s wait, then Playwright's raw timeout
        raise ValueError(f"The page has the models {labels}, not {model!r}: prepare_site(..., {{{model!r}: path}}) "
                         "adds one.")
    if screenshot is not None:
        screenshot = as_path(screenshot, "run_page's screenshot")
        if screenshot.suffix != ".png" or not screenshot.parent.is_dir():
            raise ValueError(f"screenshot is a .png path in an existing folder, got {str(screenshot)!r}.")
    browser_path = browser_path or find_chromium()
    if browser_path is None:
        raise RuntimeError("No Chromium or Chrome found: install one (Debian: apt-get install -y chromium).")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(_run_page, url, model, strokes, repeats, browser_path, timeout_s, screenshot).result()


def _page_models(url: str) -> list[str] | None:
    """The files and labels in the site's models.json, beside the page (None where it cannot be read: the page
    will say)."""
    import urllib.request
    from urllib.parse import urljoin

    try:
        with urllib.request.urlopen(urljoin(url, "models.json"), timeout=5) as response:
            return [name for entry in json.loads(response.read()) for name in (entry["file"], entry["label"])]
    except Exception:  # noqa: BLE001 - no server yet, another page: the browser's own error is clearer then
        return None


_READY = "window.coursePage && (window.coursePage.ready || window.coursePage.error !== undefined)"


def _run_page(url: str, model: str, strokes: Any, repeats: int, browser_path: str, timeout_s: float,
              screenshot: Path | None) -> PageRun:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 760, "height": 520})
            page.set_default_timeout(timeout_s * 1000)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{url}{'&' if '?' in url else '?'}repeats={repeats}")
            page.wait_for_function(_READY)
            if not page.evaluate("window.coursePage.ready"):
                raise RuntimeError(f"The page could not start: {page.evaluate('window.coursePage.error')}")
            page.select_option("#model", model)
            key = "lastTestRun" if strokes is None else "lastDrawing"
            page.evaluate(f"window.coursePage.{key} = null; window.coursePage.lastError = undefined")
            if strokes is None:
                page.click("#test")
            else:
                box = page.locator("#pad").bounding_box()
                left, top = box["x"] + 1, box["y"] + 1  # inside the canvas's 1-pixel border
                for x0, y0, x1, y1 in strokes:
                    page.mouse.move(left + x0, top + y0)
                    page.mouse.down()
                    page.mouse.move(left + x1, top + y1, steps=8)
                    page.mouse.up()
                page.click("#classify")
            page.wait_for_function(f"window.coursePage.{key} || window.coursePage.lastError !== undefined")
            if page.evaluate("window.coursePage.lastError !== undefined"):
                raise RuntimeError(f"The page failed: {page.evaluate('window.coursePage.lastError')}")
            result = page.evaluate(f"window.coursePage.{key}")
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=True)
            if strokes is None:
                return PageRun(model, np.asarray(result["logits"], np.float32), result["msPerImage"],
                               console_errors=errors)
            result["canvas"] = page.evaluate("""() => { const c = document.getElementById('pad');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                return Array.from({ length: c.width * c.height }, (_, i) => d[4 * i]); }""")
            return PageRun(model, np.asarray([result["logits"]], np.float32), drawing=result, console_errors=errors)
        finally:
            browser.close()
