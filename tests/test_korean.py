"""The Korean edition: notebooks/ko mirror the English notebooks, README.ko.md links them, messages translate."""

from __future__ import annotations

import ast
import os
import json
import re
import string
from pathlib import Path

import pytest
import torch

from helpers import course, exercises, i18n

KO_DIR = course.NOTEBOOKS_DIR / "ko"
KOREAN = sorted(KO_DIR.glob("[0-9][0-9]_*.ipynb"))
README_KO = course.NOTEBOOKS_DIR.parent / "README.ko.md"
README_EN = course.NOTEBOOKS_DIR.parent / "README.md"
# The one code cell a Korean notebook adds, right after the setup cell.
SET_LANGUAGE_CELL = 'from helpers.i18n import set_language\nset_language("ko")  # 연습 문제 확인 메시지를 한국어로'
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    return "".join(cell["source"])


def _tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def code_differences(english: Path, korean: Path) -> list[str]:
    """What differs between the two notebooks' code cells, besides the one set_language cell; [] when nothing."""
    en_cells, ko_cells = _cells(english), _cells(korean)
    problems = []
    setup = next(i for i, c in enumerate(ko_cells) if c["cell_type"] == "code")
    added = [i for i, c in enumerate(ko_cells) if c["cell_type"] == "code" and _text(c) == SET_LANGUAGE_CELL]
    if added != [setup + 1]:
        problems.append(f"expected one set_language cell right after the setup cell (index {setup + 1}), "
                        f"found it at {added}")
    ko_cells = [c for i, c in enumerate(ko_cells) if i not in added]
    if [c["cell_type"] for c in ko_cells] != [c["cell_type"] for c in en_cells]:
        problems.append("the sequence of cell types differs")
    en_code = [(_text(c), _tags(c)) for c in en_cells if c["cell_type"] == "code"]
    ko_code = [(_text(c), _tags(c)) for c in ko_cells if c["cell_type"] == "code"]
    if len(en_code) != len(ko_code):
        problems.append(f"{len(en_code)} English code cells, {len(ko_code)} Korean ones")
    for n, (en, ko) in enumerate(zip(en_code, ko_code)):
        if en[0] != ko[0]:
            problems.append(f"code cell {n}: source differs")
        if en[1] != ko[1]:
            problems.append(f"code cell {n}: tags {en[1]} vs {ko[1]}")
    return problems


def _markdown_lines(cells: list[dict]):
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        fenced = False
        for line in _text(cell).splitlines():
            if line.startswith("```"):
                fenced = not fenced
            elif not fenced:
                yield line


def structure(path: Path) -> dict:
    """Headings per level, exercise numbers and cell count of a notebook."""
    cells = _cells(path)
    levels: dict[int, int] = {}
    for line in _markdown_lines(cells):
        heading = re.match(r"^(#{1,6}) ", line)
        if heading:
            levels[len(heading.group(1))] = levels.get(len(heading.group(1)), 0) + 1
    exercises_found = re.findall(r"\*\*(\d\d\.\d+)\*\*", "\n".join(_markdown_lines(cells)))
    return {"headings": levels, "exercises": exercises_found, "cells": len(cells)}


def test_every_english_notebook_has_a_korean_one() -> None:
    assert [p.name for p in KOREAN] == [p.name for p in course.list_notebooks()]


@pytest.mark.parametrize("path", KOREAN, ids=lambda p: p.name)
def test_code_cells_equal_the_english_ones(path: Path) -> None:
    assert code_differences(course.NOTEBOOKS_DIR / path.name, path) == []


def test_a_code_cell_changed_in_one_language_only_is_caught(tmp_path: Path) -> None:
    english, korean = course.NOTEBOOKS_DIR / KOREAN[0].name, KOREAN[0]
    for edited_side in ("en", "ko"):
        pair = {"en": tmp_path / "en.ipynb", "ko": tmp_path / "ko.ipynb"}
        pair["en"].write_text(english.read_text(encoding="utf-8"), encoding="utf-8")
        pair["ko"].write_text(korean.read_text(encoding="utf-8"), encoding="utf-8")
        assert code_differences(pair["en"], pair["ko"]) == []
        nb = json.loads(pair[edited_side].read_text(encoding="utf-8"))
        last_code = [c for c in nb["cells"] if c["cell_type"] == "code"][-1]
        last_code["source"] = ["# 주석 한 줄만 바꿔도 잡혀야 합니다\n", *last_code["source"]]
        pair[edited_side].write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
        assert any("source differs" in p for p in code_differences(pair["en"], pair["ko"])), edited_side


def test_a_missing_or_second_set_language_cell_is_caught(tmp_path: Path) -> None:
    english, korean = course.NOTEBOOKS_DIR / KOREAN[0].name, KOREAN[0]
    nb = json.loads(korean.read_text(encoding="utf-8"))
    extra = next(c for c in nb["cells"] if c["cell_type"] == "code" and _text(c) == SET_LANGUAGE_CELL)
    nb["cells"].append(dict(extra))
    (tmp_path / "two.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    assert code_differences(english, tmp_path / "two.ipynb")
    nb["cells"] = [c for c in nb["cells"] if _text(c) != SET_LANGUAGE_CELL]
    (tmp_path / "none.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    assert code_differences(english, tmp_path / "none.ipynb")


@pytest.mark.parametrize("path", KOREAN, ids=lambda p: p.name)
def test_section_structure_matches_the_english_notebook(path: Path) -> None:
    english, korean = structure(course.NOTEBOOKS_DIR / path.name), structure(path)
    assert korean["headings"] == english["headings"]
    assert korean["exercises"] == english["exercises"] and korean["exercises"]
    assert korean["cells"] == english["cells"] + 1


@pytest.mark.parametrize("path", KOREAN, ids=lambda p: p.name)
def test_title_summary_and_markers(path: Path) -> None:
    cells = _cells(path)
    title = _text(cells[0])
    assert title.startswith(course.colab_badge(f"ko/{path.name}"))
    assert re.search(rf"^# {path.name[:2]} · ", title, re.M)
    assert "\n**학습 목표**\n" in title and "**선수 지식:**" in title
    assert re.search(r"\*\*예상 시간:\*\* \d+분", title)
    summary = _text(cells[-1])
    assert summary.startswith("## 요약\n") and "**공식 문서:**" in summary and summary.count("](https://") >= 3
    english_left = re.findall(r"\*\*(?:Objectives|Prerequisites|Estimated time|Official docs)\b|## Summary", title + summary)
    assert not english_left, f"English headings left in a Korean notebook: {english_left}"


@pytest.mark.parametrize("path", KOREAN, ids=lambda p: p.name)
def test_the_agenda_reads_the_korean_title_objectives_and_time(path: Path) -> None:
    from helpers.workshop.agenda import notebook_outline
    en_title, en_objectives, en_minutes = notebook_outline(course.NOTEBOOKS_DIR / path.name)
    title, objectives, minutes = notebook_outline(path)
    assert HANGUL.search(title) and minutes == en_minutes and len(objectives) == len(en_objectives) > 0


@pytest.mark.parametrize("path", KOREAN, ids=lambda p: p.name)
def test_every_markdown_cell_is_in_korean(path: Path) -> None:
    english = [c for c in _cells(course.NOTEBOOKS_DIR / path.name) if c["cell_type"] == "markdown"]
    korean = [c for c in _cells(path) if c["cell_type"] == "markdown"]
    untranslated = [i for i, (en, ko) in enumerate(zip(english, korean)) if not HANGUL.search(_text(ko))
                    or _text(ko) == _text(en)]
    assert not untranslated, f"markdown cells without Korean text: {untranslated}"


def _github_anchor(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("path", KOREAN, ids=lambda p: p.name)
def test_relative_links_work_from_notebooks_ko(path: Path) -> None:
    text = re.sub(r"`[^`]*`", "", "\n".join(_markdown_lines(_cells(path))))  # code spans hold no links
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    relative = [t for t in targets if not re.match(r"https?://|attachment:", t)]  # attachments travel in the cell
    assert relative
    anchors = {_github_anchor(h) for h in re.findall(r"^#+ (.+)$", README_KO.read_text(encoding="utf-8"), re.M)}
    for target in relative:
        file, _, anchor = target.partition("#")
        assert (path.parent / file).resolve().is_file(), f"{target} does not exist from notebooks/ko/"
        if file.endswith("README.ko.md") and anchor:
            assert anchor in anchors, f"README.ko.md has no heading for #{anchor}"
    assert "README.md#glossary" not in text, "glossary links must point at README.ko.md"


@pytest.mark.parametrize("path", KOREAN, ids=lambda p: p.name)
def test_committed_outputs_are_clean(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"(/work/|/root/|/tmp/|/home/[a-z]|0x[0-9a-f]{8,})", text), "machine path or address"
    code = [c for c in _cells(path) if c["cell_type"] == "code"]
    checks = [c for c in code if "helpers.exercises.check_" in _text(c)]
    assert checks and all(c.get("outputs") for c in checks), "execute the notebook before committing"
    assert all("연습 문제" in json.dumps(c["outputs"], ensure_ascii=False) for c in checks), \
        "the checks should print Korean messages (set_language cell)"


def test_readme_ko_links_every_korean_notebook_and_translates_the_glossary() -> None:
    text = README_KO.read_text(encoding="utf-8")
    for path in KOREAN:
        assert f"](notebooks/ko/{path.name})" in text, f"README.ko.md does not link {path.name}"
        assert course.colab_badge(f"ko/{path.name}") in text, f"README.ko.md lacks the Colab badge of {path.name}"
    assert "make lab" in text and "make test" in text
    assert re.search(r"^## 용어집$", text, re.M) and re.search(r"^## 블로그 글에서 바로잡을 점$", text, re.M)

    def glossary_rows(markdown: str, heading: str) -> int:
        section = markdown.split(heading, 1)[1].split("\n## ", 1)[0]
        return len(re.findall(r"^\| \*\*", section, re.M))

    assert glossary_rows(text, "## 용어집") == glossary_rows(README_EN.read_text(encoding="utf-8"), "## Glossary") > 0


# --- helpers.i18n and the messages of helpers.exercises ------------------------------------------------------


@pytest.fixture
def korean():
    i18n.set_language("ko")
    try:
        yield
    finally:
        i18n.set_language("en")


EXERCISE_FILES = sorted(Path(exercises.__file__).parent.glob("*.py"))  # helpers/exercises/ is a package
HELPERS_DIR = Path(exercises.__file__).parent.parent
TRANSLATED_FILES = (*EXERCISE_FILES, *(HELPERS_DIR / name for name in ("doctor.py", "machine_checks.py", "errors.py")))  # what a student reads


def _templates_used_in_exercises() -> list[str]:
    templates = []
    for path in TRANSLATED_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        templates += [node.args[0].value for node in ast.walk(tree)  # tr(a variable): tested on its own
                      if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr"
                      and isinstance(node.args[0], ast.Constant)]
    return templates


def _fields(template: str) -> list[tuple[str, str]]:
    return sorted((name, spec) for _, name, spec, _ in string.Formatter().parse(template) if name is not None)


def test_what_a_check_says_the_notebooks_objects_must_be_is_in_korean_too() -> None:
    """The descriptions a check inserts into "The check's {name} must be {kind}" (pass 9: English inside Korean)."""
    from helpers.exercises import verdict

    kinds = {description for description, _ in verdict._KINDS.values()}
    assert kinds and not [k for k in kinds if k not in i18n.KOREAN]
    i18n.set_language("ko")
    try:
        result = exercises.check_trained_regressor(helpers_model(), "not data", helpers_model())
    finally:
        i18n.set_language("en")
    assert "helpers.RegressionData(.x와 .y 텐서를 가진 객체)" in result.message


def helpers_model():
    from helpers import make_linear_model

    return make_linear_model()


def test_every_message_of_the_exercises_has_a_korean_template_with_the_same_placeholders() -> None:
    templates = _templates_used_in_exercises()
    assert len(templates) > 50
    missing = [t for t in templates if t not in i18n.KOREAN]
    assert not missing, missing
    for english, korean_template in i18n.KOREAN.items():
        assert _fields(korean_template) == _fields(english), english
        assert HANGUL.search(korean_template) or english in {"Exercise {exercise}: {mark}. {message}"}, english
    from helpers.exercises import verdict

    kinds = {description for description, _ in verdict._KINDS.values()}  # translated through tr(variable)
    assert not set(i18n.KOREAN) - set(templates) - kinds, "catalog entries that no module uses any more"


def test_every_student_facing_message_goes_through_tr() -> None:
    untranslated = []
    for path in EXERCISE_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None)
            message = {"_require": 1, "_Wrong": 0, "ExerciseResult": 2}.get(name)
            if message is None or len(node.args) <= message:
                continue
            argument = node.args[message]
            if isinstance(argument, (ast.Constant, ast.JoinedStr, ast.BinOp)):
                untranslated.append(f"{path.name}:{node.lineno}")
    assert not untranslated, f"messages not routed through tr(...) at lines {untranslated}"


def test_english_is_the_default_and_unchanged() -> None:
    assert i18n.get_language() == "en"
    result = exercises.check_answer("01.3", 3, 4, hint="Count again.")
    assert str(result) == "Exercise 01.3: ❌ not yet right. Count again."
    assert str(exercises.check_answer("01.3", None, 4, hint="")) == (
        "Exercise 01.3: ⏳ not done yet. Replace the placeholder with your answer and run the cell again.")


def test_a_failing_check_speaks_korean_after_set_language(korean, tmp_path: Path) -> None:
    missing = tmp_path / "nothing.onnx"
    result = exercises.check_onnx_export(missing, torch.nn.Linear(10, 1))
    assert str(result) == (f"연습 문제 02.1: ❌ 아직 정답이 아닙니다. {missing}에 파일이 없습니다. "
                           "파일을 만드는 셀을 실행했는지 확인하세요.")
    assert str(exercises.check_answer("01.3", 4, 4, hint="")) == "연습 문제 01.3: ✅ 정답. 잘하셨습니다."
    assert "노트북을 처음부터 실행한 뒤" in str(exercises.check_onnx_export(missing, None))
    assert "0번 차원이 고정된 숫자입니다" in i18n.tr(
        "Dimension 0 is a fixed number: declare it with dynamic_shapes=({{0: torch.export.Dim('batch')}},).")
    assert "{0: torch.export.Dim('batch')}" in i18n.tr(
        "Dimension 0 is a fixed number: declare it with dynamic_shapes=({{0: torch.export.Dim('batch')}},).")


def test_untranslated_templates_fall_back_to_english_and_unknown_languages_are_refused(korean) -> None:
    assert i18n.tr("A message nobody translated, {count} times.", count=3) == "A message nobody translated, 3 times."
    with pytest.raises(ValueError, match="Unknown language"):
        i18n.set_language("fr")
    assert i18n.get_language() == "ko"


@pytest.mark.parametrize("path", [*KOREAN, README_KO], ids=lambda p: p.name)
def test_bold_and_italic_markers_render(path: Path) -> None:
    """CommonMark does not close ``**…)**`` right before a Hangul particle (``**[opset](…)**은``): keep none."""
    mistune = pytest.importorskip("mistune")
    if path.suffix == ".md":
        texts = [path.read_text(encoding="utf-8")]
    else:
        texts = [_text(c) for c in _cells(path) if c["cell_type"] == "markdown"]
    for text in texts:
        html = re.sub(r"<code>.*?</code>", "", mistune.html(text), flags=re.S)
        assert "*" not in html, html[max(0, html.index("*") - 80):html.index("*") + 40]


def test_the_doctor_and_the_file_errors_speak_korean_too(korean) -> None:
    from helpers import doctor, errors

    table = doctor.format_checks([doctor._package_check("netron", None), doctor._memory_check(1.0)])
    assert "설치되지 않음" in table and "강의 진행을 막는 문제가 2개" in table
    assert "먼저 실행하거나" in str(errors.missing_file_error("artifacts/linear.onnx"))


def test_course_language_sets_the_language_outside_a_notebook() -> None:
    import subprocess
    import sys

    code = "from helpers import doctor; print(doctor.format_checks([doctor._memory_check(1.0)]))"
    env = {**os.environ, "COURSE_LANGUAGE": "ko"}
    korean = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    english = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env={**os.environ, "COURSE_LANGUAGE": "xx"}, check=True)
    assert "강의 진행을 막는 문제" in korean.stdout and "blocking problem" in english.stdout


@pytest.mark.parametrize("path", KOREAN, ids=lambda p: p.name)
def test_the_agenda_tooling_reads_the_korean_notebooks(path: Path) -> None:
    from helpers import workshop

    title, objectives, minutes = workshop.notebook_outline(path)
    english_title, english_objectives, english_minutes = workshop.notebook_outline(course.NOTEBOOKS_DIR / path.name)
    assert HANGUL.search(title) and len(objectives) == len(english_objectives) and minutes == english_minutes
