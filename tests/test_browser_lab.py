"""JupyterLab in a real browser: open a course notebook in headless Chromium, run all cells, check what shows."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-output"
LOOPBACK = "http://127.0.0.1:"


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (see .ci/run)")
        pytest.skip("no chromium here: apt-get install -y chromium")
    return path


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _copy_without_outputs(name: str, folder: Path) -> None:
    """Start clean, so every output on screen comes from this run."""
    notebook = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    (folder / name).write_text(json.dumps(notebook), encoding="utf-8")


@pytest.fixture
def lab(tmp_path, free_port: int, wait_until):
    """JupyterLab on 127.0.0.1 with a random token, serving an empty folder (each test copies its notebook in)."""
    port, token = free_port, secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / ".runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / ".config"))
    log = (tmp_path / "lab.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={tmp_path}", "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        status = f"http://127.0.0.1:{port}/api/status?token={token}"
        wait_until(lambda: _answers(status), process, f"JupyterLab to answer at {status}", timeout=90)
        yield f"http://127.0.0.1:{port}", token, tmp_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _open_browser(p, viewport: dict):
    browser = p.chromium.launch(executable_path=_chromium(), args=[
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
    page = browser.new_page(viewport=viewport)
    # Only loopback servers may be reached: JupyterLab, and the Netron servers the notebook starts on other
    # ports. Everything else (Netron's telemetry, web fonts) is blocked.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(LOOPBACK) else route.abort())
    return browser, page


def _run_all_cells(page, base: str, token: str, name: str, timeout: float) -> list[str]:
    """Open ``name``, Run All Cells, wait until every cell has run, save; returns the stderr outputs' texts."""
    page.goto(f"{base}/lab/tree/{name}?token={token}")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    select = page.get_by_role("button", name="Select", exact=True)
    try:  # JupyterLab may ask which kernel to start
        select.wait_for(timeout=10_000)
        select.click()
    except Exception:  # playwright's TimeoutError: no dialog this time
        pass
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=60_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # textContent, not innerText: JupyterLab skips rendering off-screen cells (content-visibility)
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").evaluate_all("els => els.map(e => e.textContent)")
        if prompts and all(text.strip()[1:-2].isdigit() for text in prompts):  # "[12]:", not "[*]:" or "[ ]:"
            break
        time.sleep(1)
    else:
        pytest.fail(f"the cells did not finish running: {prompts}")
    # Save with the toolbar button, not Ctrl+S: a Netron frame in the output may hold the keyboard focus.
    page.locator(".jp-NotebookPanel-toolbar [data-command='docmanager:save']").first.click()
    page.locator(".lm-TabBar-tab.jp-mod-dirty").first.wait_for(state="detached", timeout=30_000)
    return page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").evaluate_all(
        "els => els.map(e => e.textContent)")


def _check_saved_run(folder: Path, name: str, errors: list[str], correct: str) -> None:
    assert not [e for e in errors if "Error" in e or "Traceback" in e], errors
    saved = json.loads((folder / name).read_text(encoding="utf-8"))
    code = [c for c in saved["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] for c in code), "JupyterLab did not run (or save) every cell"
    assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert any(correct in "".join(o.get("data", {}).get("text/plain", "")) for c in code for o in c["outputs"])


@pytest.mark.browser
def test_notebook_01_runs_without_errors_in_jupyterlab(lab) -> None:
    from playwright.sync_api import sync_playwright

    base, token, folder = lab
    name = "01_define_and_train.ipynb"
    _copy_without_outputs(name, folder)
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser, page = _open_browser(p, {"width": 1400, "height": 1000})
        errors = _run_all_cells(page, base, token, name, timeout=180)
        page.locator(".jp-CodeCell").last.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "jupyterlab_notebook_01.png"))
        browser.close()
    _check_saved_run(folder, name, errors, "Exercise 01.1: ✅ correct")


@pytest.mark.browser
def test_notebook_03_shows_the_gemm_node_in_netron_after_run_all(lab) -> None:
    """After Run All, every Netron frame in notebook 03 still draws the Linear model's Gemm node."""
    from playwright.sync_api import sync_playwright

    base, token, folder = lab
    name = "03_inspect_the_graph.ipynb"
    _copy_without_outputs(name, folder)
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser, page = _open_browser(p, {"width": 1400, "height": 1000})
        errors = _run_all_cells(page, base, token, name, timeout=420)
        frames = page.locator(".jp-OutputArea-output iframe")
        sources = frames.evaluate_all("els => els.map(e => e.src)")
        assert len(sources) == 2 and all(s.startswith(LOOPBACK) and not s.startswith(base) for s in sources), sources
        for index in range(len(sources)):
            frames.nth(index).scroll_into_view_if_needed()
            netron = frames.nth(index).content_frame
            accept = netron.locator("#message-button")  # Netron's cookie notice; gone once a frame accepted it
            try:
                accept.wait_for(state="visible", timeout=15_000)
                accept.click()
            except Exception:  # playwright's TimeoutError: no notice in this frame
                pass
            gemm = netron.locator("#canvas g.node", has_text="Gemm")
            gemm.first.wait_for(timeout=60_000)
            assert gemm.count() == 1, f"frame {sources[index]} draws {gemm.count()} Gemm nodes"
        page.screenshot(path=str(SCREENSHOTS / "jupyterlab_notebook_03_netron.png"))
        browser.close()
    _check_saved_run(folder, name, errors, "Exercise 03.1: ✅ correct")
