"""The Korean notebooks' student copies (solutions blanked) run as the English ones do and say "not done yet" in Korean.

A Korean notebook's code is its English twin's plus one ``set_language("ko")`` cell (test_korean.py), so its
student copy runs the very code as the English copy (each runs inside its notebook's nbval run: conftest.py). This
file checks that statically, and that the checks answer in Korean: the Korean student copy's code is the English
student copy's plus that cell, and every check the notebook calls, given the blanked answer, says
"아직 풀지 않았습니다" with the Korean messages.
"""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import nbformat
import pytest

from helpers import course, exercises, i18n
from helpers.workshop import make_student_notebook

KOREAN = [p for p in course.all_notebooks() if p.parent.name == "ko"]
SET_LANGUAGE = 'from helpers.i18n import set_language\nset_language("ko")'


def _student_code(path: Path) -> list[str]:
    student = make_student_notebook(nbformat.read(path, as_version=4))
    return ["".join(cell.source) for cell in student.cells if cell.cell_type == "code"]


def _checks_called(code: list[str]) -> list[str]:
    """Names of the ``helpers.exercises.check_*`` functions the notebook's cells call."""
    names = []
    for source in code:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Attribute) and node.attr.startswith("check_") and \
                    ast.unparse(node.value) == "helpers.exercises":
                names.append(node.attr)
    return names


@pytest.mark.parametrize("path", KOREAN, ids=lambda p: p.relative_to(course.NOTEBOOKS_DIR).as_posix())
def test_student_copy_runs_and_reports_not_done_yet(path: Path) -> None:
    english, korean = _student_code(course.NOTEBOOKS_DIR / path.name), _student_code(path)
    added = [i for i, source in enumerate(korean) if source.startswith(SET_LANGUAGE)]
    assert added == [1], "one set_language cell, right after the setup cell"
    assert korean[:1] + korean[2:] == english, "the Korean student copy runs other code than the English one"
    checks = _checks_called(korean)
    assert len(checks) >= 2
    i18n.set_language("ko")
    try:
        for name in checks:
            check = getattr(exercises, name)
            required = [p for p in inspect.signature(check).parameters.values()
                        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            keywords = {p.name: "" for p in inspect.signature(check).parameters.values()
                        if p.kind == p.KEYWORD_ONLY and p.default is p.empty}
            # A blanked answer is None; so are the notebook's objects a check compares with, in an empty kernel.
            arguments = ["00.0" if p.name == "exercise" else None for p in required]
            message = json.dumps(str(check(*arguments, **keywords)), ensure_ascii=False)
            assert "아직 풀지 않았습니다" in message, f"{name}: {message}"
    finally:
        i18n.set_language("en")
