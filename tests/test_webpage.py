"""helpers.webpage and notebook 11's page: the site folder, and the page itself in headless Chromium."""

from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import torch

from helpers import webpage
from helpers.export import export_model
from helpers.optimize import quantize_static_int8
from helpers.shapes import make_shapes_data, make_small_cnn

GOOD_TYPES = {".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
              ".json": "application/json", ".onnx": "application/octet-stream"}
TOPK_SOLUTION = "function topK(p, k) { return p.map((v, i) => [i, v]).sort((a, b) => b[1] - a[1]).slice(0, k); }\n"


def _need(condition: bool, what: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide {what} (see .ci/run and the Makefile's setup)")
        pytest.skip(f"no {what} here")


@pytest.fixture(scope="module")
def model_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("page-models")
    cnn = make_small_cnn(seed=3)  # untrained is enough: the page must reproduce whatever the file computes
    fp32 = export_model(cnn, torch.randn(2, 1, 16, 16), folder / "shapes_cnn.onnx").path
    int8 = quantize_static_int8(fp32, folder / "shapes_cnn_int8.onnx", make_shapes_data(64, seed=0).images.numpy())
    return cnn, fp32, int8


def _serve(folder, types):
    handler = type("Handler", (SimpleHTTPRequestHandler,), {"extensions_map": types, "log_message": lambda *a: None})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=folder))
    server.handle_error = lambda *a: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/index.html"


@pytest.fixture(scope="module")
def site(model_files, tmp_path_factory):
    _need(webpage.onnxruntime_web_dist() is not None, "onnxruntime-web (npm ci in helpers/web)")
    _, fp32, int8 = model_files
    built = webpage.prepare_site(tmp_path_factory.mktemp("site"), {"fp32": fp32, "int8": int8},
                                 make_shapes_data(6, seed=1).images)
    assert built.ready, built.missing
    server, url = _serve(built.folder, GOOD_TYPES)
    yield built, url
    server.shutdown()


def test_prepare_site_copies_the_page_runtime_models_and_images(site) -> None:
    built, _ = site
    names = sorted(str(p.relative_to(built.folder)) for p in built.folder.rglob("*") if p.is_file())
    assert names == [".prepared-by-helpers", "index.html", "models.json", "models/shapes_cnn.onnx", "models/shapes_cnn_int8.onnx",
                     "ort/ort-wasm-simd-threaded.mjs", "ort/ort-wasm-simd-threaded.wasm", "ort/ort.wasm.min.js",
                     "page.js", "test_images.json"]
    assert built.models == ["shapes_cnn.onnx", "shapes_cnn_int8.onnx"] and "2 models" in str(built)


def test_prepare_site_refuses_what_the_page_cannot_load(model_files, tmp_path) -> None:
    _, fp32, _ = model_files
    with pytest.raises(ValueError, match="models maps a label"):
        webpage.prepare_site(tmp_path / "a", {}, np.zeros((1, 1, 16, 16), np.float32))
    with pytest.raises(ValueError, match=r"\(n, 1, 16, 16\)"):
        webpage.prepare_site(tmp_path / "b", {"fp32": fp32}, np.zeros((16, 16), np.float32))
    bytes_images = (make_shapes_data(2, seed=0).images.clamp(0, 1) * 255).to(torch.uint8)  # pass 8: accepted
    with pytest.raises(TypeError, match="Divide bytes by 255"):
        webpage.prepare_site(tmp_path / "d", {"fp32": fp32}, bytes_images)
    with pytest.raises(ValueError, match="look like 0-255 pixels"):
        webpage.prepare_site(tmp_path / "e", {"fp32": fp32}, bytes_images.float())
    assert not (tmp_path / "d").exists() and not (tmp_path / "e").exists()  # refused before writing anything
    import onnx

    with_data = tmp_path / "big.onnx"
    onnx.save(onnx.load(str(fp32)), str(with_data), save_as_external_data=True, all_tensors_to_one_file=True,
              location="big.onnx.data", size_threshold=0)  # torch.onnx.export's default layout
    with pytest.raises(ValueError, match="externalData"):
        webpage.prepare_site(tmp_path / "c", {"big": with_data}, np.zeros((1, 1, 16, 16), np.float32))


def test_without_npm_the_site_says_what_is_missing(model_files, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(webpage, "PAGE_DIR", tmp_path / "no-page-dir")
    monkeypatch.setattr(webpage, "PAGE_FILES", ())
    monkeypatch.setattr(webpage.shutil, "which", lambda name: None)
    built = webpage.prepare_site(tmp_path / "site", {"fp32": model_files[1]}, np.zeros((1, 1, 16, 16), np.float32))
    assert not built.ready and "npm is not installed" in built.missing and "cannot run here" in str(built)


@pytest.mark.browser
def test_the_page_matches_pytorch_in_fp32_and_onnxruntime_in_int8(site, model_files) -> None:
    _need(webpage.find_chromium() is not None, "Debian's chromium")
    cnn, _, int8 = model_files
    built, url = site
    images = make_shapes_data(6, seed=1).images
    fp32_run = webpage.run_page(url, "shapes_cnn.onnx", repeats=2)
    assert fp32_run.console_errors == [] or all("topk.js" in e or "404" in e for e in fp32_run.console_errors)
    with torch.no_grad():
        assert np.abs(fp32_run.logits - cnn(images).numpy()).max() < 1e-4
    assert fp32_run.logits.shape == (6, 4) and fp32_run.ms_per_image > 0
    import onnxruntime as ort

    python_int8 = ort.InferenceSession(int8, providers=["CPUExecutionProvider"]).run(None, {"features": images.numpy()})[0]
    int8_run = webpage.run_page(url, "shapes_cnn_int8.onnx", repeats=1)
    assert (int8_run.logits.argmax(1) == python_int8.argmax(1)).all()
    assert np.abs(int8_run.logits - python_int8).max() < 0.05


@pytest.mark.browser
def test_a_mouse_drawing_becomes_the_models_input_and_topk_js_adds_its_line(site, model_files, tmp_path) -> None:
    _need(webpage.find_chromium() is not None, "Debian's chromium")
    import onnxruntime as ort

    _, fp32, _ = model_files
    built, url = site
    (built.folder / "topk.js").unlink(missing_ok=True)
    cross = [(30, 80, 130, 80), (80, 30, 80, 130)]  # drawn with the mouse, button held
    plain = webpage.run_page(url, "shapes_cnn.onnx", strokes=cross)
    canvas = np.asarray(plain.drawing["canvas"], np.float32).reshape(160, 160) / 255
    blocks = canvas.reshape(16, 10, 16, 10).mean(axis=(1, 3))  # what page.js must feed: 10x10 block means
    pixels = np.asarray(plain.drawing["pixels"], np.float32).reshape(16, 16)
    assert canvas.max() == 1.0 and np.abs(pixels - blocks).max() < 1e-6
    session = ort.InferenceSession(fp32, providers=["CPUExecutionProvider"])
    python_logits = session.run(None, {"features": pixels[None, None]})[0]
    assert np.abs(plain.logits - python_logits).max() < 1e-4
    assert plain.drawing["top"] == ""  # no topk.js: no top-k line
    assert all("topk.js" in e or "404" in e for e in plain.console_errors), plain.console_errors
    (built.folder / "topk.js").write_text(TOPK_SOLUTION)
    with_topk = webpage.run_page(url, "shapes_cnn.onnx", strokes=cross, screenshot=tmp_path / "page.png")
    assert (tmp_path / "page.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert with_topk.drawing["top"].startswith("Top 3: ") and with_topk.drawing["top"].count("%") == 3
    assert with_topk.console_errors == []
    first = with_topk.drawing["top"].removeprefix("Top 3: ").split(" (")[0]
    from helpers.shapes import SHAPE_CLASSES
    assert first == SHAPE_CLASSES[int(np.argmax(with_topk.drawing["probabilities"]))]


@pytest.mark.browser
def test_a_stroke_ends_when_the_button_is_released_outside_the_canvas(site) -> None:
    _need(webpage.find_chromium() is not None, "Debian's chromium")
    from playwright.sync_api import sync_playwright

    _, url = site
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=webpage.find_chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(url)
            page.wait_for_function("window.coursePage && window.coursePage.ready")
            box = page.locator("#pad").bounding_box()
            page.mouse.move(box["x"] + 40, box["y"] + 40)
            page.mouse.down()
            page.mouse.move(box["x"] + 400, box["y"] + 40, steps=5)  # out of the canvas
            page.mouse.up()
            ink = "(() => { const d = document.getElementById('pad').getContext('2d').getImageData(0, 0, 160, 160)" \
                  ".data; let s = 0; for (let i = 0; i < d.length; i += 4) s += d[i]; return s; })()"
            before = page.evaluate(ink)
            page.mouse.move(box["x"] + 40, box["y"] + 120, steps=5)  # back in, no button held
            assert page.evaluate(ink) == before > 0
        finally:
            browser.close()


@pytest.mark.browser
def test_a_server_that_calls_the_module_loader_text_breaks_the_page(site) -> None:
    """The notebook's claim: the .mjs loader must be served as JavaScript, or the runtime cannot start."""
    _need(webpage.find_chromium() is not None, "Debian's chromium")
    built, _ = site
    server, url = _serve(built.folder, {**GOOD_TYPES, ".mjs": "text/plain"})
    try:
        with pytest.raises(RuntimeError, match="could not start"):
            webpage.run_page(url, "shapes_cnn.onnx", timeout_s=30)
    finally:
        server.shutdown()


def test_run_page_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="page's address"):
        webpage.run_page("index.html", "shapes_cnn.onnx")
    with pytest.raises(ValueError, match="repeats"):
        webpage.run_page("http://127.0.0.1:1/index.html", "m.onnx", repeats=0)



@pytest.mark.browser
def test_more_wasm_threads_without_cross_origin_isolation_fall_back_to_one(site) -> None:
    """The notebook's claim: without COOP/COEP headers onnxruntime-web warns and runs one thread."""
    _need(webpage.find_chromium() is not None, "Debian's chromium")
    from playwright.sync_api import sync_playwright

    built, url = site
    (built.folder / "threads.html").write_text(
        '<script src="ort/ort.wasm.min.js"></script><script>'
        'ort.env.wasm.wasmPaths = new URL("ort/", document.baseURI).href; ort.env.wasm.numThreads = 4;'
        'ort.InferenceSession.create("models/shapes_cnn.onnx").then(() => { window.done = '
        '{isolated: crossOriginIsolated, threads: ort.env.wasm.numThreads}; }, e => { window.done = {error: String(e)}; });'
        '</script>')
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=webpage.find_chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            page, warnings = browser.new_page(), []
            page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
            page.goto(url.replace("index.html", "threads.html"))
            page.wait_for_function("window.done !== undefined", timeout=30_000)
            assert page.evaluate("window.done") == {"isolated": False, "threads": 1}
        finally:
            browser.close()
    assert any("crossOriginIsolated" in w for w in warnings), warnings


def test_run_page_refuses_a_screenshot_it_cannot_write(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"\.png path"):
        webpage.run_page("http://127.0.0.1:1/index.html", "m.onnx", screenshot=tmp_path / "page.jpg")
    with pytest.raises(ValueError, match=r"\.png path"):
        webpage.run_page("http://127.0.0.1:1/index.html", "m.onnx", screenshot=tmp_path / "missing" / "page.png")


@pytest.mark.parametrize("notebook", ["11_leaving_python.ipynb", "ko/11_leaving_python.ipynb"])
def test_notebook_11_carries_the_committed_page_picture(notebook) -> None:
    """Readers without a kernel (GitHub, Colab before running) see the page: the cell's attachment is the PNG."""
    import base64
    import json

    from helpers import course

    cells = json.loads((course.NOTEBOOKS_DIR / notebook).read_text(encoding="utf-8"))["cells"]
    shown = [c for c in cells if "](attachment:11_web_page.png)" in "".join(c["source"])]
    image = course.NOTEBOOKS_DIR / "images" / "11_web_page.png"
    assert len(shown) == 1 and base64.b64decode(shown[0]["attachments"]["11_web_page.png"]["image/png"]) == \
        image.read_bytes(), "run `python -m helpers.workshop sync` after changing the picture"


def test_browser_problem_names_what_is_missing(monkeypatch) -> None:
    """A laptop with Chrome but without Playwright must skip the browser cells, not crash in them."""
    import importlib.util

    monkeypatch.setattr(webpage, "find_chromium", lambda: None)
    assert "no Chromium" in webpage.browser_problem()
    monkeypatch.setattr(webpage, "find_chromium", lambda: "/usr/bin/chrome")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "playwright" else real(name, *a))
    assert "pip install playwright" in webpage.browser_problem()
    monkeypatch.setattr(importlib.util, "find_spec", real)
    assert webpage.browser_problem() is None
