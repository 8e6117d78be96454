"""Notebook 08 without onnxruntime-extensions, as on Python 3.14 (no wheel yet): the rest still runs.

requirements.txt leaves the package out on Python 3.14; the notebook's kernel cells must then say so and
skip, and exercise 08.2 must say why it cannot be done there, instead of the notebook stopping at an
ImportError. The package is hidden from the kernel the way Python hides a module: ``sys.modules[name] = None``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import course, workshop


@pytest.mark.slow
def test_notebook_08_runs_to_the_end_without_onnxruntime_extensions(tmp_path: Path, monkeypatch) -> None:
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text('import sys\nsys.modules["onnxruntime_extensions"] = None\n')
    monkeypatch.setenv("PYTHONPATH", str(hide))
    monkeypatch.setenv("COURSE_ARTIFACTS", str(tmp_path / "artifacts"))
    notebook = tmp_path / "08_custom_operators.ipynb"
    notebook.write_bytes((course.NOTEBOOKS_DIR / notebook.name).read_bytes())
    executed, _ = workshop.execute_notebook(notebook, tmp_path)
    assert workshop.failed_cells(executed) == []
    text = json.dumps([o for c in executed.cells if c.cell_type == "code" for o in c.outputs], ensure_ascii=False)
    assert "onnxruntime-extensions: not installed" in text and "skipped: onnxruntime-extensions" in text
    assert "needs onnxruntime-extensions" in text  # exercise 08.2 says why, and where to do it
    assert "Exercise 08.1: ✅" in text  # the translation-table half of the notebook still works
