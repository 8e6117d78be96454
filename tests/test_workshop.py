from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import course, workshop

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = course.list_notebooks()


def _notebook(*cells: dict) -> dict:
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 4}


def _code(source: str, tags=(), outputs=None) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {"tags": list(tags)}, "outputs": outputs or [],
            "execution_count": 3}


def test_student_notebook_blanks_answers_and_keeps_inputs() -> None:
    nb = _notebook(_code("x = 1", outputs=[{"output_type": "stream", "text": "1"}]),
                   _code("x7 = make()\nanswer_02_1 = run(x7)\nanswer_02_2 = (1 +\n    2)", tags=["solution"]),
                   _code("check(answer_02_1)"))
    student = workshop.make_student_notebook(nb)
    cell = student["cells"][1]
    assert cell["source"] == "x7 = make()\nanswer_02_1 = None  # your answer here\nanswer_02_2 = None  # your answer here"
    assert cell["metadata"]["tags"] == ["exercise"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in student["cells"])
    assert nb["cells"][1]["metadata"]["tags"] == ["solution"]  # the original is untouched


def test_solution_cell_without_answer_is_refused() -> None:
    with pytest.raises(ValueError, match="answer_"):
        workshop.make_student_notebook(_notebook(_code("print(1)", tags=["solution"])))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outline_of_every_notebook(path: Path) -> None:
    title, objectives, minutes = workshop.notebook_outline(path)
    assert title and len(objectives) >= 2 and minutes and 5 <= minutes <= 90


def test_agenda_is_written_between_the_markers(tmp_path) -> None:
    doc = tmp_path / "GUIDE.md"
    doc.write_text("intro\n<!-- agenda:start -->\nstale table\n<!-- agenda:end -->\noutro\n")
    timing = workshop.NotebookTiming("01_x.ipynb", "Title", ["learn a", "learn b"], 20, 12.4)
    workshop.update_agenda(doc, workshop.agenda_markdown([timing], machine="test machine"))
    text = doc.read_text()
    assert "stale table" not in text and text.startswith("intro") and text.endswith("outro\n")
    assert "| 01 | [Title](notebooks/01_x.ipynb) | 12 s | 20 min |" in text and "- learn b" in text
    unmarked = tmp_path / "unmarked.md"
    unmarked.write_text("no markers here")
    with pytest.raises(ValueError, match="agenda:start"):
        workshop.update_agenda(unmarked, "x")


def test_instructors_guide_agenda_matches_the_notebooks() -> None:
    text = (ROOT / "INSTRUCTORS.md").read_text(encoding="utf-8")
    agenda = text.split("<!-- agenda:start -->", 1)[1].split("<!-- agenda:end -->", 1)[0]
    rows = re.findall(r"^\| (\d\d) \| \[(.+?)\]\(notebooks/(.+?)\) \| (\d+) s \| (\d+) min \|$", agenda, re.M)
    assert [r[2] for r in rows] == [p.name for p in NOTEBOOKS], "run: python -m helpers.workshop timings"
    for number, title, name, seconds, minutes in rows:
        assert (title, int(minutes)) == workshop.notebook_outline(ROOT / "notebooks" / name)[::2]
        assert int(seconds) > 0
    assert "Measured by `python -m helpers.workshop timings`" in agenda


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_copy_runs_and_reports_not_done_yet(tmp_path, path: Path) -> None:
    student_path = workshop.write_student_copies(tmp_path, [path])[0]
    executed, _ = workshop.execute_notebook(student_path, tmp_path)
    checks = 0
    for cell in executed.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if "raises-exception" not in cell.metadata.get("tags", []):
            assert not errors, f"{path.name}: {errors[0].ename}: {errors[0].evalue}" if errors else ""
        if "helpers.exercises.check_" in cell.source:
            text = json.dumps([o.get("data", {}).get("text/plain", "") for o in cell.outputs])
            assert "not done yet" in text
            checks += 1
    assert checks >= 2
