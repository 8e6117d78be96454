"""Where the course runs: library versions, GPU availability, onnxruntime providers, platform."""

from __future__ import annotations

import datetime as _dt
import importlib.metadata
import numbers
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "EnvironmentReport",
    "describe_environment",
    "detect_platform",
    "gpu_available",
    "gpu_name",
    "onnxruntime_has_cuda",
    "cpu_name",
    "MachineInfo",
    "default_threads",
    "MAX_THREADS",
    "check_threads",
    "THREADS_VARIABLE",
    "describe_machine",
    "package_version",
    "artifacts_dir",
    "silence_known_library_warnings",
    "cpu_int8_features",
    "MemoryFreed",
    "free_memory",
]

COURSE_PACKAGES = ("torch", "torchvision", "onnx", "onnxruntime", "onnxscript", "onnx2pytorch",
                   "onnxruntime-extensions", "netron")


def package_version(name: str) -> str | None:
    """Installed version of a distribution, or None when it is not installed."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def detect_platform() -> str:
    """Where this kernel runs: 'colab', 'binder', 'jupyterhub' or 'local'."""
    if "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ:
        return "colab"
    if "BINDER_SERVICE_HOST" in os.environ or "BINDER_REQUEST" in os.environ or "BINDER_LAUNCH_HOST" in os.environ:
        return "binder"
    if "JUPYTERHUB_SERVICE_PREFIX" in os.environ:
        return "jupyterhub"
    return "local"


def gpu_name() -> str | None:
    """The name of the CUDA GPU PyTorch can use here, or None (also when PyTorch is not installed).

    The course's one GPU detection: every other check (``gpu_available``, the benchmark backends, the
    machine descriptions) asks this function.
    """
    try:
        import torch
    except ImportError:
        return None
    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None


def gpu_available() -> bool:
    """True when PyTorch can use a CUDA GPU here."""
    return gpu_name() is not None


def onnxruntime_has_cuda() -> bool:
    """True when the installed onnxruntime offers the CUDA execution provider (the onnxruntime-gpu build)."""
    try:
        import onnxruntime
    except ImportError:
        return False
    return "CUDAExecutionProvider" in onnxruntime.get_available_providers()


def cpu_name() -> str:
    """The CPU's model name (from ``/proc/cpuinfo`` on Linux, else what ``platform`` knows)."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _gpu_driver() -> str | None:
    """The NVIDIA driver version, read from ``nvidia-smi`` (None without it)."""
    if shutil.which("nvidia-smi") is None:
        return None
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return out.strip().splitlines()[0] if out.strip() else None


@dataclass
class EnvironmentReport:
    """Versions and capabilities of the machine the course runs on."""

    python: str
    platform: str
    packages: dict[str, str | None]
    gpu: str | None
    ort_providers: list[str] = field(default_factory=list)

    def short(self) -> str:
        """One line for a notebook's setup cell."""
        names = ["torch", "onnx", "onnxruntime", "onnxscript"]
        if self.packages.get("onnxruntime-gpu") and not self.packages.get("onnxruntime"):
            names[2] = "onnxruntime-gpu"  # the CUDA build of the same package
        versions = " · ".join(f"{n} {self.packages.get(n) or 'missing'}" for n in names)
        gpu = self.gpu or "none (CPU only)"
        return f"Python {self.python} · {versions} · GPU: {gpu} · running: {self.platform}"

    def __str__(self) -> str:
        rows = [("python", self.python), ("platform", self.platform)]
        rows += [(name, version or "not installed") for name, version in self.packages.items()]
        rows += [("GPU", self.gpu or "none"), ("onnxruntime providers", ", ".join(self.ort_providers) or "none")]
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def describe_environment() -> EnvironmentReport:
    """Collect versions, GPU and onnxruntime providers into an EnvironmentReport."""
    gpu = gpu_name()
    try:
        import onnxruntime

        providers = list(onnxruntime.get_available_providers())
    except ImportError:
        providers = []
    packages = {name: package_version(name) for name in COURSE_PACKAGES}
    if gpu_build := package_version("onnxruntime-gpu"):  # listed only where installed
        packages["onnxruntime-gpu"] = gpu_build
    return EnvironmentReport(
        python=platform.python_version(),
        platform=detect_platform(),
        packages=packages,
        gpu=gpu,
        ort_providers=providers,
    )


# CPU flags (as Linux names them in /proc/cpuinfo) that give onnxruntime fast int8 kernels.
INT8_CPU_FLAGS = {
    "avx512_vnni": "AVX-512 VNNI",
    "avx_vnni": "AVX-VNNI",
    "amx_int8": "AMX-INT8",
    "asimddp": "Arm dot product",
    "i8mm": "Arm int8 matrix multiply",
}


def cpu_int8_features(cpuinfo: str | None = None) -> list[str] | None:
    """The CPU's int8 dot-product instructions (VNNI, AMX, Arm dot product); None where they cannot be read.

    int8 inference is only faster than fp32 when the CPU multiplies int8 numbers natively, so print
    these next to any int8 speed-up. Reads ``/proc/cpuinfo`` (Linux) unless ``cpuinfo`` text is given.
    """
    if cpuinfo is not None and not isinstance(cpuinfo, str):
        raise TypeError(f"cpuinfo takes the text of /proc/cpuinfo (or None to read it), got {type(cpuinfo).__name__}.")
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None  # macOS and Windows keep these flags elsewhere
    flags: set[str] = set()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            flags.update(value.split())
    return [name for flag, name in INT8_CPU_FLAGS.items() if flag in flags]


THREADS_VARIABLE = "COURSE_THREADS"  # the most threads a benchmark may use, e.g. 2 on a shared hub


# More threads than this is a typo (a thread pool of 100,000 crashes PyTorch and hangs onnxruntime's start).
MAX_THREADS = max(64, 4 * (os.cpu_count() or 1))


def check_threads(threads: object, what: str = "threads") -> None:
    """Refuse a thread count that is not a whole number from 0 (the library chooses) to ``MAX_THREADS``."""
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral) or not 0 <= threads <= MAX_THREADS:
        raise ValueError(f"{what} must be a whole number of threads from 0 (or None: the library chooses) to "
                         f"{MAX_THREADS} (this machine has {os.cpu_count()} CPUs), got {threads!r}.")


def default_threads() -> int:
    """How many threads a benchmark uses: the CPUs this process may run on, capped by ``COURSE_THREADS``.

    ``os.sched_getaffinity`` counts only the CPUs the process is allowed on (``taskset``, a container's
    cpuset); where it does not exist (macOS, Windows) every CPU counts. On a shared JupyterHub set
    ``COURSE_THREADS`` to each user's CPU limit, so the benchmarks do not fight over the cores.
    """
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    cap = os.environ.get(THREADS_VARIABLE, "").strip()
    if not cap:
        return usable
    if not (cap.isascii() and cap.isdigit()) or int(cap) < 1:  # "²" passes isdigit() but not int()
        raise ValueError(f"{THREADS_VARIABLE}={cap!r} is not a positive whole number: set it to the most threads "
                         f"a benchmark may use (e.g. {THREADS_VARIABLE}=2), or unset it to use all {usable} CPUs.")
    return min(usable, int(cap))


BENCHMARK_PACKAGES = ("torch", "torchvision", "onnx", "onnxruntime", "onnxruntime-gpu")


@dataclass
class MachineInfo:
    """Where a benchmark ran: CPU, cores, threads, GPU (name, driver, CUDA), library versions and date."""

    cpu: str
    cores: int
    gpu: str | None
    threads: int
    versions: dict[str, str | None]
    date: str
    python: str = field(default_factory=platform.python_version)
    gpu_driver: str | None = None
    cuda: str | None = None

    def __str__(self) -> str:
        versions = ", ".join(f"{k} {v}" for k, v in self.versions.items() if v)
        gpu = self.gpu or "none"
        if self.gpu:
            gpu += "".join(f", {label} {value}" for label, value in (("driver", self.gpu_driver),
                                                                      ("CUDA", self.cuda)) if value)
        return f"{self.cpu} ({self.cores} cores, {self.threads} threads) · GPU: {gpu} · {versions} · {self.date}"


def describe_machine(threads: int | None = None) -> MachineInfo:
    """Describe this machine for a benchmark record (``threads`` defaults to ``default_threads()``)."""
    gpu = gpu_name()
    cuda = None
    if gpu is not None:
        import torch  # gpu_name() found it

        cuda = torch.version.cuda
    versions = {name: package_version(name) for name in BENCHMARK_PACKAGES}
    return MachineInfo(cpu_name(), os.cpu_count() or 1, gpu, threads or default_threads(), versions,
                       _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d"),
                       gpu_driver=_gpu_driver() if gpu else None, cuda=cuda)


def artifacts_dir(create: bool = True) -> Path:
    """The one folder (``artifacts/`` beside the notebook, git-ignored) where the course writes files."""
    setting = os.environ.get("COURSE_ARTIFACTS", "").strip()
    path = Path(os.path.expanduser(os.path.expandvars(setting or "artifacts")))  # "~/x", "$HOME/x": as in a shell
    if "$" in str(path):
        raise ValueError(f"COURSE_ARTIFACTS={setting!r} names an environment variable that is not set "
                         f"({str(path)!r}): write the folder's full path.")
    if str(path).startswith("~"):  # expanduser leaves "~nosuchuser/x" as it is: a folder named "~nosuchuser"
        raise ValueError(f"COURSE_ARTIFACTS={setting!r} starts with ~ but names no user's home here: write the "
                         "folder's full path.")
    if len(setting) > 1 and setting[0] == setting[-1] and setting[0] in "'\"":  # quotes kept from a .env file
        raise ValueError(f"COURSE_ARTIFACTS={setting!r} keeps its quotes, which would become part of the folder's "
                         "name: set it without them.")
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"The artifacts folder {path} is a file (COURSE_ARTIFACTS={os.environ.get('COURSE_ARTIFACTS')!r}"
                                 " sets it): point COURSE_ARTIFACTS at a folder, or unset it to use artifacts/.")
    if not isinstance(create, bool):
        raise TypeError(f"create is True or False, got {create!r}.")
    if create:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PermissionError(f"Cannot create the artifacts folder {path} ({exc.strerror or exc}): set "
                                  "COURSE_ARTIFACTS to a folder you can write to.") from exc
    return path


def _resident_mb() -> float | None:
    """This process's resident memory now (Linux's /proc), or None where it cannot be read."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError, AttributeError):
        return None


@dataclass(frozen=True)
class MemoryFreed:
    """This process's resident memory before and after ``free_memory`` (None where it cannot be read)."""

    before_mb: float | None
    after_mb: float | None

    def __str__(self) -> str:
        if self.before_mb is None or self.after_mb is None:
            return "garbage collected (resident memory not readable on this platform)"
        return f"resident memory {self.before_mb:,.0f} MB -> {self.after_mb:,.0f} MB"


def free_memory() -> MemoryFreed:
    """Collect Python's garbage, then hand the freed memory back to the operating system.

    After ``del session``, Python and onnxruntime free the memory, but the C allocator (glibc's ``malloc`` on
    Linux) keeps freed pages for later allocations, so the process's resident size, which Binder and a
    hub's memory limit count, does not fall. glibc's ``malloc_trim(0)`` returns them; this calls it where the
    C library is glibc. Elsewhere only ``gc.collect()`` runs.
    """
    import ctypes
    import gc

    before = _resident_mb()
    gc.collect()
    if sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc":
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return MemoryFreed(before, _resident_mb())


# Warnings that a library raises from its own code, about its own code: nothing a student can act on.
KNOWN_LIBRARY_WARNINGS = (
    # PyTorch 2.11's exporter calls a pytree API that the same release deprecates (gone in 2.12+).
    (FutureWarning, r"`isinstance\(treespec, LeafSpec\)` is deprecated"),
    # tqdm's notebook progress bars need ipywidgets, which the course does not install: text bars are used instead.
    # transformers (notebook 10) and onnxruntime-extensions (08, which imports transformers) import tqdm.auto.
    (Warning, r"IProgress not found"),
)


def silence_known_library_warnings() -> None:
    """Hide the warnings in ``KNOWN_LIBRARY_WARNINGS`` (and only those) for the rest of this process.

    Also keeps matplotlib's font manager to errors: its "building the font cache" and "findfont: ...
    falling back" notes (a new or stale font cache) say nothing about the course and would fill a cell.
    """
    import logging
    import warnings

    for category, message in KNOWN_LIBRARY_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=category)
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
