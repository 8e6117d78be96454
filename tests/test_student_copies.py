"""The English notebooks' student copies (solutions blanked) run from an empty folder and report "not done yet".

One file per language, so that pytest-xdist (``--dist loadfile``) runs the two halves on different workers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import course
from student_copies import check_student_copy


@pytest.mark.slow
@pytest.mark.parametrize("path", course.list_notebooks(), ids=lambda p: p.relative_to(course.NOTEBOOKS_DIR).as_posix())
def test_student_copy_runs_and_reports_not_done_yet(tmp_path: Path, path: Path) -> None:
    check_student_copy(path, tmp_path)
