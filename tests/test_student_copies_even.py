"""The English notebooks' student copies (solutions blanked) run from an empty folder and report "not done yet": 02, 04, 06, 08.

The even-numbered half of tests/test_student_copies.py, in its own file so that another worker runs it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import course
from student_copies import check_student_copy


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in course.list_notebooks() if int(p.name[:2]) % 2 == 0], ids=lambda p: p.relative_to(course.NOTEBOOKS_DIR).as_posix())
def test_student_copy_runs_and_reports_not_done_yet(tmp_path: Path, path: Path) -> None:
    check_student_copy(path, tmp_path)
