"""Pre-flight check for a workshop: ``python -m helpers.doctor`` prints a verdict per requirement.

Exit status 0 when nothing blocks the course, 1 when something does (a missing or conflicting package).
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .environment import EnvironmentReport, describe_environment, package_version

__all__ = ["Check", "diagnose", "format_checks", "main"]

MINIMUM = {"torch": "2.6", "torchvision": "0.21", "onnx": "1.17", "onnxruntime": "1.20", "onnxscript": "0.3",
           "onnx2pytorch": "0.6", "onnxruntime-extensions": "0.12", "netron": "8.0"}
REQUIRED = ("torch", "torchvision", "onnx", "onnxruntime", "onnxscript")  # the rest only block one notebook
MIN_FREE_GB = 2.0


@dataclass(frozen=True)
class Check:
    """One row of the doctor's table: what was checked, what was found, the verdict and the fix."""

    name: str
    detail: str
    verdict: str  # "ok", "warn" or "fail"
    fix: str = ""


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split("+")[0].split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def _package_check(name: str, version: str | None) -> Check:
    needed = MINIMUM[name]
    install = f"pip install -r requirements.txt (or pip install '{name}>={needed}')"
    if version is None:
        verdict = "fail" if name in REQUIRED else "warn"
        return Check(name, "not installed", verdict, install)
    if _version_tuple(version) < _version_tuple(needed):
        return Check(name, f"{version} (course needs >= {needed})", "fail", install)
    return Check(name, version, "ok")


def diagnose(report: EnvironmentReport | None = None, free_gb: float | None = None) -> list[Check]:
    """Check Python, the course packages, conflicting onnxruntime builds, GPU, disk and platform."""
    report = report or describe_environment()
    py_ok = sys.version_info >= (3, 10)
    checks = [Check("python", report.python, "ok" if py_ok else "fail", "" if py_ok else "Use Python 3.10 or newer.")]
    checks += [_package_check(name, report.packages.get(name)) for name in MINIMUM]
    gpu_build = package_version("onnxruntime-gpu")
    if gpu_build and report.packages.get("onnxruntime"):
        checks.append(Check("onnxruntime builds", f"onnxruntime and onnxruntime-gpu {gpu_build} both installed",
                            "fail", "pip uninstall -y onnxruntime onnxruntime-gpu, then install only one of them."))
    else:
        checks.append(Check("onnxruntime builds", "one build installed", "ok"))
    has_cuda_ep = "CUDAExecutionProvider" in report.ort_providers
    if report.gpu and not has_cuda_ep:
        checks.append(Check("GPU", f"{report.gpu}; onnxruntime has no CUDA provider", "warn",
                            "For onnxruntime on the GPU, replace onnxruntime with onnxruntime-gpu."))
    else:
        checks.append(Check("GPU", report.gpu or "none: GPU cells will be skipped", "ok"))
    checks.append(Check("onnxruntime providers", ", ".join(report.ort_providers) or "none",
                        "ok" if report.ort_providers else "fail", "" if report.ort_providers else "Reinstall onnxruntime."))
    free = free_gb if free_gb is not None else shutil.disk_usage(Path.cwd()).free / 1e9
    disk_ok = free >= MIN_FREE_GB
    checks.append(Check("free disk", f"{free:.1f} GB", "ok" if disk_ok else "warn",
                        "" if disk_ok else f"Free at least {MIN_FREE_GB:.0f} GB for the exported models."))
    checks.append(Check("running on", report.platform, "ok"))
    return checks


def format_checks(checks: list[Check]) -> str:
    """The doctor's table as plain text."""
    marks = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}
    width = max(len(c.name) for c in checks)
    lines = [f"{marks[c.verdict]}  {c.name:<{width}}  {c.detail}" + (f"  -> {c.fix}" if c.fix and c.verdict != "ok" else "")
             for c in checks]
    failed = sum(c.verdict == "fail" for c in checks)
    lines.append(f"\n{'Ready for the course.' if not failed else f'{failed} blocking problem(s): fix them before the workshop.'}")
    return "\n".join(lines)


def main() -> int:
    """Print the table; exit 1 when something blocks the course."""
    checks = diagnose()
    print(format_checks(checks))
    return 1 if any(c.verdict == "fail" for c in checks) else 0


if __name__ == "__main__":
    raise SystemExit(main())
