"""Workshop tooling: student copies without solutions, measured notebook timings, the instructor agenda.

    python -m helpers.workshop student [--output student]   # notebooks with solution cells blanked
    python -m helpers.workshop publish-students [--branch students]  # commit student copies to a branch
    python -m helpers.workshop timings [--output INSTRUCTORS.md]  # execute every notebook, write agenda and schedule
    python -m helpers.workshop schedule [--output INSTRUCTORS.md]  # rewrite the schedule from the agenda's timings
    python -m helpers.workshop sizing [--notebooks ...] [--users 30]  # peak memory and CPU: JupyterHub sizing
    python -m helpers.workshop sync       # rewrite every notebook's setup cell and Colab badge from helpers.course
"""

from __future__ import annotations

import argparse
import copy
import datetime as _dt
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .course import NOTEBOOKS_DIR, STUDENT_BRANCH, all_notebooks, list_notebooks, sync_notebooks

__all__ = [
    "SOLUTION_TAG",
    "NotebookTiming",
    "make_student_notebook",
    "write_student_copies",
    "notebook_outline",
    "execute_notebook",
    "time_notebooks",
    "agenda_markdown",
    "update_agenda",
    "read_agenda",
    "schedule_markdown",
    "update_schedule",
    "publish_students",
    "NotebookUsage",
    "measure_notebook",
    "sizing_markdown",
    "update_sizing",
    "main",
]

SOLUTION_TAG = "solution"
_ANSWER = re.compile(r"^(answer_\w+)\s*=", re.M)
_START, _END = "<!-- agenda:start -->", "<!-- agenda:end -->"
_SCHEDULE = ("<!-- schedule:start -->", "<!-- schedule:end -->")
_SIZING = ("<!-- sizing:start -->", "<!-- sizing:end -->")
_AGENDA_ROW = re.compile(r"^\| (\d\d) \| \[(.+?)\]\(notebooks/(.+?)\) \| (\d+) s \| (\d+|\?) min \|$", re.M)


def make_student_notebook(notebook: dict) -> dict:
    """A copy of ``notebook`` whose solution cells are blanked for students, with all outputs cleared.

    A solution cell keeps its leading comment lines (the instructions) and nothing else of its code:
    each ``answer_...`` it assigns becomes ``None``, so the check below it says "not done yet". Anything
    a student needs to start from belongs in an untagged cell before the solution cell.
    """
    student = copy.deepcopy(notebook)
    for cell in student["cells"]:
        if cell["cell_type"] != "code":
            continue
        cell["outputs"], cell["execution_count"] = [], None
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"])
            names = list(dict.fromkeys(_ANSWER.findall(source)))
            if not names:
                raise ValueError(f"A solution cell assigns no answer_... variable:\n{source}")
            lines = source.splitlines()
            comments = [line for line in lines[:next((i for i, l in enumerate(lines) if not l.startswith("#")),
                                                      len(lines))]]
            cell["source"] = "\n".join(comments + ["# your code here", ""]
                                       + [f"{name} = None  # your answer here" for name in names])
            cell["metadata"]["tags"] = [t for t in cell["metadata"]["tags"] if t != SOLUTION_TAG] + ["exercise"]
    return student


def write_student_copies(output: Path, notebooks: Sequence[Path] | None = None) -> list[Path]:
    """Write student versions of the course notebooks (translations in subfolders) into ``output``; returns them."""
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks or all_notebooks():
        student = make_student_notebook(json.loads(path.read_text(encoding="utf-8")))
        folder = path.resolve().parent
        target = output / (folder.relative_to(NOTEBOOKS_DIR) if folder.is_relative_to(NOTEBOOKS_DIR) else "") / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(student, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    return written


def notebook_outline(path: Path) -> tuple[str, list[str], int | None]:
    """Title, objectives and estimated minutes, read from a notebook's first cell."""
    first = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])
    title = re.search(r"^# \d\d · (.+)$", first, re.M)
    block = first.split("**Objectives**", 1)[-1].split("**Prerequisites", 1)[0]
    objectives: list[str] = []
    for line in block.splitlines():
        if line.startswith("- "):
            objectives.append(line[2:].strip())
        elif line.startswith("  ") and line.strip() and objectives:  # a bullet continued on the next line
            objectives[-1] += " " + line.strip()
    minutes = re.search(r"\*\*Estimated time:\*\* (\d+) minutes", first)
    return (title.group(1) if title else path.stem), objectives, int(minutes.group(1)) if minutes else None


def execute_notebook(path: Path, workdir: Path, timeout: int = 600) -> tuple[dict, float]:
    """Execute a notebook with nbclient in ``workdir``; returns the executed notebook and the seconds it took."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(str(path), as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(workdir)}})
    started = time.perf_counter()
    client.execute()
    return notebook, time.perf_counter() - started


@dataclass(frozen=True)
class NotebookTiming:
    """How long one notebook took to execute top to bottom, and what it teaches."""

    name: str
    title: str
    objectives: list[str]
    estimated_minutes: int | None
    seconds: float


def time_notebooks(notebooks: Sequence[Path] | None = None) -> list[NotebookTiming]:
    """Execute each notebook in a fresh temporary folder (as a student would, nothing cached) and time it."""
    timings = []
    for path in notebooks or list_notebooks():
        with tempfile.TemporaryDirectory() as workdir:
            _, seconds = execute_notebook(path, Path(workdir))
        title, objectives, minutes = notebook_outline(path)
        timings.append(NotebookTiming(path.name, title, objectives, minutes, seconds))
    return timings


def agenda_markdown(timings: Sequence[NotebookTiming], machine: str | None = None) -> str:
    """The agenda table and objectives, in Markdown, built from measured timings."""
    machine = machine or f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    date = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d")
    total_minutes = sum(t.estimated_minutes or 0 for t in timings)
    lines = [
        f"Measured by `python -m helpers.workshop timings` on {date} ({machine}): each notebook executed top to",
        "bottom in a fresh folder. *Run time* is the machine's time for all cells; *slot* is the notebook's own",
        "estimate of a student's time (reading, running, exercises).",
        "",
        "| # | Notebook | Run time | Slot |",
        "|---|----------|---------:|-----:|",
    ]
    for t in timings:
        lines.append(f"| {t.name[:2]} | [{t.title}](notebooks/{t.name}) | {t.seconds:.0f} s | "
                     f"{t.estimated_minutes or '?'} min |")
    lines.append(f"| | **Total** | **{sum(t.seconds for t in timings):.0f} s** | **{total_minutes} min** |")
    lines += ["", "### Learning objectives", ""]
    for t in timings:
        lines.append(f"**{t.name[:2]} · {t.title}**")
        lines += [f"- {objective}" for objective in t.objectives] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _fill_between(document: Path, start: str, end: str, content: str) -> None:
    """Replace the text between the markers ``start`` and ``end`` in ``document`` with ``content``."""
    text = document.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise ValueError(f"{document} has no {start} ... {end} section to fill in: add the two markers first.")
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    document.write_text(f"{head}{start}\n{content}{end}{tail}", encoding="utf-8")


def update_agenda(document: Path, agenda: str) -> None:
    """Replace the text between the agenda markers in ``document`` with ``agenda``."""
    _fill_between(document, _START, _END, agenda)


def read_agenda(document: Path) -> list[NotebookTiming]:
    """The measured run times in ``document``'s agenda table, without executing anything."""
    rows = _AGENDA_ROW.findall(document.read_text(encoding="utf-8").split(_START, 1)[-1].split(_END, 1)[0])
    if not rows:
        raise ValueError(f"{document} has no agenda table: run python -m helpers.workshop timings first.")
    return [NotebookTiming(name, title, [], None if slot == "?" else int(slot), float(seconds))
            for _, title, name, seconds, slot in rows]


# --------------------------------------------------------------------------- a timetable from the agenda

# Minutes of teaching (live-coding and explaining) and of exercises per notebook. A notebook's slot adds
# its measured run time (students wait for their cells) and is rounded up to 5 minutes.
LESSON_MINUTES = {"01": (15, 15), "02": (25, 15), "03": (15, 15), "04": (25, 15), "05": (25, 15),
                  "06": (30, 15), "07": (25, 15), "08": (25, 20)}
FULL_DAY = ("setup", "01", "02", "break", "03", "04", "lunch", "05", "06", "break", "07", "08", "wrap-up")
HALF_DAY = ("setup", "01", "02", "break", "03", "04", "demo 05", "wrap-up")
SESSIONS = {  # the parts of a day that are not notebooks: minutes and what happens
    "setup": (30, "Setup: everyone runs `python -m helpers.doctor` (or opens the hub link) and then notebook 01"),
    "break": (15, "Break"),
    "lunch": (60, "Lunch"),
    "demo 05": (15, "Notebook 05 as a demo: the instructor runs the timing loop and the sweep; no exercises"),
    "wrap-up": (15, "Wrap-up: questions, the summaries, what to read next"),
}


def _notebook_slot(timing: NotebookTiming) -> tuple[int, str]:
    """Minutes and description of one notebook's slot in a timetable."""
    number = timing.name[:2]
    if number not in LESSON_MINUTES:
        raise ValueError(f"No teaching and exercise minutes for notebook {number}: add them to LESSON_MINUTES "
                         "in helpers/workshop.py.")
    teach, exercises = LESSON_MINUTES[number]
    run = math.ceil(timing.seconds / 60)
    minutes = 5 * math.ceil((teach + run + exercises) / 5)
    return minutes, (f"{number} · [{timing.title}](notebooks/{timing.name}): teach {teach} min, "
                     f"run {run} min, exercises {exercises} min")


def _timetable(plan: Sequence[str], timings: Sequence[NotebookTiming], start: str) -> list[str]:
    by_number = {t.name[:2]: t for t in timings}
    missing = [item for item in plan if item not in SESSIONS and item not in by_number]
    if missing:
        raise ValueError(f"The agenda has no timing for notebook(s) {missing}: run python -m helpers.workshop timings.")
    clock = _dt.datetime.strptime(start, "%H:%M")
    rows = ["| Time | Session | Minutes |", "|---|---|---:|"]
    for item in plan:
        minutes, text = SESSIONS[item] if item in SESSIONS else _notebook_slot(by_number[item])
        end = clock + _dt.timedelta(minutes=minutes)
        rows.append(f"| {clock:%H:%M}–{end:%H:%M} | {text} | {minutes} |")
        clock = end
    return rows


def schedule_markdown(timings: Sequence[NotebookTiming], start: str = "09:00") -> str:
    """A full-day and a half-day timetable with clock times, from measured run times and ``LESSON_MINUTES``."""
    lines = [
        "Written by `python -m helpers.workshop schedule` from the run times in the agenda above and the",
        "teaching and exercise minutes in `helpers/workshop.py` (`LESSON_MINUTES`). A notebook's slot is",
        "teaching + run time (rounded up to a minute) + exercises, rounded up to 5 minutes.",
        "", "**Full day** (all eight notebooks)", "",
    ]
    lines += _timetable(FULL_DAY, timings, start)
    lines += ["", "**Half day** (the blog post's promises: define, export, inspect, reload; 05 as a demo)", ""]
    lines += _timetable(HALF_DAY, timings, start)
    return "\n".join(lines) + "\n"


def update_schedule(document: Path, schedule: str) -> None:
    """Replace the text between the schedule markers in ``document`` with ``schedule``."""
    _fill_between(document, *_SCHEDULE, schedule)


# --------------------------------------------------------------------------- student copies on a branch

def _git(repo: Path, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
         check: bool = True) -> str:
    """Run one git command in ``repo``; returns its output. A failure raises with git's own message."""
    done = subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True,
                          env={**os.environ, **(env or {})})
    if check and done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {repo}:\n{done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode("utf-8").strip() if done.returncode == 0 else ""


def _student_tree(repo: Path, source: str) -> str:
    """A git tree like ``source``'s, each course notebook replaced by its student copy; returns its id.

    Notebooks in subfolders of ``notebooks/`` (translations, say) are blanked too: none may keep a solution.
    """
    names = _git(repo, "ls-tree", "-r", "--name-only", source, "notebooks/").splitlines()
    notebooks = [name for name in names if re.fullmatch(r"notebooks/(?:[^/]+/)*\d\d_[^/]+\.ipynb", name)]
    if not notebooks:
        raise ValueError(f"{source} in {repo} has no notebooks/NN_*.ipynb: run this in the course repository.")
    with tempfile.TemporaryDirectory() as scratch:
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}  # leaves the repository's own index alone
        _git(repo, "read-tree", source, env=index)
        for name in notebooks:
            student = make_student_notebook(json.loads(_git(repo, "show", f"{source}:{name}")))
            text = json.dumps(student, indent=1, ensure_ascii=False) + "\n"
            blob = _git(repo, "hash-object", "-w", "--stdin", stdin=text.encode("utf-8"))
            _git(repo, "update-index", "--cacheinfo", f"100644,{blob},{name}", env=index)
        return _git(repo, "write-tree", env=index)


def publish_students(repo: Path, branch: str = STUDENT_BRANCH, source: str = "HEAD") -> str | None:
    """Commit student copies of ``source``'s notebooks to ``branch``; returns the commit, or None if up to date.

    The commit holds ``source``'s whole tree with every notebook's solutions blanked and outputs cleared,
    so ``helpers/`` sits beside the notebooks. Only git objects change: the working tree, the index and
    the current branch stay as they are. Each commit's parent is the branch's previous commit, so the
    branch only moves forward and nbgitpuller can merge it into students' copies. Nothing is pushed.
    """
    _git(repo, "check-ref-format", "--branch", branch)
    if _git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False) == branch:
        raise ValueError(f"{branch} is checked out in {repo}: switch to the course's own branch first.")
    tree = _student_tree(repo, source)
    parent = _git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}", check=False)
    if parent and _git(repo, "rev-parse", f"{parent}^{{tree}}") == tree:
        return None
    origin = _git(repo, "rev-parse", "--short", source)
    message = f"Student copies of {origin}: solutions blanked, outputs cleared"
    commit = _git(repo, "commit-tree", tree, "-m", message, *(["-p", parent] if parent else []))
    _git(repo, "update-ref", "-m", "publish-students", f"refs/heads/{branch}", commit, parent)
    return commit


# --------------------------------------------------------------------------- sizing a JupyterHub

USER_SERVER_GB = 0.25  # a user's Jupyter server besides the kernel
HUB_GB = 4.0  # the hub, its proxy and the operating system
MEMORY_MARGIN = 1.25  # on top of the heaviest kernel's measured peak
BURST_SECONDS = 600  # everyone runs the heaviest notebook's cells within about ten minutes of each other
THREADS_PER_USER = 2


@dataclass(frozen=True)
class NotebookUsage:
    """What one notebook cost in a fresh kernel: wall time, the kernel's CPU time and its peak memory."""

    name: str
    title: str
    seconds: float
    cpu_seconds: float
    peak_mb: float


_MEASURE = "import sys; from helpers.workshop import _report_usage; _report_usage(sys.argv[1])"


def _report_usage(path: str) -> None:
    """Run in a child Python by ``measure_notebook``: execute one notebook, print its kernel's usage as JSON."""
    import resource  # Unix only

    with tempfile.TemporaryDirectory() as workdir:
        _, seconds = execute_notebook(Path(path), Path(workdir))
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the kernel, reaped when nbclient shut it down
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss counts bytes on macOS, KiB on Linux
    print(json.dumps({"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                      "peak_mb": usage.ru_maxrss * unit / 1e6}))


def measure_notebook(path: Path, timeout: float = 1800) -> NotebookUsage:
    """Execute one notebook in a child Python and a fresh kernel; return its run time, CPU time and peak memory.

    The child's only child is the kernel, so ``getrusage(RUSAGE_CHILDREN)`` read there gives the
    kernel's own peak resident memory and CPU time, exactly and without sampling.
    """
    if sys.platform == "win32":
        raise RuntimeError("Sizing reads memory with the resource module, which Windows lacks: run it on Linux.")
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(path.resolve())], capture_output=True, text=True,
                          env=env, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"Executing {path.name} for sizing failed:\n{done.stderr.strip()[-3000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return NotebookUsage(path.name, notebook_outline(path)[0], data["seconds"], data["cpu_seconds"], data["peak_mb"])


def _hub_sizing(usages: Sequence[NotebookUsage], users: int) -> list[str]:
    """The JupyterHub recommendation, in Markdown bullets, with the arithmetic shown."""
    heaviest = max(usages, key=lambda u: u.peak_mb)
    busiest = max(usages, key=lambda u: u.cpu_seconds)
    peak_gb, every_kernel_gb = heaviest.peak_mb / 1000, sum(u.peak_mb for u in usages) / 1000
    per_user = math.ceil((peak_gb * MEMORY_MARGIN + USER_SERVER_GB) * 2) / 2  # up to the next 0.5 GB
    cores = max(4, math.ceil(2 * users * busiest.cpu_seconds / BURST_SECONDS))
    return [
        f"**A JupyterHub for {users} users**, from these numbers:",
        f"- **Memory per user:** a limit of **{per_user:g} GB** = the heaviest kernel ({heaviest.name[:2]}, "
        f"{peak_gb:.2f} GB) × {MEMORY_MARGIN} + {USER_SERVER_GB} GB for the user's Jupyter server, rounded up to "
        f"0.5 GB. A student who leaves every notebook's kernel running holds up to {every_kernel_gb:.1f} GB: ask "
        "students to shut down each kernel before opening the next notebook, or let the hub cull idle kernels.",
        f"- **Machine memory:** {users} × {per_user:g} GB + {HUB_GB:g} GB for the hub, its proxy and the system "
        f"= **{users * per_user + HUB_GB:g} GB**.",
        f"- **CPU:** the busiest notebook ({busiest.name[:2]}) takes {busiest.cpu_seconds:.0f} CPU seconds. If all "
        f"{users} users run it within {BURST_SECONDS // 60} minutes, that is {users * busiest.cpu_seconds:.0f} "
        f"CPU seconds; twice that, for headroom, over {BURST_SECONDS} s gives **{cores} cores**. Limit each user "
        f"to {THREADS_PER_USER} CPUs and set `COURSE_THREADS={THREADS_PER_USER}` in their environment, so the "
        "benchmarks of notebooks 05 and 06 do not each start one thread per core of the machine.",
    ]


def sizing_markdown(usages: Sequence[NotebookUsage], users: int = 30, machine: str | None = None) -> str:
    """The measured table and the JupyterHub sizing it implies for ``users`` users, in Markdown."""
    if not usages:
        raise ValueError("No notebook was measured: pass at least one notebook to size.")
    machine = machine or f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    date = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d")
    lines = [
        f"Measured by `python -m helpers.workshop sizing` on {date} ({machine}): each notebook executed top to",
        "bottom in a fresh folder and a fresh kernel. *Peak memory* is the kernel's largest resident set size",
        "(`ru_maxrss`); *CPU time* is the kernel's user and system time, over all its threads.",
        "",
        "| # | Notebook | Run time | CPU time | Peak memory |",
        "|---|----------|---------:|---------:|------------:|",
    ]
    lines += [f"| {u.name[:2]} | [{u.title}](notebooks/{u.name}) | {u.seconds:.0f} s | {u.cpu_seconds:.0f} s | "
              f"{u.peak_mb:,.0f} MB |" for u in usages]
    return "\n".join(lines + [""] + _hub_sizing(usages, users)) + "\n"


def update_sizing(document: Path, sizing: str) -> None:
    """Replace the text between the sizing markers in ``document`` with ``sizing``."""
    _fill_between(document, *_SIZING, sizing)


def _parser() -> argparse.ArgumentParser:
    guide = NOTEBOOKS_DIR.parent / "INSTRUCTORS.md"
    parser = argparse.ArgumentParser(prog="python -m helpers.workshop", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    student = sub.add_parser("student", help="write student copies (solutions removed)")
    student.add_argument("--output", type=Path, default=Path("student"))
    publish = sub.add_parser("publish-students", help="commit student copies of HEAD to a branch (nothing is pushed)")
    publish.add_argument("--branch", default=STUDENT_BRANCH)
    publish.add_argument("--repo", type=Path, default=Path.cwd(), help="the course repository (default: here)")
    timings = sub.add_parser("timings", help="execute every notebook, write the agenda and schedule into a file")
    timings.add_argument("--output", type=Path, default=guide)
    schedule = sub.add_parser("schedule", help="rewrite the schedule from the agenda's run times (executes nothing)")
    schedule.add_argument("--output", type=Path, default=guide)
    sizing = sub.add_parser("sizing", help="execute notebooks, measure memory and CPU, write the JupyterHub sizing")
    sizing.add_argument("--notebooks", type=Path, nargs="+", default=None, help="default: every course notebook")
    sizing.add_argument("--users", type=int, default=30)
    sizing.add_argument("--output", type=Path, default=guide)
    sub.add_parser("sync", help="rewrite the notebooks' setup cells and Colab badges from helpers.course")
    return parser


def _publish(repo: Path, branch: str) -> None:
    commit = publish_students(repo, branch)
    if commit is None:
        print(f"{branch} already holds the student copies of HEAD: nothing to commit.")
    else:
        print(f"committed {commit[:12]} to {branch}. Publish it with: git push origin {branch}")


def _timings(document: Path) -> None:
    measured = time_notebooks()
    update_agenda(document, agenda_markdown(measured))
    update_schedule(document, schedule_markdown(measured))
    for t in measured:
        print(f"{t.name}: {t.seconds:.1f} s")
    print("updated", document)


def _sizing(notebooks: Sequence[Path] | None, users: int, document: Path) -> None:
    usages = []
    for path in notebooks or list_notebooks():
        usages.append(measure_notebook(path))
        u = usages[-1]
        print(f"{u.name}: {u.seconds:.0f} s, {u.cpu_seconds:.0f} CPU s, peak {u.peak_mb:,.0f} MB", flush=True)
    update_sizing(document, sizing_markdown(usages, users))
    print("updated", document)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: see the module's docstring."""
    args = _parser().parse_args(argv)
    if args.command == "sync":
        for path in sync_notebooks():
            print("updated", path.name)
    elif args.command == "student":
        for path in write_student_copies(args.output):
            print("wrote", path)
    elif args.command == "publish-students":
        _publish(args.repo, args.branch)
    elif args.command == "timings":
        _timings(args.output)
    elif args.command == "schedule":
        update_schedule(args.output, schedule_markdown(read_agenda(args.output)))
        print("updated", args.output)
    else:
        _sizing(args.notebooks, args.users, args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
