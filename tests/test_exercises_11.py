"""Notebook 11's exercise checks: each accepts the notebook's answer and rejects the shortcut it names."""

from __future__ import annotations

import shutil
from typing import Annotated

import numpy as np
import pytest
import torch
from fastapi import FastAPI
from pydantic import BaseModel, Field

from helpers import exercises, serving
from helpers.exercises import checks_11
from helpers.export import export_model
from helpers.shapes import make_shapes_data, make_small_cnn

SOLUTION = """
function topK(probabilities, k) {
  return probabilities.map((p, i) => [i, p]).sort((a, b) => b[1] - a[1]).slice(0, k);
}
"""
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


def _js(tmp_path, text: str):
    """``text`` saved as topk.js beside a page, as in the site folder webpage.prepare_site writes."""
    for name in ("index.html", ".prepared-by-helpers"):
        (tmp_path / name).write_text("")
    path = tmp_path / "topk.js"
    path.write_text(text)
    return path


@needs_node
def test_topk_solution_passes(tmp_path) -> None:
    assert exercises.check_topk_js(_js(tmp_path, SOLUTION)).passed is True
    assert exercises.check_topk_js(str(_js(tmp_path, SOLUTION))).passed is True
    elsewhere = tmp_path / "artifacts"  # pass 21: saved beside the other artifacts, where no page loads it
    elsewhere.mkdir()
    (elsewhere / "topk.js").write_text(SOLUTION)
    message = exercises.check_topk_js(elsewhere / "topk.js").message
    assert "holds no page" in message and "site.folder / 'topk.js'" in message, message


@needs_node
@pytest.mark.parametrize("body, hint", [
    # sort() without a compare function: numbers compared as text, so 1e-7 ranks above 0.6
    ("return probabilities.map((p, i) => [i, p]).sort((a, b) => String(b[1]).localeCompare(String(a[1]))).slice(0, k);",
     "compares numbers as text"),
    ("const s = probabilities.slice().sort().reverse(); return s.slice(0, k).map(p => [probabilities.indexOf(p), p]);",
     "compares numbers as text"),
    # sorting the caller's array in place
    ("probabilities.sort((a, b) => b - a); return probabilities.slice(0, k).map((p, i) => [i, p]);",
     "reordered the caller's array"),
    # indices lost
    ("return probabilities.slice().sort((a, b) => b - a).slice(0, k);", "pairs"),
    # ascending
    ("return probabilities.map((p, i) => [i, p]).sort((a, b) => a[1] - b[1]).slice(0, k);", "expected"),
    # pass 12: a compare function that answers true/false, or never 0 on ties, got the "as text" hint
    ("return probabilities.map((p, i) => [i, p]).sort((a, b) => a[1] < b[1]).slice(0, k);", "must return a number"),
    ("return probabilities.map((p, i) => [i, p]).sort((a, b) => b[1] > a[1] ? 1 : -1).slice(0, k);",
     "must return a number"),
    # pass 14: a compare function that breaks ties the wrong way got the "no compare function" hint
    ("return probabilities.map((p, i) => [i, p]).sort((a, b) => b[1] - a[1] || b[0] - a[0]).slice(0, k);",
     "equal values in index order"),
    # pass 17: string indices and swapped pairs got the sort-order hint
    ("return Object.entries(probabilities).sort((a, b) => b[1] - a[1]).slice(0, k);", "the indices are text"),
    ("return probabilities.map((p, i) => [p, i]).sort((a, b) => b[0] - a[0]).slice(0, k);",
     "each pair is [probability, index]"),
    # pass 21: 1-based indices got the sort-order hint
    ("return probabilities.map((p, i) => [i + 1, p]).sort((a, b) => b[1] - a[1]).slice(0, k);", "one too large"),
    # pass 20: null slots past the end got the pair-format hint
    ("const s = probabilities.map((p, i) => [i, p]).sort((a, b) => b[1] - a[1]); "
     "return Array.from({length: k}, (_, j) => s[j] ?? null);", "null entries"),
    # exactly k entries even when the list is shorter
    ("const s = probabilities.map((p, i) => [i, p]).sort((a, b) => b[1] - a[1]); "
     "return Array.from({length: k}, (_, j) => s[j] || [0, 0]);", "all of them when k is larger"),
])
def test_topk_shortcuts_are_rejected_with_their_reason(tmp_path, body, hint) -> None:
    result = exercises.check_topk_js(_js(tmp_path, f"function topK(probabilities, k) {{ {body} }}"))
    assert result.passed is False and hint in result.message, result.message


@needs_node
def test_topk_file_problems_are_named(tmp_path) -> None:
    assert "topK(probabilities, k)" in exercises.check_topk_js(_js(tmp_path, "function topk(p, k) { return p; }")).message
    broken = exercises.check_topk_js(_js(tmp_path, "function topK(p, k) { return p.map( }"))
    assert broken.passed is False and "Node.js could not run your file" in broken.message
    assert "SyntaxError" in broken.message
    assert exercises.check_topk_js(tmp_path / "missing.js").passed is False
    assert exercises.check_topk_js(None).passed is None


@needs_node
def test_topk_that_never_returns_is_named_without_the_checkers_script(tmp_path, monkeypatch) -> None:
    def timed_out(command, **kwargs):  # what 30 s of `while (true) {}` ends in, without the wait (pass 12)
        raise checks_11.subprocess.TimeoutExpired(command, kwargs.get("timeout"))
    monkeypatch.setattr(checks_11.subprocess, "run", timed_out)
    endless = exercises.check_topk_js(_js(tmp_path, "function topK(p, k) { while (true) {} }"))
    assert endless.passed is False and "loop that never ends" in endless.message and "vm" not in endless.message


def test_topk_without_node_is_not_judged(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(checks_11.shutil, "which", lambda name: None)
    result = exercises.check_topk_js(_js(tmp_path, SOLUTION))
    assert result.passed is None and "install Node.js" in result.message


Row = Annotated[list[float], Field(min_length=16, max_length=16)]
Image = Annotated[list[Row], Field(min_length=16, max_length=16)]


class Bounded(BaseModel):
    images: Annotated[list[Image], Field(min_length=1, max_length=64)]


class Unbounded(BaseModel):
    images: list[Image]


class Loose(BaseModel):
    images: list


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One server, one prefix per answer: the solution and each shortcut."""
    path = tmp_path_factory.mktemp("ex11") / "shapes_cnn.onnx"
    export_model(make_small_cnn(seed=0), torch.randn(2, 1, 16, 16), path)
    import onnxruntime as ort

    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    run = lambda x: session.run(None, {"features": np.asarray(x, np.float32)[:, None]})[0]  # noqa: E731
    app = FastAPI()

    @app.post("/good/predict_batch")
    def good(batch: Bounded):
        return {"logits": run(batch.images).tolist()}

    @app.post("/first_only/predict_batch")
    def first_only(batch: Bounded):
        return {"logits": run(batch.images[:1]).tolist()}

    @app.post("/probabilities/predict_batch")
    def probabilities(batch: Bounded):
        logits = run(batch.images)
        return {"logits": (np.exp(logits) / np.exp(logits).sum(1, keepdims=True)).tolist()}

    @app.post("/unbounded/predict_batch")
    def unbounded(batch: Unbounded):
        return {"logits": run(batch.images).tolist() if batch.images else []}

    @app.post("/loose/predict_batch")
    def loose(batch: Loose):
        return {"logits": run(batch.images).tolist()}  # bad input fails inside the model: 500

    @app.post("/dicts/predict_batch")
    def dicts(batch: Bounded):  # pass 16: a dict per image gave float()'s TypeError
        return {"logits": [{"class": int(row.argmax()), "logits": row.tolist()} for row in run(batch.images)]}

    @app.post("/slash/predict_batch/")
    def slash(batch: Bounded):  # pass 18: FastAPI's 307 redirect was told to add the route
        return {"logits": run(batch.images).tolist()}

    @app.post("/other_file/predict_batch")
    def other_file(batch: Bounded):  # pass 18 (K49): the server runs the int8 file, the check was given fp32
        return {"logits": (run(batch.images) + 0.05).tolist()}

    @app.post("/bare_list/predict_batch")
    def bare_list(images: list[Image]):  # pass 21: a bare-list parameter, FastAPI's 422, was told to add the route
        return {"logits": run(images).tolist()}

    @app.post("/created/predict_batch", status_code=201)
    def created(batch: Bounded):  # pass 21: 201 was told to add the route
        return {"logits": run(batch.images).tolist()}

    @app.post("/one_by_one/predict_batch")
    def one_by_one(batch: Bounded):  # pass 23: a run per image passed ("the check cannot count your runs")
        return {"logits": [run([image])[0].tolist() for image in batch.images]}

    @app.post("/stale/predict_batch")
    def stale(batch: Unbounded):  # pass 25: the first version of the cell, still answering...
        return {"logits": run(batch.images).tolist() if batch.images else []}

    @app.post("/stale/predict_batch")
    def stale_fixed(batch: Bounded):  # ...after the fixed cell added its route again, unreachable
        return {"logits": run(batch.images).tolist()}

    @app.get("/static/predict_batch")
    def static():  # pass 16: a page server's address (no POST) was told to add the route
        return {}

    running = serving.serve_in_thread(app)
    yield running.url, path
    running.stop()


@pytest.fixture(scope="module")
def test_images():
    return make_shapes_data(8, seed=1)


def test_batch_endpoint_solution_passes(served, test_images) -> None:
    url, path = served
    assert exercises.check_batch_endpoint(url + "/good", path, test_images).passed is True
    assert exercises.check_batch_endpoint(url + "/good/", path, test_images).passed is True
    assert exercises.check_batch_endpoint(url + "/good/predict_batch", path, test_images).passed is True  # pass 12


def test_batch_endpoint_check_does_not_blame_the_student_for_the_notebooks_objects(served, test_images,
                                                                                    linear_onnx) -> None:
    url, path = served  # pass 12: another model's file gave a raw error, a test set of 3 a wrong verdict
    for onnx_path, test in ((linear_onnx, test_images), (path, make_shapes_data(3, seed=1))):
        result = exercises.check_batch_endpoint(url + "/good", onnx_path, test)
        assert result.passed is None and "notebook's own objects" in result.message, result.message


@pytest.mark.parametrize("prefix, hint", [
    ("/first_only", "one row per image"),
    ("/probabilities", "logits, not probabilities"),
    ("/unbounded", "an empty batch"),
    ("/loose", "answered 500"),
    ("/nothing", "add @app.post"),
    ("/dicts", "list of 4 numbers"),
    ("/static", "Declare it with @app.post, not @app.get"),  # pass 18: a GET route is FastAPI's own 405
    ("/slash", "a redirect"),
    ("/other_file", "two different files"),
    ("/bare_list", "its parameter does not take that body"),
    ("/created", "another status than 200"),
    ("/one_by_one", "called run 5 times"),
    ("/stale", "an older route answers"),
])
def test_batch_endpoint_shortcuts_are_rejected(served, test_images, prefix, hint) -> None:
    url, path = served
    result = exercises.check_batch_endpoint(url + prefix, path, test_images)
    assert result.passed is False and hint in result.message, result.message


def test_batch_endpoint_check_leaves_onnxruntime_as_it_was(served, test_images) -> None:
    import onnxruntime as ort

    url, path = served
    before = ort.InferenceSession.__dict__.get("run"), ort.InferenceSession.run
    exercises.check_batch_endpoint(url + "/one_by_one", path, test_images)
    assert (ort.InferenceSession.__dict__.get("run"), ort.InferenceSession.run) == before


def test_batch_endpoint_answers_that_are_not_a_running_server(served, test_images, free_port) -> None:
    _, path = served
    down = exercises.check_batch_endpoint(f"http://127.0.0.1:{free_port}", path, test_images)
    assert down.passed is False and "still running" in down.message
    assert "server's address" in exercises.check_batch_endpoint(path, path, test_images).message
    assert exercises.check_batch_endpoint(None, path, test_images).passed is None
    assert exercises.check_batch_endpoint("http://127.0.0.1:1", path, None).passed is None  # the notebook's, not judged


class AtMostFive(BaseModel):
    images: Annotated[list[Image], Field(min_length=1, max_length=5)]


class AnyRows(BaseModel):
    images: Annotated[list[Annotated[list[list[float]], Field(min_length=16, max_length=16)]], Field(min_length=1, max_length=64)]


@pytest.fixture(scope="module")
def served_bounds(served):
    """Answers that get the bounds wrong: too few images allowed, rows of any length accepted."""
    _, path = served
    import onnxruntime as ort

    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    app = FastAPI()

    @app.post("/five/predict_batch")
    def five(batch: AtMostFive):
        return {"logits": session.run(None, {"features": np.asarray(batch.images, np.float32)[:, None]})[0].tolist()}

    @app.post("/rows/predict_batch")
    def rows(batch: AnyRows):
        x = np.zeros((len(batch.images), 1, 16, 16), np.float32)
        for i, image in enumerate(batch.images):
            for r, row in enumerate(image):
                x[i, 0, r, :len(row)] = row[:16]
        return {"logits": session.run(None, {"features": x})[0].tolist()}

    running = serving.serve_in_thread(app)
    yield running.url
    running.stop()


@pytest.mark.parametrize("prefix, hint", [("/five", "64 images answered 422"), ("/rows", "rows of 15 numbers")])
def test_batch_endpoint_bounds_are_checked_both_ways(served, served_bounds, test_images, prefix, hint) -> None:
    result = exercises.check_batch_endpoint(served_bounds + prefix, served[1], test_images)
    assert result.passed is False and hint in result.message, result.message


@needs_node
@pytest.mark.parametrize("body, hint", [  # pass 16
    ("function topK(p, k) { return p.map((v, i) => [i, Math.round(v * 100) / 100]).sort((a, b) => b[1] - a[1])"
     ".slice(0, k); }", "no rounding"),
    ("function topK(p, k) { if (k > p.length) throw new RangeError('k too large'); "
     "return p.map((v, i) => [i, v]).sort((a, b) => b[1] - a[1]).slice(0, k); }", "threw RangeError: k too large"),
    ("async function topK(p, k) { return p.map((v, i) => [i, v]).sort((a, b) => b[1] - a[1]).slice(0, k); }",
     "must not be async"),
])
def test_pass_16_topk_slips_are_named(tmp_path, body, hint) -> None:
    result = exercises.check_topk_js(_js(tmp_path, body))
    assert result.passed is False and hint in result.message, result.message


@needs_node
def test_a_topk_file_never_written_is_named_missing(tmp_path) -> None:
    result = exercises.check_topk_js(tmp_path / "site" / "topk.js")
    assert result.passed is False and "There is no file at" in result.message, result.message


@needs_node
def test_a_topk_defined_on_window_passes_and_a_page_global_is_named(tmp_path) -> None:  # pass 17
    body = "window.topK = (p, k) => p.map((v, i) => [i, v]).sort((a, b) => b[1] - a[1]).slice(0, k);"
    assert exercises.check_topk_js(_js(tmp_path, body)).passed
    touches = "document.title = 'x';\nfunction topK(p, k) { return p.map((v, i) => [i, v]).slice(0, k); }"
    message = exercises.check_topk_js(_js(tmp_path, touches)).message
    assert "page's document" in message and "would stop there too" not in message, message


@needs_node
def test_topk_file_must_be_the_one_the_page_loads_and_must_return(tmp_path) -> None:
    """Pass 18: artifacts/top_k.js passed (no page loads it); a topK without return raised KeyError."""
    other = tmp_path / "top_k.js"
    other.write_text(SOLUTION)
    assert "loads a file named topk.js" in exercises.check_topk_js(other).message
    result = exercises.check_topk_js(_js(tmp_path, "function topK(probabilities, k) { probabilities.slice(0, k); }"))
    assert result.passed is False and "returned undefined" in result.message, result.message


@needs_node
def test_topk_without_any_sort_gets_the_order_hint_not_the_text_sort_hint(tmp_path) -> None:
    """Pass 18: a selection loop (no sort) putting ties in reverse index order was told sort() compares as text."""
    body = ("const left = probabilities.map((p, i) => [i, p]), out = []; "
            "while (out.length < k && left.length) { let best = 0; "
            "for (let j = 1; j < left.length; j++) if (left[j][1] >= left[best][1]) best = j; "
            "out.push(left.splice(best, 1)[0]); } return out;")
    result = exercises.check_topk_js(_js(tmp_path, f"function topK(probabilities, k) {{ {body} }}"))
    assert result.passed is False and "equal values in index order" in result.message, result.message
