"""Sizing a JupyterHub for the instructor: each notebook's peak memory and CPU time, and the machine they imply."""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .agenda import _fill_between, executed_cleanly, notebook_outline

__all__ = ["USER_SERVER_GB", "HUB_GB", "MEMORY_MARGIN", "BURST_SECONDS", "THREADS_PER_USER", "NotebookUsage",
           "measure_notebook", "sizing_markdown", "update_sizing"]

_SIZING = ("<!-- sizing:start -->", "<!-- sizing:end -->")

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


_MEASURE = "import sys; from helpers.workshop.sizing import _report_usage; _report_usage(sys.argv[1])"


def _report_usage(path: str) -> None:
    """Run in a child Python by ``measure_notebook``: execute one notebook, print its kernel's usage as JSON."""
    import resource  # Unix only

    with tempfile.TemporaryDirectory() as workdir:
        seconds = executed_cleanly(Path(path), Path(workdir))
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
    root = str(Path(__file__).resolve().parents[2])  # the folder that holds helpers/
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
