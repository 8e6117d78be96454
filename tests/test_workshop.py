from __future__ import annotations

import json
import re
import subprocess
import sys
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


def test_student_notebook_blanks_the_whole_solution_and_keeps_its_instructions() -> None:
    nb = _notebook(_code("x = 1", outputs=[{"output_type": "stream", "text": "1"}]),
                   _code("# Export the model yourself.\nx7 = make()\nexport(x7)\nanswer_02_1 = run(x7)\n"
                         "answer_02_2 = (1 +\n    2)\nanswer_02_1 = again()", tags=["solution"]),
                   _code("check(answer_02_1)"))
    student = workshop.make_student_notebook(nb)
    cell = student["cells"][1]
    assert cell["source"] == ("# Export the model yourself.\n# your code here\n\n"
                              "answer_02_1 = None  # your answer here\nanswer_02_2 = None  # your answer here")
    assert "make()" not in cell["source"] and "export" not in cell["source"].replace("Export", "")
    assert cell["metadata"]["tags"] == ["exercise"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in student["cells"])
    assert nb["cells"][1]["metadata"]["tags"] == ["solution"]  # the original is untouched


def test_outline_keeps_objectives_that_span_several_lines(tmp_path) -> None:
    title = ("# 09 · A title\n\n**Objectives**\n- one line;\n- a long objective\n  continued here;\n"
             "- last.\n\n**Prerequisites:** none. **Estimated time:** 15 minutes.")
    path = tmp_path / "09_x.ipynb"
    path.write_text(json.dumps(_notebook({"cell_type": "markdown", "source": title, "metadata": {}})))
    assert workshop.notebook_outline(path) == ("A title", ["one line;", "a long objective continued here;", "last."], 15)


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


# --------------------------------------------------------------------------- student branch

GIT_IDENTITY = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
                "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def clone(tmp_path, monkeypatch) -> Path:
    """A fresh clone of this repository (its last commit), with a git identity for new commits.

    A fork that has published its student copies has a ``students`` branch, which a clone sees as
    ``origin/students``; it is removed so that every test starts before the first publication.
    """
    for name, value in GIT_IDENTITY.items():
        monkeypatch.setenv(name, value)
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(tmp_path / "clone")], check=True)
    for ref in _git(tmp_path / "clone", "for-each-ref", "--format=%(refname)", "refs/remotes/").splitlines():
        if ref.endswith(f"/{course.STUDENT_BRANCH}"):
            _git(tmp_path / "clone", "update-ref", "-d", ref)
    return tmp_path / "clone"


def test_publish_students_commits_blanked_notebooks_to_a_branch(clone, monkeypatch, capsys) -> None:
    head = _git(clone, "rev-parse", "HEAD")
    monkeypatch.chdir(clone)
    assert workshop.main(["publish-students", "--branch", "students"]) == 0
    assert "git push origin students" in capsys.readouterr().out
    listed = _git(clone, "ls-tree", "--name-only", "HEAD", "notebooks/").splitlines()
    assert _git(clone, "ls-tree", "--name-only", "students", "notebooks/").splitlines() == listed
    names = [name for name in listed if name.endswith(".ipynb")]
    assert names
    for name in names:
        student = json.loads(_git(clone, "show", f"students:{name}"))
        code = [c for c in student["cells"] if c["cell_type"] == "code"]
        assert all(c["outputs"] == [] and "solution" not in c["metadata"].get("tags", []) for c in code), name
        exercises = [c for c in code if "exercise" in c["metadata"].get("tags", [])]
        assert exercises and all(re.search(r"^answer_\w+ = None", "".join(c["source"]), re.M) for c in exercises)
    assert _git(clone, "rev-parse", "students:helpers") == _git(clone, "rev-parse", "HEAD:helpers")
    assert _git(clone, "rev-parse", "HEAD") == head and _git(clone, "status", "--porcelain") == ""


def test_publish_students_only_moves_the_branch_forward(clone) -> None:
    first = workshop.publish_students(clone)
    assert first and workshop.publish_students(clone) is None  # nothing changed: no new commit
    (clone / "notebooks" / "xx").mkdir()  # a new translation in a subfolder must not leak its solutions either
    translated = clone / "notebooks" / "xx" / "01_define_and_train.ipynb"
    translated.write_bytes((clone / "notebooks" / "01_define_and_train.ipynb").read_bytes())
    _git(clone, "add", "notebooks/xx")
    _git(clone, "commit", "--quiet", "-m", "a translation")
    second = workshop.publish_students(clone)
    assert _git(clone, "rev-parse", f"{second}^") == first and _git(clone, "rev-parse", "students") == second
    student = json.loads(_git(clone, "show", "students:notebooks/xx/01_define_and_train.ipynb"))
    assert not [c for c in student["cells"] if "solution" in c["metadata"].get("tags", [])]
    _git(clone, "checkout", "--quiet", "students")
    with pytest.raises(ValueError, match="checked out"):
        workshop.publish_students(clone)


def test_publish_students_never_writes_over_a_branch_with_other_work(clone, capsys) -> None:
    main = _git(clone, "symbolic-ref", "--short", "HEAD")
    main_tip = _git(clone, "rev-parse", main)
    _git(clone, "checkout", "--quiet", "-b", "elsewhere")
    with pytest.raises(ValueError, match="holds other work"):
        workshop.publish_students(clone, main)
    assert _git(clone, "rev-parse", main) == main_tip  # the course's branch did not move
    _git(clone, "branch", "students", main)  # pass 21: the student branch itself holds other work
    with pytest.raises(ValueError, match="holds other work") as refused:
        workshop.publish_students(clone, "students")
    assert "Use the student branch" not in str(refused.value) and "git branch -m students" in str(refused.value)


def test_publish_students_says_that_uncommitted_edits_are_left_out(clone, monkeypatch, capsys) -> None:
    monkeypatch.chdir(clone)
    (clone / "notebooks" / "01_define_and_train.ipynb").write_text("{}")
    assert workshop.main(["publish-students"]) == 0
    assert "NOT in the student copies" in capsys.readouterr().out


def test_publish_students_without_a_git_identity_says_how_to_set_one(clone, monkeypatch, capsys) -> None:
    """Pass 20: git's raw "Author identity unknown" came through; now the course says what to run, before work."""
    for name in GIT_IDENTITY:
        monkeypatch.delenv(name)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    _git(clone, "config", "user.useConfigOnly", "true")  # no guessing from the host name, on any machine
    with pytest.raises(ValueError, match="git does not know who you are") as refused:
        workshop.publish_students(clone)
    assert 'git config user.name "Your Name"' in str(refused.value)
    assert not _git(clone, "for-each-ref", "refs/heads/students")


def test_student_copies_never_replace_the_course_notebooks_or_earlier_copies(tmp_path) -> None:
    from helpers import course

    before = {p: p.read_bytes() for p in course.all_notebooks()}
    with pytest.raises(ValueError, match="inside the course's notebooks"):
        workshop.write_student_copies(course.NOTEBOOKS_DIR)
    assert {p: p.read_bytes() for p in course.all_notebooks()} == before
    first = workshop.write_student_copies(tmp_path, NOTEBOOKS[:1])
    with pytest.raises(FileExistsError, match="overwrite"):
        workshop.write_student_copies(tmp_path, NOTEBOOKS[:1])
    assert workshop.write_student_copies(tmp_path, NOTEBOOKS[:1], overwrite=True) == first


@pytest.mark.parametrize("args,words", [
    (["sizing", "--users", "-5"], "--users must be at least 1"),
    (["timings", "--output", "INSTRUCTOR.md"], "is not a file"),
    (["timings", "--notebooks", "05", "--output", "no-such-folder/agenda.md"], "holding these lines"),  # pass 24: circular
    (["sizing", "--output", "no-such-folder/sizing.md"], "<!-- sizing:start -->, <!-- sizing:end -->"),
    (["schedule", "--output", "README.md"], "marker"),
    (["sizing", "--notebooks", "notebooks/99_missing.ipynb"], "no such notebook"),
])
def test_workshop_commands_refuse_bad_arguments_before_running_anything(args, words, capsys, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(workshop.cli, "time_notebooks", lambda **kw: pytest.fail("notebooks ran before the check"))
    monkeypatch.setattr(workshop.cli, "measure_notebook", lambda p: pytest.fail("notebooks ran before the check"))
    with pytest.raises(SystemExit):
        workshop.main(args)
    assert words in capsys.readouterr().err


def test_timings_are_reported_as_measured_so_a_late_failure_loses_none(monkeypatch) -> None:
    from helpers.workshop import agenda

    def execute(path, workdir):
        if path.name.startswith("03"):
            raise RuntimeError("cell 5 failed")
        return 12.5

    monkeypatch.setattr(agenda, "executed_cleanly", execute)
    seen = []
    with pytest.raises(RuntimeError):
        agenda.time_notebooks(NOTEBOOKS[:4], on_measured=seen.append)
    assert [t.name[:2] for t in seen] == ["01", "02"] and seen[0].seconds == 12.5


def test_timings_of_some_notebooks_go_to_another_file_not_the_guide(tmp_path, monkeypatch, capsys) -> None:
    """Pass 22: timings ran every notebook or none; one notebook's time may not replace the guide's agenda."""
    guide = ROOT / "INSTRUCTORS.md"
    before = guide.read_text(encoding="utf-8")
    monkeypatch.setattr(workshop.cli, "time_notebooks", lambda **kw: pytest.fail("notebooks ran before the check"))
    with pytest.raises(SystemExit) as stopped:
        workshop.main(["timings", "--notebooks", "05"])
    assert stopped.value.code == 2 and "agenda and schedule in INSTRUCTORS.md" in capsys.readouterr().err
    assert guide.read_text(encoding="utf-8") == before
    asked = []
    monkeypatch.setattr(workshop.cli, "time_notebooks", lambda notebooks, on_measured: asked.extend(notebooks) or [
        workshop.NotebookTiming(p.name, "Title", [], 30, 50.0) for p in notebooks])
    doc = tmp_path / "GUIDE.md"
    doc.write_text("<!-- agenda:start -->\n<!-- agenda:end -->\n<!-- schedule:start -->\n<!-- schedule:end -->\n")
    assert workshop.main(["timings", "--notebooks", "05", "--output", str(doc)]) == 0
    assert [p.name[:2] for p in asked] == ["05"] and "05_benchmark_cpu_gpu.ipynb" in doc.read_text()
    assert "the schedule was left as it was" in capsys.readouterr().out


# --------------------------------------------------------------------------- schedule

def _timings() -> list[workshop.NotebookTiming]:
    return [workshop.NotebookTiming(p.name, f"Title {p.name[:2]}", [], 30, 50.0) for p in NOTEBOOKS]


def test_schedule_has_clock_times_breaks_and_every_notebook() -> None:
    text = workshop.schedule_markdown(_timings(), start="09:00")
    full, rest = text.split("**Half day**")
    half, advanced = rest.split("**Advanced half day**")
    times = re.findall(r"^\| (\d\d:\d\d)–(\d\d:\d\d) \|", full, re.M)
    assert times[0][0] == "09:00" and all(a[1] == b[0] for a, b in zip(times, times[1:]))  # no gaps
    assert "17:30" >= times[-1][1] and "| Lunch |" in full and full.count("| Break |") == 2 and "Setup" in full
    assert all(f"](notebooks/{p.name})" in full + advanced for p in NOTEBOOKS)
    assert "notebooks/09_" in advanced and "notebooks/10_" in advanced and "notebooks/09_" not in full
    advanced_times = re.findall(r"^\| (\d\d:\d\d)–(\d\d:\d\d) \|", advanced, re.M)
    assert advanced_times[-1][1] <= "13:00" and "Recap" in advanced
    # 01: teach 15 + run 50 s (1 min) + exercises 15 = 31, rounded up to 35
    assert "| 09:30–10:05 | 01 · [Title 01](notebooks/01_define_and_train.ipynb): teach 15 min, run 1 min, " \
           "exercises 15 min | 35 |" in full
    half_times = re.findall(r"^\| (\d\d:\d\d)–(\d\d:\d\d) \|", half, re.M)
    assert half_times[-1][1] <= "13:00" and "notebooks/05_" not in half


def test_schedule_refuses_a_notebook_without_minutes(monkeypatch) -> None:
    monkeypatch.delitem(workshop.LESSON_MINUTES, "03")
    with pytest.raises(ValueError, match="LESSON_MINUTES"):
        workshop.schedule_markdown(_timings())


def test_instructors_guide_schedule_matches_its_agenda() -> None:
    guide = ROOT / "INSTRUCTORS.md"
    text = guide.read_text(encoding="utf-8")
    block = text.split("<!-- schedule:start -->\n", 1)[1].split("<!-- schedule:end -->", 1)[0]
    assert block == workshop.schedule_markdown(workshop.read_agenda(guide)), "run: python -m helpers.workshop schedule"


# --------------------------------------------------------------------------- sizing

def test_sizing_arithmetic() -> None:
    usages = [workshop.NotebookUsage("01_a.ipynb", "A", 10, 30, 1000),
              workshop.NotebookUsage("02_b.ipynb", "B", 20, 90, 2000, 1700)]
    text = workshop.sizing_markdown(usages, users=30, machine="test machine")
    assert "| 02 | [B](notebooks/02_b.ipynb) | 20 s | 90 s | 2,000 MB | 1,700 MB |" in text
    assert "| 01 | [A](notebooks/01_a.ipynb) | 10 s | 30 s | 1,000 MB | n/a |" in text
    assert "limit of **3 GB**" in text  # 2 GB × 1.25 + 0.25 GB = 2.75, rounded up to 0.5 GB
    assert "30 × 3 GB + 4 GB" in text and "**94 GB**" in text
    assert "**9 cores**" in text and "up to 3.0 GB" in text  # 2 × 30 × 90 / 600 = 9; both kernels: 3 GB
    with pytest.raises(ValueError, match="at least one"):
        workshop.sizing_markdown([])


def test_sizing_command_measures_one_notebook(tmp_path, capsys) -> None:
    doc = tmp_path / "GUIDE.md"
    doc.write_text("intro\n<!-- sizing:start -->\nrun the command\n<!-- sizing:end -->\noutro\n")
    notebook = ROOT / "notebooks" / "01_define_and_train.ipynb"
    assert workshop.main(["sizing", "--notebooks", str(notebook), "--users", "30", "--output", str(doc)]) == 0
    row = re.search(r"^\| 01 \| .+ \| (\d+) s \| (\d+) s \| ([\d,]+) MB \| ([\d,]+) MB \|$", doc.read_text(), re.M)
    assert row, doc.read_text()
    seconds, cpu, peak, cpu_only = int(row[1]), int(row[2]), int(row[3].replace(",", "")), int(row[4].replace(",", ""))
    assert seconds >= 1 and cpu >= 1 and peak > 150  # a kernel that imported torch holds well over 150 MB
    assert 150 < cpu_only <= peak
    assert "run the command" not in doc.read_text() and "A JupyterHub for 30 users" in doc.read_text()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kernel_memory_reads_a_running_process_peak_and_its_cuda_libraries() -> None:
    import torch

    child = subprocess.Popen([sys.executable, "-c", "import sys, torch\nbig = bytearray(400_000_000)\ndel big\n"
                              "print('ready', flush=True)\nsys.stdin.read()"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        memory = workshop.sizing.kernel_memory(child.pid)
    finally:
        child.communicate("", timeout=30)
    assert memory.peak_mb > 400  # the freed 400 MB still count: VmHWM is the peak, not the present
    if torch.version.cuda:  # PyTorch's CUDA build maps its CUDA libraries even without a GPU
        assert 50 < memory.cuda_libraries_mb < memory.peak_mb
    else:
        assert memory.cuda_libraries_mb == 0
    assert memory.cpu_only_peak_mb == memory.peak_mb - memory.cuda_libraries_mb
    with pytest.raises(RuntimeError, match="must still run"):
        workshop.sizing.kernel_memory(child.pid)


def test_make_test_fails_a_notebook_whose_kernel_goes_over_binders_budget(tmp_path) -> None:
    import nbformat

    budget = workshop.sizing.BINDER_BUDGET_MB
    for name, size in (("heavy", int(budget * 1.2e6)), ("light", 1000)):
        cells = [nbformat.v4.new_code_cell(f"big = bytearray({size})\ndel big"), nbformat.v4.new_code_cell("1 + 1")]
        nbformat.write(nbformat.v4.new_notebook(cells=cells), tmp_path / f"{name}.ipynb")
    # The repository's conftest.py, loaded as a plugin, with nbval on the two notebooks (outputs not compared).
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "conftest", "-o", "addopts=", "--nbval-lax",
                           "-p", "no:cacheprovider", "-q", str(tmp_path / "heavy.ipynb"), str(tmp_path / "light.ipynb")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "1 failed, 3 passed" in done.stdout, done.stdout + done.stderr
    assert f"heavy.ipynb: the kernel peaked at" in done.stdout and f"over Binder's budget of {budget:,} MB" in done.stdout
    assert "FAILED" in done.stdout and "light.ipynb" not in done.stdout.split("short test summary")[1]


def test_the_hub_steps_set_the_memory_limit_the_sizing_gives() -> None:
    guide = (ROOT / "INSTRUCTORS.md").read_text(encoding="utf-8")
    limit = re.search(r"a limit of \*\*([\d.]+) GB\*\*", guide.split("<!-- sizing:start -->", 1)[1]).group(1)
    assert f"tljh-config set limits.memory {limit}G`" in guide
    assert guide.count(f"the {limit} GB limit") == 2, "the doctor's memory row and the kernels left open"


def test_instructors_guide_has_the_sizing_section() -> None:
    text = (ROOT / "INSTRUCTORS.md").read_text(encoding="utf-8")
    block = text.split("<!-- sizing:start -->", 1)[1].split("<!-- sizing:end -->", 1)[0]
    assert "python -m helpers.workshop sizing" in block


def test_the_student_branch_shares_mains_history_and_a_fresh_clone_continues_it(clone, tmp_path) -> None:
    first = workshop.publish_students(clone)
    assert _git(clone, "rev-list", "--parents", "-n", "1", first).split()[1:] == [_git(clone, "rev-parse", "HEAD")]
    _git(clone, "merge-base", "HEAD", "students")  # fails on unrelated histories
    (clone / "ERRATA.md").write_text("A fix during the day.\n", encoding="utf-8")
    _git(clone, "add", "ERRATA.md")
    _git(clone, "commit", "--quiet", "-m", "a fix during the day")
    again = tmp_path / "again"  # an instructor's second machine: students exists only as origin/students
    subprocess.run(["git", "clone", "--quiet", str(clone), str(again)], check=True)
    assert _git(again, "branch", "--list", "students") == ""
    second = workshop.publish_students(again)
    parents = _git(again, "rev-list", "--parents", "-n", "1", second).split()[1:]
    assert parents == [first, _git(again, "rev-parse", "HEAD")]  # continues the published branch: a fast-forward push


@pytest.mark.parametrize("launch", list(workshop.LAUNCH_PATHS))
def test_the_handout_gives_every_notebook_and_the_links_of_its_launch_path(launch, capsys) -> None:
    hub = ["--hub-url", "https://hub.example.org"] if launch == "hub" else []
    assert workshop.main(["handout", "--launch", launch, *hub]) == 0
    text = capsys.readouterr().out
    for path in NOTEBOOKS:
        assert workshop.notebook_outline(path)[0] in text
        expected = {"hub": course.nbgitpuller_url("https://hub.example.org", notebook=path.name),
                    "colab": course.colab_url(path.name, course.STUDENT_BRANCH)}.get(launch, f"notebooks/{path.name}")
        assert expected in text, (launch, path.name)
    if launch == "binder":
        assert course.binder_url(course.STUDENT_BRANCH) in text
    assert f"/{course.BRANCH}/" not in text  # student copies unless --solutions
    assert "Shut Down Kernel" in text


def test_the_handout_says_when_the_student_branch_was_never_published(tmp_path, capsys) -> None:
    """Pass 24: a handout printed before publish-students linked a branch that did not exist, without a word."""
    from helpers.workshop import cli

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    _git(tmp_path, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "first")
    assert cli._note_unpublished(tmp_path, "students")
    note = capsys.readouterr().err
    assert "publish-students, then git push origin students" in note and "'students' branch" in note, note
    _git(tmp_path, "update-ref", "refs/remotes/origin/students", "HEAD")  # fetched from a colleague's push
    assert not cli._note_unpublished(tmp_path, "students")
    _git(tmp_path, "update-ref", "-d", "refs/remotes/origin/students")
    _git(tmp_path, "branch", "students")  # published here, not pushed yet: publish-students said to push
    assert not cli._note_unpublished(tmp_path, "students") and capsys.readouterr().err == ""
    assert not cli._note_unpublished(tmp_path / "not-a-clone", "students")  # an installed package: nothing known


@pytest.mark.parametrize("args,words", [
    (["--launch", "hub"], "needs the hub's address"),
    (["--launch", "colab", "--hub-url", "https://hub.example.org"], "is for launch='hub'"),
    (["--launch", "hub", "--hub-url", "hub.example.org"], "hub's address"),
    (["--launch", "laptop"], "invalid choice"),
])
def test_the_handout_refuses_a_missing_or_stray_hub_address(args, words, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        workshop.main(["handout", *args])
    assert exit_info.value.code == 2 and words in capsys.readouterr().err


def test_the_documents_give_the_doctors_disk_numbers() -> None:
    from helpers.machine_checks import CPU_INSTALL_GB, INSTALL_GB, MIN_FREE_GB

    read = {name: (ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "README.ko.md",
                                                                          "docs/SETUP.md", "INSTRUCTORS.md")}
    assert f"about {INSTALL_GB:g} GB" in read["README.md"] and f"약 {INSTALL_GB:g} GB" in read["README.ko.md"]
    assert f"about **{INSTALL_GB:g} GB**" in read["docs/SETUP.md"]
    assert f"about **{CPU_INSTALL_GB:g} GB**" in read["docs/SETUP.md"]
    assert f"about {INSTALL_GB + MIN_FREE_GB:g} GB of free disk" in read["INSTRUCTORS.md"]
    assert f"{CPU_INSTALL_GB + MIN_FREE_GB:g} GB for the" in read["INSTRUCTORS.md"]


def test_the_handout_lists_the_days_notebooks_and_sends_binder_users_elsewhere_for_heavy_ones(capsys) -> None:
    assert workshop.main(["handout", "--launch", "binder", "--notebooks", "01", "06"]) == 0
    text = capsys.readouterr().out
    assert "notebooks/01_" in text and "notebooks/06_" in text and "notebooks/02_" not in text
    assert "needs more memory than Binder gives" not in text  # every notebook fits (BINDER_TOO_BIG is empty)
    with pytest.raises(SystemExit):
        workshop.main(["handout", "--launch", "colab", "--notebooks", "13"])


def test_the_handout_sends_a_notebook_binder_cannot_hold_to_colab(monkeypatch) -> None:
    from helpers.workshop import handout

    monkeypatch.setattr(handout, "BINDER_TOO_BIG", ("06",))
    text = handout.student_handout("binder", notebooks=["01", "06"])
    assert "Notebook 06 needs more memory than Binder gives (about 2 GB): open it on Colab instead." in text
    assert "needs more memory" not in handout.student_handout("colab", notebooks=["01", "06"])


def test_the_notebooks_binder_cannot_hold_are_those_the_sizing_measured_over_2_gb() -> None:
    from helpers.workshop.handout import BINDER_TOO_BIG

    guide = (ROOT / "INSTRUCTORS.md").read_text(encoding="utf-8")
    sizing = guide.split("<!-- sizing:start -->", 1)[1].split("<!-- sizing:end -->", 1)[0]
    peaks = {row[0]: float(row[-1].removesuffix(" MB").replace(",", "")) for row in
             ([cell.strip() for cell in line.strip("|").split("|")] for line in sizing.splitlines())
             if len(row) == 6 and row[0].isdigit()}  # the last column: without the CUDA libraries, as on Binder
    assert len(peaks) == len(course.list_notebooks())
    assert sorted(n for n, mb in peaks.items() if mb > 2000) == sorted(BINDER_TOO_BIG)
    assert max(peaks.values()) <= workshop.sizing.BINDER_BUDGET_MB, "make test fails a notebook over the budget"
