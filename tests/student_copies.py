"""The check behind tests/test_student_copies*.py: a student copy runs from an empty folder and says "not done yet"."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import workshop


def check_student_copy(path: Path, folder: Path) -> None:
    """Run the student copy of ``path`` in ``folder`` (empty: the notebook makes every file it needs) as a student
    would: no cell may fail, and every exercise check must say "not done yet" (English or Korean)."""
    student_path = workshop.write_student_copies(folder, [path])[0]
    executed, _ = workshop.execute_notebook(student_path, student_path.parent)
    checks = 0
    for cell in executed.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if "raises-exception" not in cell.metadata.get("tags", []):
            assert not errors, f"{path.name}: {errors[0].ename}: {errors[0].evalue}" if errors else ""
        if "helpers.exercises.check_" in cell.source:
            text = json.dumps([o.get("data", {}).get("text/plain", "") for o in cell.outputs], ensure_ascii=False)
            assert "not done yet" in text or "아직 풀지 않았습니다" in text
            checks += 1
    assert checks >= 2
