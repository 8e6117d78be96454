"""pytest settings for both tests/ and notebooks/ (this file sits above both, so it applies to either alone).

Under pytest-xdist (``make test`` runs ``-n auto --dist loadfile``) each worker gets one thread and its own
artifacts folder; ``loadfile`` keeps each notebook's cells on one worker, in order, as nbval's one kernel needs.
"""

from __future__ import annotations

import os

import pytest

WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ... in a pytest-xdist worker, else None

if WORKER:
    # Workers share the CPU cores: one thread each (notebook kernels inherit these variables), and their
    # own folder for the files notebooks write, so two notebooks never write artifacts/linear.onnx at once
    # (tests/sanitize.cfg maps artifacts/gwN/ back to artifacts/ in compared outputs).
    os.environ.setdefault("COURSE_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("COURSE_ARTIFACTS", f"artifacts/{WORKER}")


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: unknown, and never called, under -p no:xdist
def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto``: one worker per usable CPU core, plus one. Each worker runs one thread, and some tests spend a
    minute waiting rather than computing (the package-index check waits on PyPI, the browser tests on JupyterLab
    and Chromium), so one more worker keeps every core busy meanwhile. ``--maxprocesses`` still caps the count."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores + 1
