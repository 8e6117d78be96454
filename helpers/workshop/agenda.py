"""The instructor guide's agenda: each notebook's title, objectives and measured run time, as a Markdown table."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import re
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from ..course import list_notebooks, read_notebook

__all__ = ["NotebookTiming", "notebook_outline", "execute_notebook", "executed_cleanly", "failed_cells",
           "time_notebooks", "agenda_markdown",
           "update_agenda", "read_agenda"]

_START, _END = "<!-- agenda:start -->", "<!-- agenda:end -->"
_AGENDA_ROW = re.compile(r"^\| (\d\d) \| \[(.+?)\]\(notebooks/(.+?)\) \| (\d+) s \| (\d+|\?) min \|$", re.M)


def notebook_outline(path: Path) -> tuple[str, list[str], int | None]:
    """Title, objectives and estimated minutes, read from a notebook's first cell (English or Korean headings)."""
    first = "".join(read_notebook(path)["cells"][0]["source"])
    title = re.search(r"^# \d\d · (.+)$", first, re.M)
    block = re.split(r"\*\*(?:Objectives|학습 목표)\*\*", first, maxsplit=1)[-1]
    block = re.split(r"\*\*(?:Prerequisites|선수 지식)", block, maxsplit=1)[0]
    objectives: list[str] = []
    for line in block.splitlines():
        if line.startswith("- "):
            objectives.append(line[2:].strip())
        elif line.startswith("  ") and line.strip() and objectives:  # a bullet continued on the next line
            objectives[-1] += " " + line.strip()
    minutes = re.search(r"\*\*(?:Estimated time|예상 시간):\*\* (\d+) ?(?:minutes|분)", first)
    return (title.group(1) if title else path.stem), objectives, int(minutes.group(1)) if minutes else None


def failed_cells(notebook: dict) -> list[str]:
    """``"cell N: Error: message"`` for each code cell that raised, except those tagged ``raises-exception``."""
    failures = []
    for number, cell in enumerate(c for c in notebook["cells"] if c["cell_type"] == "code"):
        if "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                failures.append(f"code cell {number}: {output.get('ename')}: {str(output.get('evalue'))[:200]}")
    return failures


def execute_notebook(path: Path, workdir: Path, timeout: int = 600,
                     after_each_cell: Callable[[int], None] | None = None) -> tuple[dict, float]:
    """Execute a notebook with nbclient in ``workdir``; returns the executed notebook and the seconds it took.

    Every cell runs even after one fails (``failed_cells`` lists the failures): measurements call
    ``executed_cleanly`` so that a notebook that crashed is never reported as timed or sized.
    ``after_each_cell(pid)`` is called with the kernel's process id after each code cell, while it still runs."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(str(path), as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(workdir)}})
    if after_each_cell is not None:
        client.on_cell_executed = lambda **_: after_each_cell(client.km.provisioner.pid)
    started, interrupted = time.perf_counter(), []

    def note_interrupt(signum: int, frame: object) -> None:
        interrupted.append(signum)
        raise KeyboardInterrupt
    try:  # a terminal's Ctrl-C reaches the kernel too, which may die first: nbclient then raises its own errors
        previous = signal.signal(signal.SIGINT, note_interrupt)
    except ValueError:  # not the main thread: signals stay as they are
        previous = None
    try:
        client.execute()
    except Exception as error:  # pass 17: AssertionError after a KeyboardInterrupt; pass 18: DeadKernelError
        if interrupted or isinstance(error.__context__, KeyboardInterrupt):
            raise KeyboardInterrupt(f"interrupted while executing {path.name}") from None
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return notebook, time.perf_counter() - started


def executed_cleanly(path: Path, workdir: Path, after_each_cell: Callable[[int], None] | None = None) -> float:
    """Execute ``path`` in ``workdir`` and return its seconds; a cell that raised makes it a RuntimeError."""
    notebook, seconds = execute_notebook(path, workdir, after_each_cell=after_each_cell)
    failures = failed_cells(notebook)
    if failures:
        raise RuntimeError(f"{path.name} did not run cleanly, so its time and memory would mean nothing: "
                           + "; ".join(failures[:3]) + ". Fix the notebook (or the environment), then measure again.")
    return seconds


@dataclass(frozen=True)
class NotebookTiming:
    """How long one notebook took to execute top to bottom, and what it teaches."""

    name: str
    title: str
    objectives: list[str]
    estimated_minutes: int | None
    seconds: float


def time_notebooks(notebooks: Sequence[Path] | None = None,
                   on_measured: Callable[[NotebookTiming], None] | None = None) -> list[NotebookTiming]:
    """Execute each notebook in a fresh temporary folder (as a student would, nothing cached) and time it.

    ``on_measured`` is called with each timing as soon as it is measured, so that a notebook failing
    late in the run does not lose the times already taken.
    """
    timings = []
    for path in notebooks or list_notebooks():
        with tempfile.TemporaryDirectory() as workdir:
            seconds = executed_cleanly(path, Path(workdir))
        title, objectives, minutes = notebook_outline(path)
        timings.append(NotebookTiming(path.name, title, objectives, minutes, seconds))
        if on_measured is not None:
            on_measured(timings[-1])
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
    """Replace the text between the markers ``start`` and ``end`` in ``document`` with ``content``.

    The schedule and sizing sections of the instructor guide are filled in the same way.
    """
    text = document.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    if start not in text or end not in text:
        raise ValueError(f"{document} has no {start} ... {end} section to fill in: add the two markers first.")
    if lines.count(start) != 1 or lines.count(end) != 1 or lines.index(start) > lines.index(end):
        raise ValueError(f"{document} must hold {start} and then {end}, each once on a line of its own (found "
                         f"{lines.count(start)} and {lines.count(end)}): restore the section's markers (git diff shows "
                         "what changed); nothing was written.")
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    document.write_text(f"{head}{start}\n{content}{end}{tail}", encoding="utf-8")


def update_agenda(document: Path, agenda: str) -> None:
    """Replace the text between the agenda markers in ``document`` with ``agenda``."""
    _fill_between(document, _START, _END, agenda)


def read_agenda(document: Path) -> list[NotebookTiming]:
    """The measured run times in ``document``'s agenda table, without executing anything."""
    table = document.read_text(encoding="utf-8").split(_START, 1)[-1].split(_END, 1)[0]
    rows = _AGENDA_ROW.findall(table)
    if not rows:
        raise ValueError(f"{document} has no agenda table: run python -m helpers.workshop timings first.")
    unread = [line for line in table.splitlines() if re.match(r"^\| \d\d \|", line) and not _AGENDA_ROW.match(line)]
    numbers = [number for number, *_ in rows]
    twice = sorted({n for n in numbers if numbers.count(n) > 1})
    if unread or twice:  # pass 13: a hand-edited "1,053 s" row was dropped and "no timing" blamed the notebook
        raise ValueError(f"{document}'s agenda: " + (f"the row {unread[0].strip()[:80]!r} cannot be read (its run time is "
                         "a whole number of seconds, such as '| 1053 s |')" if unread else
                         f"notebook {twice[0]} has more than one row") + ": fix it, or run python -m helpers.workshop "
                         "timings again.")
    return [NotebookTiming(name, title, [], None if slot == "?" else int(slot), float(seconds))
            for _, title, name, seconds, slot in rows]
