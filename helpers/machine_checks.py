"""The doctor's rows about this machine, not the course's packages: Python, platform, memory, disk, settings.

``helpers.doctor`` builds its table from these and from its package checks; each returns a ``Check``.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .environment import THREADS_VARIABLE, artifacts_dir, default_threads
from .i18n import tr

__all__ = ["Check", "memory_gb", "PYTHON_MINIMUM", "PYTHON_NEWEST", "INSTALL_GB", "CPU_INSTALL_GB", "MIN_FREE_GB",
           "MIN_RAM_GB", "LOW_RAM_GB"]

PYTHON_MINIMUM, PYTHON_NEWEST = (3, 11), (3, 14)  # pyproject.toml's requires-python: >=3.11,<3.15
INSTALL_GB = 6.5  # measured: the course's .venv with PyTorch's CUDA build holds 6.2 GiB (6.5 GB)
CPU_INSTALL_GB = 2.0  # with the CPU-only PyTorch build (docs/SETUP.md)
MIN_FREE_GB = 2.0  # for the files the notebooks write (about 0.3 GB) and pip's downloads
MIN_RAM_GB, LOW_RAM_GB = 2.0, 4.0


@dataclass(frozen=True)
class Check:
    """One row of the doctor's table: what was checked, what was found, the verdict and the fix."""

    name: str
    detail: str
    verdict: str  # "ok", "warn", "fail" or "skip"
    fix: str = ""




def _read_limit(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and int(text) < 2**60 else None  # "max" or a huge v1 number: no limit


def _cgroup_memory_limit(proc_cgroup: Path = Path("/proc/self/cgroup"), root: Path = Path("/sys/fs/cgroup")) -> int | None:
    """The lowest memory limit on this process's cgroup and its parents (v2, then v1), or None where there is none.

    A container sets it at the root; JupyterHub's systemd and TLJH spawners set it on the user's own unit
    (``/user.slice/.../jupyter-alice.service``), which the root's ``memory.max`` does not show.
    """
    limits = [_read_limit(root / "memory.max"), _read_limit(root / "memory" / "memory.limit_in_bytes")]
    try:
        lines = proc_cgroup.read_text(encoding="ascii").splitlines()
    except OSError:
        lines = []
    for line in lines:
        _, controllers, group = (line.split(":", 2) + ["", ""])[:3]
        v1 = "memory" in controllers.split(",")
        if controllers and not v1:
            continue
        base, name = (root / "memory", "memory.limit_in_bytes") if v1 else (root, "memory.max")
        parts = [part for part in group.strip().split("/") if part]
        limits += [_read_limit(base.joinpath(*parts[:depth]) / name) for depth in range(1, len(parts) + 1)]
    limits = [limit for limit in limits if limit]
    return min(limits) if limits else None


def _hub_memory_limit() -> int | None:
    """``MEM_LIMIT``, the bytes JupyterHub's spawner grants this user (set where the hub sets a limit)."""
    value = os.environ.get("MEM_LIMIT", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def _physical_memory() -> int | None:
    """The machine's RAM in bytes, read with the standard library (Linux, macOS, Windows)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        pass
    if sys.platform != "win32":
        return None
    import ctypes

    class MemoryStatus(ctypes.Structure):
        _fields_ = [("length", ctypes.c_ulong), ("load", ctypes.c_ulong)] + [
            (name, ctypes.c_ulonglong) for name in ("total", "free", "page", "free_page", "virtual", "free_virtual",
                                                    "extended")]

    status = MemoryStatus(length=ctypes.sizeof(MemoryStatus))
    return status.total if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)) else None


def memory_gb() -> float | None:
    """The memory this Python may use, in GB: the machine's RAM, or a container's, cgroup's or hub's limit where lower."""
    sizes = [size for size in (_physical_memory(), _cgroup_memory_limit(), _hub_memory_limit()) if size]
    return min(sizes) / 1e9 if sizes else None


def _memory_check(ram_gb: float | None) -> Check:
    if ram_gb is None:
        return Check("memory", tr("unknown (could not read it)"), "warn",
                     tr("The course needs at least {gb:.0f} GB.", gb=LOW_RAM_GB))
    if ram_gb < MIN_RAM_GB:
        return Check("memory", f"{ram_gb:.1f} GB", "fail", tr("Use a machine (or a hub limit) with at least {gb:.0f} "
                     "GB: a notebook's kernel alone holds about 1 GB.", gb=LOW_RAM_GB))
    if ram_gb < LOW_RAM_GB:
        return Check("memory", f"{ram_gb:.1f} GB", "warn",
                     tr("Close other programs, and shut down each notebook's kernel before opening the next."))
    return Check("memory", f"{ram_gb:.1f} GB", "ok")


def _disk_check(free: float, installing: bool) -> Check:
    if not installing:
        ok = free >= MIN_FREE_GB
        return Check("free disk", f"{free:.1f} GB", "ok" if ok else "warn",
                     "" if ok else tr("Free at least {gb:.0f} GB for the files the notebooks write.", gb=MIN_FREE_GB))
    full, cpu_only = INSTALL_GB + MIN_FREE_GB, CPU_INSTALL_GB + MIN_FREE_GB
    if free >= full:
        return Check("free disk", tr("{free:.1f} GB (the install needs about {full:g} GB)", free=free, full=full), "ok")
    if free >= cpu_only:
        return Check("free disk", tr("{free:.1f} GB: enough for the CPU-only install, not the CUDA one", free=free),
                     "warn", tr("Install the CPU-only PyTorch first, as docs/SETUP.md shows."))
    return Check("free disk", f"{free:.1f} GB", "fail",
                 tr("Free {full:g} GB for the install with PyTorch's CUDA build, or {cpu_only:g} GB with the "
                    "CPU-only build (docs/SETUP.md).", full=full, cpu_only=cpu_only))


def _python_check(shown: str, version: tuple[int, int]) -> Check:
    """Python inside the range that the pinned wheels exist for (pyproject.toml's requires-python)."""
    lowest, newest = (".".join(map(str, v)) for v in (PYTHON_MINIMUM, PYTHON_NEWEST))
    if PYTHON_MINIMUM <= version <= PYTHON_NEWEST:
        return Check("python", shown, "ok")
    why = (tr("PyTorch and onnxruntime publish no wheels for it yet.") if version > PYTHON_NEWEST
           else tr("The course's packages need a newer Python."))
    return Check("python", shown, "fail", tr("{why} Install Python {lowest} to {newest} (3.13 is the safest choice), "
                                             "or use Colab or the workshop hub.", why=why, lowest=lowest, newest=newest))


def _platform_check(shown: str, system: str | None = None, machine: str | None = None,
                    mac_release: str | None = None) -> Check:
    """The "running on" row; fails where PyTorch or onnxruntime has no wheel: macOS before 14, Windows on ARM."""
    system = system or platform.system()
    machine = (machine or platform.machine()).lower()
    if system == "Darwin":
        release = mac_release if mac_release is not None else platform.mac_ver()[0]
        major = release.split(".")[0]
        if major.isdigit() and int(major) < 14:
            return Check("running on", f"{shown} (macOS {release})", "fail",
                         tr("PyTorch and onnxruntime ship wheels for macOS 14 or newer only: update macOS, or use "
                            "Colab or the workshop hub."))
    if system == "Windows" and machine in ("arm64", "aarch64"):
        return Check("running on", shown, "fail",
                     tr("PyTorch publishes no wheels for Windows on ARM: use Colab or the workshop hub."))
    return Check("running on", shown, "ok")


def _settings_checks() -> list[Check]:
    """The course's environment variables, when set: a bad value would break every notebook later."""
    checks = []
    if os.environ.get(THREADS_VARIABLE, "").strip():
        try:
            checks.append(Check(THREADS_VARIABLE, str(default_threads()) + tr(" threads"), "ok"))
        except ValueError as error:
            checks.append(Check(THREADS_VARIABLE, repr(os.environ[THREADS_VARIABLE]), "fail", str(error)))
    if os.environ.get("COURSE_ARTIFACTS", "").strip():
        try:
            folder = artifacts_dir(create=False)
            writable = folder if folder.is_dir() else next(p for p in folder.absolute().parents if p.exists())
            if folder.exists() and not folder.is_dir() or not writable.is_dir():
                raise NotADirectoryError(tr("{path} is a file, not a folder: set COURSE_ARTIFACTS to a folder.",
                                            path=folder if folder.exists() else writable))
            if not _can_write_in(writable):  # a real write: os.access says yes to root everywhere (pass 16)
                raise PermissionError(tr("{folder} is read-only: set COURSE_ARTIFACTS to a folder you can write to.",
                                         folder=writable))
            checks.append(Check("COURSE_ARTIFACTS", str(folder), "ok"))
        except (OSError, ValueError) as error:  # ValueError: a $VARIABLE that is not set
            checks.append(Check("COURSE_ARTIFACTS", os.environ["COURSE_ARTIFACTS"], "fail", str(error)))
    else:  # the notebooks write to artifacts/ beside them (pass 16: a read-only course folder was "Ready")
        folder = Path("notebooks", "artifacts") if Path("notebooks").is_dir() else Path("artifacts")
        writable = folder if folder.is_dir() else next(p for p in folder.absolute().parents if p.exists())
        if not _can_write_in(writable):
            checks.append(Check("artifacts folder", str(folder), "fail", tr(
                "{folder} is read-only, so the notebooks cannot write their files: set COURSE_ARTIFACTS to a folder "
                "you can write to.", folder=writable)))
    return checks


def _can_write_in(folder: Path) -> bool:
    """Whether a file can be created in ``folder`` (tried, then removed)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _interpreter_check() -> Check:
    """Warn when a course .venv sits in this folder but another Python runs the doctor."""
    venv = Path(".venv")
    if venv.is_dir() and Path(sys.prefix).resolve() != venv.resolve():
        return Check("interpreter", sys.executable, "warn",
                     tr("This is not the course's .venv: run .venv/bin/python -m helpers.doctor "
                        "(Windows: .venv\\Scripts\\python -m helpers.doctor)."))
    return Check("interpreter", sys.executable, "ok")
