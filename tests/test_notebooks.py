"""Structure every course notebook must follow (nbval executes them; this checks their shape)."""

from __future__ import annotations

import json
import re

import pytest

from helpers import course

NOTEBOOKS = course.list_notebooks()


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(cell) -> str:
    return "".join(cell["source"])


def test_notebooks_are_numbered_in_order() -> None:
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_opens_with_objectives_time_and_the_setup_cell(path) -> None:
    cells = _cells(path)
    title = _text(cells[0])
    assert title.startswith(course.colab_badge(path.name)), "run `python -m helpers.workshop sync`"
    assert re.search(rf"^# {path.name[:2]} · ", title, re.M)
    assert "**Objectives**" in title and "**Estimated time:**" in title and "**Prerequisites:**" in title
    first_code = next(c for c in cells if c["cell_type"] == "code")
    assert _text(first_code) == course.setup_cell_source(), "run `python -m helpers.workshop sync`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_ends_with_summary_and_checked_exercises(path) -> None:
    cells = _cells(path)
    assert _text(cells[-1]).startswith("## Summary")
    solutions = [c for c in cells if "solution" in c.get("metadata", {}).get("tags", [])]
    checks = [c for c in cells if c["cell_type"] == "code" and "helpers.exercises.check_" in _text(c)]
    assert len(solutions) >= 2 and len(checks) >= len(solutions)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_outputs_are_clean(path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"(/work/|/root/|/tmp/|/home/[a-z]|0x[0-9a-f]{8,})", text), "machine path or address"
    cells = _cells(path)
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(c.get("outputs") for c in code if "solution" not in c.get("metadata", {}).get("tags", [])
               and "helpers.exercises" in _text(c)), "execute the notebook before committing"
    errors = [c for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert all("raises-exception" in c.get("metadata", {}).get("tags", []) for c in errors)


def test_sync_is_a_no_op_on_committed_notebooks(tmp_path) -> None:
    for path in NOTEBOOKS:
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert course.sync_notebooks(tmp_path) == []


def test_colab_links_use_the_one_repo_url() -> None:
    url = course.colab_url("01_define_and_train.ipynb")
    assert url.startswith("https://colab.research.google.com/github/") and url.endswith("/notebooks/01_define_and_train.ipynb")
    assert course.REPO_URL.removeprefix("https://github.com/") in url


README = course.NOTEBOOKS_DIR.parent / "README.md"


def test_readme_lists_every_notebook_with_its_colab_badge() -> None:
    text = README.read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"](notebooks/{path.name})" in text, f"README does not link {path.name}"
        assert course.colab_badge(path.name) in text, f"README's Colab badge for {path.name} is missing or stale"
    assert course.binder_url() in text


def test_every_course_link_points_at_an_existing_notebook_and_the_one_repo() -> None:
    files = [README, course.NOTEBOOKS_DIR.parent / "INSTRUCTORS.md", *NOTEBOOKS]
    text = "\n".join(p.read_text(encoding="utf-8") for p in files)
    names = {p.name for p in NOTEBOOKS}
    colab = re.findall(r"https://colab\.research\.google\.com/github/([^)\s\"]+)", text)
    assert colab
    for target in colab:
        repo, _, rest = target.partition("/blob/")
        assert f"https://github.com/{repo}" == course.REPO_URL
        assert rest.startswith((f"{course.BRANCH}/notebooks/", f"{course.STUDENT_BRANCH}/notebooks/"))
        assert rest.rsplit("/", 1)[1] in names
    relative = re.findall(r"\]\((?:notebooks/)?(\d\d_[\w]+\.ipynb)\)", text)
    assert relative and set(relative) <= names
    binder = re.findall(r"https://mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)/", text)
    assert binder and all(f"https://github.com/{b}" == course.REPO_URL for b in binder)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_cells_stay_short(path) -> None:
    long = [(i, _text(c).count("\n") + 1) for i, c in enumerate(_cells(path))
            if c["cell_type"] == "code" and _text(c).count("\n") + 1 > 15]
    assert not long, f"code cells over 15 lines (cell index, lines): {long}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_summary_links_the_official_docs(path) -> None:
    summary = _text(_cells(path)[-1])
    assert "**Official docs:**" in summary and summary.count("](https://") >= 3


def test_setup_hides_known_library_warnings_and_nothing_else() -> None:
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        course.silence_known_library_warnings()
        warnings.warn("`isinstance(treespec, LeafSpec)` is deprecated, use ...", FutureWarning)
        warnings.warn("something a student should see", FutureWarning)
        warnings.warn("`isinstance(treespec, LeafSpec)` is deprecated", UserWarning)  # another category: shown
    assert [str(w.message) for w in caught] == ["something a student should see",
                                                "`isinstance(treespec, LeafSpec)` is deprecated"]


def test_setup_keeps_matplotlib_font_notes_out_of_the_cells() -> None:
    import logging

    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    try:
        logger.setLevel(logging.NOTSET)
        course.silence_known_library_warnings()
        assert not logger.isEnabledFor(logging.WARNING) and logger.isEnabledFor(logging.ERROR)
    finally:
        logger.setLevel(level)


def next_link_problems(folder) -> list[str]:
    """Each notebook's closing "Next" link must name the next notebook by its title (or the title's first part)."""
    paths = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    titles = {p.name: re.search(r"^# \d\d · (.+)$", _text(_cells(p)[0]), re.M).group(1) for p in paths}
    problems = []
    for path, following in zip(paths, paths[1:]):
        links = re.findall(rf"\[(\d\d) · ([^\]]+)\]\({re.escape(following.name)}\)", _text(_cells(path)[-1]))
        title = titles[following.name]
        if not links:
            problems.append(f"{path.name}: no link to {following.name} in the last cell")
        for number, text in links:
            whole_or_first_part = text == title or (title.startswith(text) and title[len(text)] in ",:")
            if number != following.name[:2] or not whole_or_first_part:
                problems.append(f"{path.name}: link '{number} · {text}' but the title is '{title}'")
    return problems


@pytest.mark.parametrize("folder", [course.NOTEBOOKS_DIR, course.NOTEBOOKS_DIR / "ko"], ids=["en", "ko"])
def test_next_links_name_the_next_notebook_by_its_title(folder) -> None:
    assert next_link_problems(folder) == []
