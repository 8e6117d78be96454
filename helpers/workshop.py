"""Workshop tooling: student copies without solutions, measured notebook timings, the instructor agenda.

    python -m helpers.workshop student [--output student]   # notebooks with solution cells blanked
    python -m helpers.workshop timings [--output INSTRUCTORS.md]  # execute every notebook, write the agenda
    python -m helpers.workshop sync       # rewrite every notebook's setup cell and Colab badge from helpers.course
"""

from __future__ import annotations

import argparse
import copy
import datetime as _dt
import json
import os
import platform
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .course import NOTEBOOKS_DIR, list_notebooks, sync_notebooks

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
    "main",
]

SOLUTION_TAG = "solution"
_ANSWER = re.compile(r"^(answer_\w+)\s*=", re.M)
_START, _END = "<!-- agenda:start -->", "<!-- agenda:end -->"


def make_student_notebook(notebook: dict) -> dict:
    """A copy of ``notebook`` whose solution cells assign ``None`` to each answer, with all outputs cleared."""
    student = copy.deepcopy(notebook)
    for cell in student["cells"]:
        if cell["cell_type"] != "code":
            continue
        cell["outputs"], cell["execution_count"] = [], None
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"])
            names = _ANSWER.findall(source)
            if not names:
                raise ValueError(f"A solution cell assigns no answer_... variable:\n{source}")
            kept = [line for line in source.splitlines() if not _ANSWER.match(line) and line.strip()
                    and not line.startswith(" ")]  # setup lines the check needs (e.g. x_check = ...)
            lines = kept + [f"{name} = None  # your answer here" for name in names]
            cell["source"] = "\n".join(lines)
            cell["metadata"]["tags"] = [t for t in cell["metadata"]["tags"] if t != SOLUTION_TAG] + ["exercise"]
    return student


def write_student_copies(output: Path, notebooks: Sequence[Path] | None = None) -> list[Path]:
    """Write student versions of the course notebooks into ``output``; returns their paths."""
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks or list_notebooks():
        student = make_student_notebook(json.loads(path.read_text(encoding="utf-8")))
        target = output / path.name
        target.write_text(json.dumps(student, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    return written


def notebook_outline(path: Path) -> tuple[str, list[str], int | None]:
    """Title, objectives and estimated minutes, read from a notebook's first cell."""
    first = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])
    title = re.search(r"^# \d\d · (.+)$", first, re.M)
    block = first.split("**Objectives**", 1)[-1].split("**Prerequisites", 1)[0]
    objectives = [line[2:].strip() for line in block.splitlines() if line.startswith("- ")]
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


def update_agenda(document: Path, agenda: str) -> None:
    """Replace the text between the agenda markers in ``document`` with ``agenda``."""
    text = document.read_text(encoding="utf-8")
    if _START not in text or _END not in text:
        raise ValueError(f"{document} has no {_START} ... {_END} section to fill in.")
    head, rest = text.split(_START, 1)
    tail = rest.split(_END, 1)[1]
    document.write_text(f"{head}{_START}\n{agenda}{_END}{tail}", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.workshop", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    student = sub.add_parser("student", help="write student copies (solutions removed)")
    student.add_argument("--output", type=Path, default=Path("student"))
    timings = sub.add_parser("timings", help="execute every notebook and write the agenda into a Markdown file")
    timings.add_argument("--output", type=Path, default=NOTEBOOKS_DIR.parent / "INSTRUCTORS.md")
    sub.add_parser("sync", help="rewrite the notebooks' setup cells and Colab badges from helpers.course")
    args = parser.parse_args(argv)
    if args.command == "sync":
        for path in sync_notebooks():
            print("updated", path.name)
        return 0
    if args.command == "student":
        for path in write_student_copies(args.output):
            print("wrote", path)
        return 0
    measured = time_notebooks()
    update_agenda(args.output, agenda_markdown(measured))
    for t in measured:
        print(f"{t.name}: {t.seconds:.1f} s")
    print("updated", args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
