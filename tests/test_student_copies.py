"""The English notebooks' student copies (solutions blanked) run from an empty folder and report "not done yet".

The odd-numbered notebooks are here, the even-numbered ones in test_student_copies_even.py: pytest-xdist
(``--dist loadfile``) gives each file to one worker, so the two halves run side by side.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import course
from student_copies import check_student_copy


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in course.list_notebooks() if int(p.name[:2]) % 2 == 1], ids=lambda p: p.relative_to(course.NOTEBOOKS_DIR).as_posix())
def test_student_copy_runs_and_reports_not_done_yet(tmp_path: Path, path: Path) -> None:
    check_student_copy(path, tmp_path)
