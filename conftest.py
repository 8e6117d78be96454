"""pytest settings for both tests/ and notebooks/ (this file sits above both, so it applies to either alone).

Under pytest-xdist (``make test`` runs ``-n auto --dist loadfile``) each worker gets one thread and its own
artifacts folder; ``loadfile`` keeps each notebook's cells on one worker, in order, as nbval's one kernel needs.
The slowest files are handed out first (``SLOWEST_FIRST``), so that a run does not end with one long file
running alone while the other cores wait.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

SOLUTION_TAG = "solution"  # helpers.workshop.SOLUTION_TAG, without importing the course package at collection
_STUDENT_COPY_RUN: set = set()  # the notebooks whose student copy has run (pytest_runtest_call)

WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ... in a pytest-xdist worker, else None
# Names this run's artifact folders where two runs share one checkout at once (tools/portability.sh).
RUN = os.environ.get("COURSE_TEST_RUN", "")

if WORKER:
    # Workers share the CPU cores: one thread each (notebook kernels inherit these variables), and their
    # own folder for the files tests write, so two workers never write artifacts/linear.onnx at once
    # (tests/sanitize.cfg maps artifacts/gwN/ and artifacts/RUN-gwN/ back to artifacts/ in compared outputs).
    os.environ.setdefault("COURSE_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("COURSE_ARTIFACTS", f"artifacts/{RUN}-{WORKER}" if RUN else f"artifacts/{WORKER}")


def notebook_artifacts(notebook: str) -> str:
    """The artifacts folder a notebook's kernel writes to under nbval, relative to the notebook: its own, emptied
    before the kernel starts, so that each notebook is tested as it must run, alone, from an empty folder (no file
    another notebook left behind). ``artifacts/[RUN-][gwN-]nbNN``; sanitize.cfg maps it back to ``artifacts/``."""
    return "artifacts/" + "-".join(filter(None, (RUN, WORKER, f"nb{notebook[:2]}")))

# The files that take longest, longest first (wall seconds per file on the 2-core machine, from
# ``pytest --junitxml``; a notebook costs the same in either language). pytest-xdist hands files out in
# collection order (``--no-loadscope-reorder``; its default order, most tests first, starts the long notebooks
# and student copies last). Files not listed follow, in pytest's order. tests/test_makefile.py checks the names.
SLOWEST_FIRST = (
    "tests/test_colab_cell.py",            # a virtual environment and two pip resolutions (waits on PyPI)
    "notebooks/10_language_model.ipynb", "notebooks/ko/10_language_model.ipynb",
    "tests/test_convert.py",
    "tests/test_exercises_10.py",
    "notebooks/06_real_network_optimised.ipynb", "notebooks/ko/06_real_network_optimised.ipynb",
    "tests/test_browser_lab.py",           # JupyterLab and Chromium
    "tests/test_wheels.py",
    "notebooks/09_troubleshooting_exports.ipynb", "notebooks/ko/09_troubleshooting_exports.ipynb",
    "notebooks/11_leaving_python.ipynb", "notebooks/ko/11_leaving_python.ipynb",  # Chromium, uvicorn, load tests
    "tests/test_careless_use.py",
    "tests/test_exercises.py",
    "tests/test_student_copies.py",        # three small notebooks and notebook 01's student copy
    "notebooks/05_benchmark_cpu_gpu.ipynb", "notebooks/ko/05_benchmark_cpu_gpu.ipynb",
)


def pytest_collection_modifyitems(config, items) -> None:
    """Put the items of ``SLOWEST_FIRST``'s files first, in that order; the sort is stable, so each file's
    items (a notebook's cells) keep their order."""
    rank = {name: place for place, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
    last_cells = {}
    for item in items:
        if type(item).__name__ == "IPyNbCell":  # nbval's cell items; the last one is each notebook's last cell
            last_cells[item.parent] = item
    for item in last_cells.values():
        item.user_properties.append(("last_cell", True))


def _is_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell"  # nbval's cell items


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item) -> None:
    """Before a notebook's kernel starts (at its first cell): point it at its own artifacts folder, emptied."""
    if _is_cell(item) and item.cell_num == 0:
        folder = Path(item.parent.fspath).parent / notebook_artifacts(Path(item.parent.fspath).name)
        shutil.rmtree(folder, ignore_errors=True)
        os.environ["COURSE_ARTIFACTS"] = notebook_artifacts(Path(item.parent.fspath).name)  # the kernel inherits it


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item) -> None:
    """At a notebook's first solution cell, before it runs: the rest of the notebook as a student copy runs it.

    Every cell before it is the same in the student copy (``helpers.workshop.make_student_notebook`` changes only
    solution cells), and ran in this kernel from an empty folder, so the kernel holds what the student copy's would.
    The copy's remaining cells (solutions blanked, their checks, any cell between) must then run without error, and
    each check must say "not done yet"; the notebook's own cells run after them, compared as usual. This is the
    student-copy test without executing each notebook a second time."""
    if not _is_cell(item) or item.parent in _STUDENT_COPY_RUN or SOLUTION_TAG not in item.cell.metadata.get("tags", []):
        return
    _STUDENT_COPY_RUN.add(item.parent)
    from helpers.workshop import make_student_notebook

    code = [cell for cell in make_student_notebook(item.parent.nb).cells if cell.cell_type == "code"]
    checks = 0
    for number, cell in enumerate(code[item.cell_num:], start=item.cell_num):
        text, error = _execute(item.parent.kernel, cell.source, item.config.option.nbval_cell_timeout)
        where = f"{item.parent.name}, student copy (solutions blanked), Cell {number}"
        assert error is None or "raises-exception" in cell.metadata.get("tags", []), f"{where}: {error}"
        if "helpers.exercises.check_" in cell.source:
            assert "not done yet" in text or "아직 풀지 않았습니다" in text, f"{where} should say not done yet: {text}"
            checks += 1
    assert checks >= 2, f"{item.parent.name}: the student copy ran {checks} exercise check(s), not two or more"


def _execute(kernel, source: str, timeout: float) -> tuple[str, str | None]:
    """Run ``source`` in nbval's kernel; return its text output and its error (``"Name: message"``) or None."""
    message_id = kernel.execute_cell_input(source, allow_stdin=False)
    kernel.await_reply(message_id, timeout=timeout)
    texts, error = [], None
    while True:
        message = kernel.get_message(stream="iopub", timeout=timeout)
        if message["parent_header"].get("msg_id") != message_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "status" and content["execution_state"] == "idle":
            return "".join(texts), error
        if kind == "stream":
            texts.append(content["text"])
        elif kind in ("display_data", "execute_result"):
            texts.append(content["data"].get("text/plain", ""))
        elif kind == "error":
            error = f"{content['ename']}: {content['evalue']}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """After a notebook's last cell, while its kernel still runs: fail that cell if the kernel's peak memory, less
    the libraries only PyTorch's CUDA build loads, is over Binder's budget (``helpers.workshop.sizing``)."""
    outcome = yield
    report = outcome.get_result()
    if call.when != "call" or not report.passed or ("last_cell", True) not in item.user_properties \
            or not sys.platform.startswith("linux"):
        return
    from helpers.workshop.sizing import BINDER_BUDGET_MB, kernel_memory

    memory = kernel_memory(item.parent.kernel.km.provisioner.pid)
    if memory.cpu_only_peak_mb > BINDER_BUDGET_MB:
        report.outcome = "failed"
        report.longrepr = (f"{item.parent.name}: the kernel peaked at {memory.peak_mb:,.0f} MB, "
                           f"{memory.cpu_only_peak_mb:,.0f} MB without the CUDA libraries: over Binder's budget of "
                           f"{BINDER_BUDGET_MB:,} MB per notebook. Free what a section no longer needs (del the "
                           "objects, then gc.collect()), or use smaller batches where the lesson allows.")


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: unknown, and never called, under -p no:xdist
def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto``: one worker per usable CPU core, plus one. Each worker runs one thread, and some tests spend a
    minute waiting rather than computing (the package-index check waits on PyPI, the browser tests on JupyterLab
    and Chromium), so one more worker keeps every core busy meanwhile. ``--maxprocesses`` still caps the count."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores + 1
