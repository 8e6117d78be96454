"""Sizing a JupyterHub for the instructor: each notebook's peak memory and CPU time, and the machine they imply."""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .agenda import _fill_between, executed_cleanly, notebook_outline

__all__ = ["USER_SERVER_GB", "HUB_GB", "MEMORY_MARGIN", "BURST_SECONDS", "THREADS_PER_USER", "BINDER_BUDGET_MB",
           "KernelMemory", "kernel_memory", "NotebookUsage", "measure_notebook", "sizing_markdown", "update_sizing"]

_SIZING = ("<!-- sizing:start -->", "<!-- sizing:end -->")

USER_SERVER_GB = 0.25  # a user's Jupyter server besides the kernel
HUB_GB = 4.0  # the hub, its proxy and the operating system
MEMORY_MARGIN = 1.25  # on top of the heaviest kernel's measured peak
BURST_SECONDS = 600  # everyone runs the heaviest notebook's cells within about ten minutes of each other
THREADS_PER_USER = 2


BINDER_BUDGET_MB = 1500  # every notebook's kernel, with the CPU-only PyTorch that Binder installs (mybinder.org: 1-2 GB)

# Shared libraries that only PyTorch's CUDA build loads (the CUDA runtime and its libraries from the nvidia-*
# wheels, PyTorch's own CUDA half, Triton): Binder's CPU-only wheel has none of them.
_CUDA_ONLY = re.compile(r"/site-packages/(nvidia|triton|cuda)/|/libtorch_cuda[^/]*\.so|/libc10_cuda\.so")


@dataclass(frozen=True)
class KernelMemory:
    """A running kernel's largest resident set so far, and how much of its resident memory is CUDA libraries."""

    peak_mb: float
    cuda_libraries_mb: float

    @property
    def cpu_only_peak_mb(self) -> float:
        """The peak less the CUDA-only libraries: an upper bound for the same notebook with the CPU-only build
        (that build also maps less anonymous memory when it loads, which is not subtracted)."""
        return self.peak_mb - self.cuda_libraries_mb


def kernel_memory(pid: int) -> KernelMemory:
    """Read ``/proc/PID``: the peak resident set (``VmHWM``, what ``ru_maxrss`` reports when the process ends) and
    the resident size of the CUDA-only libraries it has mapped. Linux only; the process must still run."""
    proc = Path("/proc") / str(int(pid))
    try:
        status = (proc / "status").read_text()
        maps = (proc / "smaps").read_text()
    except OSError as error:
        raise RuntimeError(f"Cannot read the memory of process {pid} ({error.strerror}): it must still run, on "
                           "Linux.") from error
    peak_kb = int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1))
    cuda_kb, mapped = 0, False
    for line in maps.splitlines():
        head = line.split(maxsplit=5)
        if re.fullmatch(r"[0-9a-f]+-[0-9a-f]+", head[0]):  # a mapping's first line: address range ... path
            mapped = len(head) == 6 and bool(_CUDA_ONLY.search(head[5]))
        elif mapped and head[0] == "Rss:":
            cuda_kb += int(head[1])
    return KernelMemory(peak_kb * 1024 / 1e6, cuda_kb * 1024 / 1e6)


@dataclass(frozen=True)
class NotebookUsage:
    """What one notebook cost in a fresh kernel: wall time, the kernel's CPU time and its peak memory (in all,
    and less the libraries that only PyTorch's CUDA build loads)."""

    name: str
    title: str
    seconds: float
    cpu_seconds: float
    peak_mb: float
    cpu_only_peak_mb: float | None = None


_MEASURE = "import sys; from helpers.workshop.sizing import _report_usage; _report_usage(sys.argv[1])"


def _report_usage(path: str) -> None:
    """Run in a child Python by ``measure_notebook``: execute one notebook, print its kernel's usage as JSON."""
    import resource  # Unix only

    readings: list[KernelMemory] = []
    read = (lambda pid: readings.append(kernel_memory(pid))) if sys.platform == "linux" else None
    with tempfile.TemporaryDirectory() as workdir:
        seconds = executed_cleanly(Path(path), Path(workdir), after_each_cell=read)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the kernel, reaped when nbclient shut it down
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss counts bytes on macOS, KiB on Linux
    peak_mb = usage.ru_maxrss * unit / 1e6
    cuda_mb = max((r.cuda_libraries_mb for r in readings), default=None)
    print(json.dumps({"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mb": peak_mb,
                      "cpu_only_peak_mb": None if cuda_mb is None else peak_mb - cuda_mb}))


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
    return NotebookUsage(path.name, notebook_outline(path)[0], data["seconds"], data["cpu_seconds"], data["peak_mb"],
                         data.get("cpu_only_peak_mb"))


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
        "(`ru_maxrss`); *CPU time* is the kernel's user and system time, over all its threads. *Without CUDA",
        "libraries* subtracts what the libraries that only PyTorch's CUDA build loads hold in memory: the figure for",
        f"Binder's CPU-only PyTorch, where each notebook must stay under {BINDER_BUDGET_MB:,} MB (`make test` checks it).",
        "",
        "| # | Notebook | Run time | CPU time | Peak memory | Without CUDA libraries |",
        "|---|----------|---------:|---------:|------------:|-----------------------:|",
    ]
    lines += [f"| {u.name[:2]} | [{u.title}](notebooks/{u.name}) | {u.seconds:.0f} s | {u.cpu_seconds:.0f} s | "
              f"{u.peak_mb:,.0f} MB | "
              + ("n/a |" if u.cpu_only_peak_mb is None else f"{u.cpu_only_peak_mb:,.0f} MB |") for u in usages]
    return "\n".join(lines + [""] + _hub_sizing(usages, users)) + "\n"


def update_sizing(document: Path, sizing: str) -> None:
    """Replace the text between the sizing markers in ``document`` with ``sizing``."""
    _fill_between(document, *_SIZING, sizing)
