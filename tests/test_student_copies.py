"""Student copies (solutions blanked) run and report "not done yet".

Every notebook's student copy runs inside its nbval run (conftest.py, ``pytest_runtest_call``): at the first
solution cell the kernel holds what the student copy's would, so the copy's remaining cells run there before the
notebook's own. This file tests that mechanism on small notebooks, and runs one whole student copy the way an
instructor hands it out: written by ``helpers.workshop`` into a folder outside the course, and executed there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers import course, workshop

ROOT = Path(__file__).resolve().parents[1]


def _notebook(path: Path, *cells: tuple[str, list[str]]) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source, metadata={"tags": tags}) for source, tags in cells]
    nbformat.write(notebook, path)
    return path


def _nbval(path: Path) -> subprocess.CompletedProcess:
    """pytest --nbval on ``path`` with the course's conftest.py as a plugin (the notebook is outside the course)."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    environment.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:xdist", "-p", "no:cacheprovider",
                           "-o", "addopts=", "--nbval", "-q", path.name], cwd=path.parent, env=environment,
                          capture_output=True, text=True, timeout=240)


SETUP = ("import helpers", [])
EXERCISES = [("answer_00_1 = 3", ["solution"]), ('helpers.exercises.check_answer("00.1", answer_00_1, 3, hint="h")', []),
             ("answer_00_2 = 4", ["solution"]), ('helpers.exercises.check_answer("00.2", answer_00_2, 4, hint="h")', [])]


def test_nbval_runs_each_notebooks_student_copy_and_fails_a_cell_that_needs_a_solution(tmp_path: Path) -> None:
    good = _notebook(tmp_path / "00_good.ipynb", SETUP, *EXERCISES)
    result = _nbval(good)
    assert result.returncode == 0, result.stdout[-3000:]
    # A cell after the exercises that uses an answer: fine with the solutions, a TypeError in the student copy.
    bad = _notebook(tmp_path / "00_bad.ipynb", SETUP, *EXERCISES, ("print(answer_00_1 + 1)", []))
    result = _nbval(bad)
    assert result.returncode != 0
    assert "student copy (solutions blanked), Cell 5: TypeError" in result.stdout, result.stdout[-3000:]


def test_nbval_fails_a_student_copy_whose_check_passes_without_an_answer(tmp_path: Path) -> None:
    shortcut = [("answer_00_1 = 3", ["solution"]), ('helpers.exercises.check_answer("00.1", 3, 3, hint="h")', []),
                *EXERCISES[2:]]
    result = _nbval(_notebook(tmp_path / "00_shortcut.ipynb", SETUP, *shortcut))
    assert result.returncode != 0
    assert "Cell 2 should say not done yet" in result.stdout, result.stdout[-3000:]


@pytest.mark.slow
def test_a_handed_out_student_copy_runs_from_an_empty_folder_outside_the_course(tmp_path: Path) -> None:
    path = course.list_notebooks()[0]  # 01: the cheapest; the mechanism is the same for every notebook
    student_path = workshop.write_student_copies(tmp_path, [path])[0]
    executed, _ = workshop.execute_notebook(student_path, student_path.parent)
    checks = 0
    for cell in (c for c in executed.cells if c.cell_type == "code"):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"{path.name}: {errors[0].ename}: {errors[0].evalue}" if errors else ""
        if "helpers.exercises.check_" in cell.source:
            assert "not done yet" in json.dumps([o.get("data", {}).get("text/plain", "") for o in cell.outputs])
            checks += 1
    assert checks >= 2
