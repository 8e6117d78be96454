"""Checks for the exercises of notebook 11 (leaving Python): the page's top-k function and a batch endpoint.

11.1 runs the student's JavaScript in Node.js, as the page would run it, with the inputs that catch the usual
slips: ``sort()`` without a compare function (it compares numbers as text, so 1e-7 outranks 0.6), sorting the
caller's array in place, indices lost, ``k`` larger than the list. 11.2 sends requests to the student's running
server: a batch answered row for row, and 4xx answers for an empty, oversized or malformed batch.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from ..i18n import tr
from .artifacts import _ort_session
from .verdict import ExerciseResult, _judge, _require, _Wrong

__all__ = ["check_topk_js", "check_batch_endpoint", "BATCH_PATH", "MAX_BATCH"]

BATCH_PATH, MAX_BATCH = "/predict_batch", 64

# (probabilities, k, expected [index, probability] pairs): the page's call, text-sort trap, ties, k too large.
_TOPK_CASES = [
    ([0.1, 0.6, 0.05, 0.25], 3, [[1, 0.6], [3, 0.25], [0, 0.1]]),
    ([0.6, 1e-7, 0.3, 0.0999999], 2, [[0, 0.6], [2, 0.3]]),
    ([0.25, 0.25, 0.25, 0.25], 2, [[0, 0.25], [1, 0.25]]),
    ([0.7, 0.3], 3, [[0, 0.7], [1, 0.3]]),
    ([0.2, 0.8], 0, []),
    ([0.123456, 0.654321, 0.222223], 2, [[1, 0.654321], [2, 0.222223]]),  # pass 16: rounded values passed
]
_NODE_SCRIPT = """
const vm = require("vm"), fs = require("fs");
globalThis.window = globalThis;  // a page's script may define window.topK (pass 17)
vm.runInThisContext(fs.readFileSync(process.argv[1], "utf8"));
if (typeof topK !== "function") { console.log(JSON.stringify({ error: "no function topK" })); process.exit(0); }
const results = JSON.parse(process.argv[2]).map(([p, k]) => {
  const copy = p.slice(); let out;
  try { out = topK(copy, k); } catch (error) { return { threw: String(error) }; }
  if (out && typeof out.then === "function") return { promise: true };
  return { out, changed: JSON.stringify(copy) !== JSON.stringify(p) };
});
console.log(JSON.stringify({ results }));
"""


def _run_node(path: Path) -> dict[str, Any]:
    cases = json.dumps([[p, k] for p, k, _ in _TOPK_CASES])
    try:
        done = subprocess.run(["node", "-e", _NODE_SCRIPT, str(path), cases], capture_output=True, text=True,
                              timeout=30)
    except subprocess.TimeoutExpired as error:  # pass 12: the checker's own script was printed
        raise _Wrong(tr("Your topK did not return within 30 seconds: look for a loop that never ends.")) from error
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if "Error" in line] or done.stderr.splitlines()[-1:]
        browser = next((name for name in ("document", "navigator", "localStorage") if f"{name} is not defined" in
                        done.stderr), None)
        if browser:  # pass 17: the page has them, so "a page would stop there too" was false
            raise _Wrong(tr("Your file uses the page's {name} when it loads, which the check (Node.js) does not have: "
                            "keep topk.js to the function topK, and leave the page to page.js.", name=browser))
        raise _Wrong(tr("Node.js could not run your file: {error}. Fix the JavaScript (a page would stop there too).",
                        error=(lines[0] if lines else "no message").strip()[:200]))
    return json.loads(done.stdout.strip().splitlines()[-1])


def _comparator(source: str) -> str | None:
    """How a sort() in ``source`` compares: "boolean" (a < or > answer), "function" (another compare function, e.g.
    one that also orders equal values), or None (no compare function: numbers are compared as text)."""
    found = None
    for match in re.finditer(r"\.sort\(\s*(?:function\s*\([^)]*\)\s*\{|\([^)]*\)\s*=>|\w+\s*=>)", source):
        body = source[match.end():match.end() + 160].split(";")[0].split("}")[0].split(")")[0].replace("=>", "")
        if re.search(r"[<>]", body):  # a subtraction (b[1] - a[1]) or localeCompare has neither
            return "boolean"
        found = None if "localeCompare" in body or "String(" in body else "function"
    return found


def check_topk_js(answer: Any, exercise: str = "11.1") -> ExerciseResult:
    """Exercise: ``topK(probabilities, k)`` in a .js file: the k largest as [index, probability], largest first."""
    if shutil.which("node") is None:
        return ExerciseResult(exercise, None, tr("Node.js is not installed here, so the JavaScript cannot be checked: "
                                                 "install Node.js (it brings npm too) and run this cell again."))

    def check() -> None:
        path = Path(str(answer).strip()).expanduser() if isinstance(answer, (str, Path)) else None  # ~, a space
        _require(path is None or path.suffix != ".js" or path.is_file(), tr(  # pass 16: the path was repeated back
            "There is no file at {path}: run the cell that writes it.", path=path))
        _require(path is not None and path.suffix == ".js" and path.is_file(),
                 tr("Answer with the path of the .js file your cell wrote (site.folder / 'topk.js'), got {answer!r}.",
                    answer=answer))
        _require(path.name == "topk.js", tr(  # pass 18: artifacts/top_k.js passed, which no page loads
            "The page loads a file named topk.js from its own folder (<script src=\"topk.js\">), not {name}: save "
            "your function as site.folder / 'topk.js'.", name=path.name))
        _require((path.parent / "index.html").is_file() and (path.parent / ".prepared-by-helpers").is_file(), tr(
            "{folder} holds no page: the page loads topk.js from its own folder, site.folder (where "
            "webpage.prepare_site wrote index.html). Save your function as site.folder / 'topk.js'.",
            folder=path.parent))  # pass 21: artifacts/topk.js passed, which no page loads
        report = _run_node(path)
        _require("error" not in report, tr("Your file does not define a function topK(probabilities, k): the page "
                                           "calls it by that name."))
        for (probabilities, k, expected), result in zip(_TOPK_CASES, report["results"]):
            name = f"topK({probabilities}, {k})"
            _require("threw" not in result, tr("{call} threw {error}: topK must answer any k (every pair when k is "
                                               "larger than the list, none for 0).", call=name,
                                               error=str(result.get("threw"))[:120]))
            _require("promise" not in result, tr("{call} returned a Promise: topK must not be async (the page uses "
                                                 "its answer at once).", call=name))
            _require("out" in result, tr("{call} returned undefined: end topK with return and the pairs (a "
                                         "missing return?).", call=name))  # pass 18: KeyError 'out'
            out = result["out"]
            _require(not result["changed"], tr("{call} reordered the caller's array: the page still needs it in class "
                                               "order. Sort a copy (probabilities.map(...) or slice()).", call=name))
            _require(not (isinstance(out, list) and None in out), tr(  # pass 20: the pair-format hint for nulls
                "{call} returned {out}: null entries, as slots past the end of the list give. Return at most as many "
                "pairs as there are classes (all of them when k is larger).", call=name, out=json.dumps(out)[:120]))
            _require(isinstance(out, list) and all(isinstance(p, list) and len(p) == 2 for p in out),
                     tr("{call} returned {out}: return [index, probability] pairs, such as [[1, 0.6], [3, 0.25]], so "
                        "the page can name each class.", call=name, out=json.dumps(out)[:120]))
            _require(len(out) == len(expected), tr("{call} returned {count} pairs, expected {expected}: at most k, and "
                                                   "all of them when k is larger than the list.", call=name,
                                                   count=len(out), expected=len(expected)))
            _require(not any(isinstance(p[0], str) for p in out), tr(  # pass 17: Object.entries, String(i)
                "{call} returned {out}: the indices are text (\"1\"), as Object.entries and String(i) give them. "
                "Return numbers: probabilities.map((p, i) => [i, p]).", call=name, out=json.dumps(out)[:120]))
            _require(out == expected or [[p[1], p[0]] for p in out] != expected, tr(  # pass 17: swapped pairs
                "{call} returned {out}: each pair is [probability, index]. Return [index, probability], such as "
                "[1, 0.6].", call=name, out=json.dumps(out)[:120]))
            _require(not (isinstance(out, list) and [p[0] for p in out] == [e[0] for e in expected] and out != expected),
                     tr("{call} returned {out}: the classes are right, the probabilities are not the ones given. Return "
                        "each probability unchanged (no rounding, no toFixed).", call=name, out=json.dumps(out)))
            _require(not (isinstance(out, list) and out and [[p[0] - 1, p[1]] for p in out] == expected), tr(
                "{call} returned {out}: each index is one too large. Indices count from 0, as the page's class names "
                "do: return [i, p] with map((p, i) => [i, p]), not i + 1.", call=name, out=json.dumps(out)[:120]))
            source = path.read_text(encoding="utf-8", errors="replace")  # no sort at all: a loop of one's own (pass 18)
            compares = _comparator(source) if ".sort(" in source else "function"
            _require(out == expected, tr("{call} returned {out}, expected {expected}. A compare function must return a "
                                         "number, negative, 0 or positive (a[1] < b[1] gives true or false, and never "
                                         "0 for equal values): sort with (a, b) => b[1] - a[1].", call=name,
                                         out=json.dumps(out), expected=json.dumps(expected)) if compares == "boolean"
                     else tr("{call} returned {out}, expected {expected}: the largest first, and equal values in "
                             "index order (sort is stable: (a, b) => b[1] - a[1] alone keeps them so).", call=name,
                             out=json.dumps(out), expected=json.dumps(expected)) if compares == "function" else
                     tr("{call} returned {out}, expected {expected}. sort() without a compare function "
                        "compares numbers as text (1e-7 comes after 0.6): sort with (a, b) => b[1] - "
                        "a[1], which also keeps equal values in index order.", call=name,
                        out=json.dumps(out), expected=json.dumps(expected)))  # pass 12: one hint for both slips

    return _judge(exercise, answer, check)


def _post(url: str, body: Any) -> tuple[int, Any]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        try:  # FastAPI's own refusals say why in JSON ({"detail": "Method Not Allowed"})
            return error.code, json.loads(error.read() or b"null")
        except ValueError:
            return error.code, None


@contextlib.contextmanager
def _counting_runs() -> Iterator[list[int]]:
    """Record the batch size of every ``onnxruntime.InferenceSession.run`` in this process while the block runs."""
    import onnxruntime as ort

    runs: list[int] = []
    original, own = ort.InferenceSession.run, ort.InferenceSession.__dict__.get("run")

    def counted(self: Any, output_names: Any, input_feed: Any, *args: Any, **kwargs: Any) -> Any:
        first = next(iter(input_feed.values()), None) if isinstance(input_feed, dict) else None
        runs.append(int(np.shape(first)[0]) if np.ndim(first) else 0)
        return original(self, output_names, input_feed, *args, **kwargs)

    ort.InferenceSession.run = counted
    try:
        yield runs
    finally:
        if own is None:
            del ort.InferenceSession.run  # the inherited Session.run answers again
        else:
            ort.InferenceSession.run = own


def check_batch_endpoint(answer: Any, onnx_path: Any, test: Any, exercise: str = "11.2") -> ExerciseResult:
    """Exercise: ``POST {answer}/predict_batch`` with {"images": [16x16, ...]} answers {"logits": [[4 numbers], ...]}."""
    def check() -> None:
        _require(isinstance(answer, str) and answer.startswith("http://"),
                 tr("Answer with your server's address, such as server_url (http://127.0.0.1:PORT), got {answer!r}.",
                    answer=answer))
        url = answer.rstrip("/").removesuffix(BATCH_PATH) + BATCH_PATH  # pass 12: the endpoint's own URL given
        session = _ort_session(onnx_path)
        images = np.asarray(test.images[:5], np.float32)
        try:
            with _counting_runs() as runs:  # the server runs in this kernel's thread: its session's runs are seen
                status, reply = _post(url, {"images": images[:, 0].tolist()})
        except OSError as error:
            raise _Wrong(tr("No answer from {url} ({error}): is the server of section 5 still running? Run its cell "
                            "again, then the cell that adds your endpoint.", url=url, error=error)) from error
        extra = urllib.parse.urlsplit(answer).path.rstrip("/")
        _require(status != 404 or not extra, tr(  # pass 15: server_url + "/predict" was told to add the route
            "POST {url} answered 404: answer with the server's address itself (server_url), not with an endpoint's "
            "path such as {extra}; if that is the address, add @app.post(\"{path}\") to its app.", url=url,
            extra=extra, path=BATCH_PATH))
        _require(status not in (307, 308), tr(  # pass 18: "/predict_batch/" was told to add the route
            "POST {url} answered {status}, a redirect: FastAPI redirects when the route is declared with a trailing "
            "slash. Declare it as @app.post(\"{path}\").", url=url, status=status, path=BATCH_PATH))
        fastapi = isinstance(reply, dict) and "detail" in reply
        _require(status != 405 or not fastapi, tr(  # pass 18: @app.get was called a static file server
            "POST {url} answered 405: the route exists for other methods only. Declare it with @app.post, not "
            "@app.get.", url=url))
        _require(status != 500, tr(  # pass 18: an endpoint that raised was told to add the route
            "POST {url} answered 500: your endpoint raised an error. Read the server's traceback (in its log or the "
            "cell's output), and try your function on test.images[:5] in a cell first.", url=url))
        _require(status not in (405, 501), tr(  # pass 16: the page server's address was told to add the route
            "POST {url} answered {status}: that server does not take POST requests (the page's static file server?). "
            "Answer with server_url, the address of section 5's FastAPI server.", url=url, status=status))
        _require(status != 422 or not fastapi, tr(  # pass 21: a bare-list parameter was told to add the route
            "POST {url} answered 422 to a valid body {{\"images\": [...]}}: the route exists, but its parameter does "
            "not take that body (FastAPI says: {detail}). Take one pydantic model with an images field, as the "
            "exercise's body is.", url=url, detail=str(reply.get("detail"))[:160] if fastapi else ""))
        _require(not 200 < status < 300, tr(  # pass 21: status_code=201 was told to add the route
            "POST {url} answered {status}: the route works, but answers with another status than 200 OK. Leave "
            "status_code out of @app.post.", url=url, status=status))
        _require(status == 200, tr("POST {path} with 5 images answered {status}: add @app.post(\"{path}\") taking "
                                   "{{\"images\": [...]}} to the app of section 5.", path=BATCH_PATH, status=status))
        logits = np.asarray(reply.get("logits") if isinstance(reply, dict) else None, dtype=object)
        _require(logits.shape[:1] == (5,), tr("The answer for 5 images must be {{\"logits\": [5 rows of 4 numbers]}}, "
                                              "one row per image, in order; got {reply}.", reply=str(reply)[:120]))
        rows = logits.tolist()
        _require(all(isinstance(row, list) and all(isinstance(v, (int, float)) for v in row) for row in rows), tr(
            "Each row of \"logits\" must be a list of 4 numbers, one row per image; the first is {row}.",
            row=str(rows[0])[:80]))  # pass 16: a dict per image gave float()'s TypeError
        expected = session.run(None, {session.get_inputs()[0].name: images})[0]
        got = np.asarray(logits.tolist(), np.float32)
        _require(got.shape != expected.shape or np.allclose(got, expected, rtol=1e-4, atol=1e-4) or  # pass 18 (K49)
                 not np.array_equal(got.argmax(1), expected.argmax(1)) or np.allclose(got.sum(1), 1, atol=1e-3), tr(
            "Your endpoint picks the same class as {name} for the 5 images, but its logits differ by up to "
            "{difference:.3f}: the server and the check run two different files (the int8 file on one side?). Give "
            "the check the file your endpoint's session runs.", name=Path(str(onnx_path)).name,
            difference=float(np.abs(got - expected).max())))
        _require(np.allclose(np.asarray(logits.tolist(), np.float32), expected, rtol=1e-4, atol=1e-4),
                 tr("The logits differ from the model's for the same 5 images: run the whole batch, shaped (n, 1, 16, "
                    "16), through the session and return its output (logits, not probabilities), row for row. (Ran the "
                    "endpoint's cell again after a fix? The first route still answers: run section 5's cell to "
                    "restart the server, then your cell once.)"))
        _require(len(runs) <= 1, tr(  # pass 23: one run per image passed (0 runs seen: a server in another process)
            "Your endpoint called run {count} times for one request of 5 images: stack the images into one (n, 1, "
            "16, 16) array and run the session once for the whole batch. (Ran the endpoint's cell again after a "
            "fix? The first route still answers: run section 5's cell to restart the server, then your cell once, "
            "or remove the old route first as the exercise shows.)", count=len(runs)))
        for count in (1, MAX_BATCH):  # the bounds themselves are allowed
            status, reply = _post(url, {"images": [images[0, 0].tolist()] * count})
            _require(status == 200 and isinstance(reply, dict) and len(reply.get("logits") or []) == count,
                     tr("POST {path} with {n} images answered {status}: a batch from 1 to {limit} images is valid.",
                        path=BATCH_PATH, n=count, status=status, limit=MAX_BATCH))
        for body, why in (({"images": []}, tr("an empty batch")),
                          ({"images": images[:2, 0, :, :15].tolist()}, tr("rows of 15 numbers")),
                          ({"images": images[:2, 0, :15].tolist()}, tr("images of 15x16 pixels")),
                          ({"images": images[0, 0].tolist()}, tr("one image without the list around it")),
                          ({"images": [images[0, 0].tolist()] * (MAX_BATCH + 1)}, tr("{n} images", n=MAX_BATCH + 1))):
            status, _ = _post(url, body)
            _require(400 <= status < 500, tr("POST {path} with {why} answered {status}: refuse it with a 4xx answer "
                                             "(a pydantic Field with min_length=1 and max_length={limit} on the list, "
                                             "16x16 images) before the model runs. (Your code has these bounds? Then "
                                             "an older route answers: run section 5's cell to restart the server, "
                                             "then your cell once.)", path=BATCH_PATH, why=why, status=status,
                                             limit=MAX_BATCH))  # pass 25: a route left from an earlier run

    def fits() -> None:  # pass 12: another model's file, or a test set of 3, was the student's fault
        if len(test.images) < 5:
            raise ValueError(f"the test set holds {len(test.images)} images; the check sends 5")
        session = _ort_session(onnx_path)
        session.run(None, {session.get_inputs()[0].name: np.asarray(test.images[:5], np.float32)})

    return _judge(exercise, answer, check, fits=fits, onnx_path=onnx_path, test=test)
