"""pytest settings for both tests/ and notebooks/ (this file sits above both, so it applies to either alone).

Under pytest-xdist (``make test`` runs ``-n auto --dist loadfile``) each worker gets one thread and its own
artifacts folder; ``loadfile`` keeps each notebook's cells on one worker, in order, as nbval's one kernel needs.
The slowest files are handed out first (``SLOWEST_FIRST``), so that a run does not end with one long file
running alone while the other cores wait.
"""

from __future__ import annotations

import os
import sys

import pytest

WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ... in a pytest-xdist worker, else None
# Names this run's artifact folders where two runs share one checkout at once (tools/portability.sh).
RUN = os.environ.get("COURSE_TEST_RUN", "")

if WORKER:
    # Workers share the CPU cores: one thread each (notebook kernels inherit these variables), and their
    # own folder for the files notebooks write, so two notebooks never write artifacts/linear.onnx at once
    # (tests/sanitize.cfg maps artifacts/gwN/ and artifacts/RUN-gwN/ back to artifacts/ in compared outputs).
    os.environ.setdefault("COURSE_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("COURSE_ARTIFACTS", f"artifacts/{RUN}-{WORKER}" if RUN else f"artifacts/{WORKER}")

# The files that take longest, longest first (wall seconds per file on the 2-core machine, from
# ``pytest --junitxml``; a notebook costs the same in either language). pytest-xdist hands files out in
# collection order (``--no-loadscope-reorder``; its default order, most tests first, starts the long notebooks
# and student copies last). Files not listed follow, in pytest's order. tests/test_makefile.py checks the names.
SLOWEST_FIRST = (
    "tests/test_student_copies_even.py",   # executes five notebooks
    "tests/test_student_copies.py",
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
