"""Pre-flight check for a workshop: ``python -m helpers.doctor`` prints a verdict per requirement.

It runs on a bare Python with the standard library alone: each course package is imported in a child
process first, so a missing or broken package becomes a FAIL row with its fix, never a traceback.
Exit status 0 when nothing blocks the course, 1 when something does.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .environment import EnvironmentReport, describe_environment, detect_platform, package_version
from .gpu_setup import ONNXRUNTIME_GPU_MINIMUM
from .i18n import tr
from .machine_checks import (CPU_INSTALL_GB, INSTALL_GB, LOW_RAM_GB, MIN_FREE_GB, MIN_RAM_GB,  # noqa: F401 (re-exported)
                             PYTHON_MINIMUM, PYTHON_NEWEST, Check, _disk_check, _interpreter_check, _memory_check,
                             _platform_check, _python_check, _settings_checks, memory_gb)

__all__ = ["Check", "diagnose", "format_checks", "import_errors", "memory_gb", "main"]

# The lower bounds of requirements.txt (a test keeps the two equal).
MINIMUM = {"torch": "2.11", "torchvision": "0.26", "onnx": "1.22", "onnxruntime": "1.32", "onnxscript": "0.7.2",
           "onnx2pytorch": "0.6", "onnxruntime-extensions": "0.15", "netron": "9.3", "numpy": "2.1",
           "matplotlib": "3.10", "tqdm": "4.67", "packaging": "24", "transformers": "5.15", "tokenizers": "0.22",
           "fastapi": "0.115", "uvicorn": "0.30"}
NEEDED_BY = {"onnx2pytorch": "04, 06", "onnxruntime-extensions": "08", "netron": "03", "transformers": "10",
             "tokenizers": "10", "fastapi": "11", "uvicorn": "11"}  # notebooks that import it
MODULE_NAMES = {"onnxruntime-extensions": "onnxruntime_extensions"}  # where the import name differs
# Packages with no wheel yet for some supported Pythons (requirements.txt skips them there with a marker):
# the course runs without them, minus the cells that say so.
NO_WHEEL_FROM = {"onnxruntime-extensions": (3, 14)}
INSTALL_ALL = "pip install -r requirements.txt -c constraints.txt"


def _older(version: str, needed: str) -> bool:
    """True when ``version`` is older than ``needed``, by pip's own rules (``packaging``)."""
    try:
        from packaging.version import InvalidVersion, Version  # optional here: the doctor must run without it
    except ImportError:
        return False  # cannot tell; the "packaging" row of the table fails and says what to install
    try:
        return Version(version) < Version(needed)
    except InvalidVersion:
        return False


def _shadowing_file(name: str) -> str | None:
    """``onnx.py`` (or ``onnx/``) in the current folder, which Python imports instead of the package; else None."""
    try:
        here = Path.cwd()
    except OSError:  # a deleted working directory: reported by its own row
        return None
    for candidate in (f"{name}.py", f"{name}/__init__.py"):
        if name.isidentifier() and (here / candidate).is_file():
            return candidate.split("/")[0]
    return None


def _package_check(name: str, version: str | None, error: str | None = None, gpu_build: bool = False) -> Check:
    """One course package's row; ``gpu_build``: onnxruntime is the onnxruntime-gpu build (its own floor)."""
    needed = ONNXRUNTIME_GPU_MINIMUM if gpu_build else MINIMUM[name]
    install = tr("{install_all} (or pip install '{name}>={needed}')", install_all=INSTALL_ALL,
                 name="onnxruntime-gpu" if gpu_build else name, needed=needed)
    shadow = _shadowing_file(name)
    if shadow is not None:  # Python imports ./onnx.py before the installed onnx: every package using it breaks
        return Check(name, tr("{file} in this folder hides the installed {name}", file=shadow, name=name), "fail",
                     tr("Rename your {file} (and delete __pycache__ beside it): Python imports it instead of the "
                        "package.", file=shadow))
    if version is None:
        detail = (tr("not installed (used in notebook {notebooks})", notebooks=NEEDED_BY[name]) if name in NEEDED_BY
                  else tr("not installed"))
        if name in NO_WHEEL_FROM and sys.version_info[:2] >= NO_WHEEL_FROM[name]:
            return Check(name, detail, "warn", tr("It has no wheel for Python {python} yet: notebook {notebooks} skips "
                                                  "the cells that need it. For those, use Python 3.13 or Colab.",
                                                  python=".".join(map(str, sys.version_info[:2])),
                                                  notebooks=NEEDED_BY[name]))
        return Check(name, detail, "fail", install)
    if _older(version, needed):
        return Check(name, tr("{version} (course needs >= {needed})", version=version, needed=needed), "fail", install)
    hiding = next((f for f in map(_shadowing_file, MINIMUM) if f and f != shadow), None) if error else None
    if hiding:  # pass 12: ./onnx.py broke onnxscript too, and its row said to reinstall onnxscript
        return Check(name, tr("{version} installed, but importing it fails: {error}", version=version, error=error),
                     "fail", tr("Rename your {file} (and delete __pycache__ beside it): {name} imports the package of "
                                "that name, and Python finds your file first.", file=hiding, name=name))
    if error:
        return Check(name, tr("{version} installed, but importing it fails: {error}", version=version, error=error),
                     "fail", tr("pip install --force-reinstall '{name}>={needed}'; if the error names another "
                                "package, reinstall that one too.", name=name, needed=needed))
    return Check(name, version, "ok")


_PROBE = """\
import importlib, sys
for name in sys.argv[1:]:
    print("doctor-probe start", name, flush=True)
    try:
        importlib.import_module(name)
    except BaseException as exc:
        first = (str(exc).strip().splitlines() or [""])[0]
        print("doctor-probe error", name, type(exc).__name__ + (": " + first if first else ""), flush=True)
    else:
        print("doctor-probe ok", name, flush=True)
"""


def _run_probe(modules: list[str], timeout: float) -> tuple[list[str], int | None]:
    """The probe's own lines (whatever else the imports print is dropped) and its exit code (None: timed out)."""
    try:
        done = subprocess.run([sys.executable, "-c", _PROBE, *modules], capture_output=True, text=True,
                              timeout=timeout)
        out, code = done.stdout, done.returncode
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        code = None
    return [line[len("doctor-probe "):] for line in out.splitlines() if line.startswith("doctor-probe ")], code


def import_errors(modules: list[str], timeout: float = 300) -> dict[str, str]:
    """Import each module in a child Python; returns ``{module: error}`` for those that fail or crash it.

    A child process keeps this one standard-library-only, and alive when a broken build aborts the
    interpreter (mismatched CUDA libraries, two onnxruntime builds): the crash becomes an error message.
    """
    errors: dict[str, str] = {}
    remaining = list(modules)
    while remaining:
        lines, code = _run_probe(remaining, timeout)
        finished = set()
        for line in lines:
            status, _, rest = line.partition(" ")
            name, _, message = rest.partition(" ")
            if status == "error":
                errors[name] = message
            if status in ("ok", "error"):
                finished.add(name)
        stuck = next((name for name in remaining if name not in finished), None)
        if stuck is None:
            break
        errors[stuck] = f"took over {timeout:.0f} s to import" if code is None else f"crashed Python (exit code {code})"
        remaining = remaining[remaining.index(stuck) + 1:]
    return errors


def _versions(report: EnvironmentReport) -> dict[str, str | None]:
    """Each course package's version, as the report gives it; onnxruntime-gpu counts as onnxruntime (same module)."""
    versions = {name: report.packages[name] if name in report.packages else package_version(name) for name in MINIMUM}
    versions["onnxruntime"] = versions["onnxruntime"] or package_version("onnxruntime-gpu")
    return versions


def _builds_check(cpu_build: str | None) -> Check:
    """onnxruntime and onnxruntime-gpu share one Python package: with both installed, one breaks the other."""
    gpu_build = package_version("onnxruntime-gpu")
    if cpu_build and gpu_build:
        return Check("onnxruntime builds", tr("onnxruntime {cpu} and onnxruntime-gpu {gpu} both installed",
                                              cpu=cpu_build, gpu=gpu_build),
                     "fail", tr("pip uninstall -y onnxruntime onnxruntime-gpu, then install only one of them."))
    if not cpu_build and not gpu_build:
        return Check("onnxruntime builds", tr("none installed"), "skip")
    return Check("onnxruntime builds", tr("one build installed"), "ok")


def _runtime_checks(report: EnvironmentReport, usable: bool) -> list[Check]:
    """The GPU and onnxruntime's providers, once torch and onnxruntime import."""
    if not usable:
        why = tr("not checked: torch or onnxruntime does not import")
        return [Check("GPU", why, "skip"), Check("onnxruntime providers", why, "skip")]
    checks = []
    if report.gpu and "CUDAExecutionProvider" not in report.ort_providers:
        checks.append(Check("GPU", tr("{gpu}; onnxruntime has no CUDA provider", gpu=report.gpu), "warn",
                            tr("For onnxruntime on the GPU, replace onnxruntime with onnxruntime-gpu.")))
    else:
        checks.append(Check("GPU", report.gpu or tr("none: GPU cells will be skipped"), "ok"))
    providers = ", ".join(report.ort_providers)
    checks.append(Check("onnxruntime providers", providers or tr("none installed"), "ok" if providers else "fail",
                        "" if providers else "pip install --force-reinstall onnxruntime"))
    return checks


def _node_check() -> Check:
    """Node.js and the page's onnxruntime-web, which notebook 11 and exercise 11.1's check use (not blocking)."""
    node = shutil.which("node")
    version = ""
    if node:
        try:
            version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            node = None
    if not node:
        return Check("Node.js", tr("not found"), "warn", tr(
            "Notebook 11 skips its web page without it, and exercise 11.1 cannot be checked: install Node.js 18 or "
            "newer, then run make setup (npm ci in helpers/web)."))
    if not (Path(__file__).parent / "web" / "node_modules" / "onnxruntime-web").is_dir():
        return Check("Node.js", tr("{version}; onnxruntime-web not installed", version=version), "warn", tr(
            "Notebook 11's page needs it: run make setup, or npm ci in helpers/web."))
    return Check("Node.js", tr("{version}, with onnxruntime-web", version=version), "ok")


def _live_report() -> tuple[EnvironmentReport, dict[str, str]]:
    """This machine's report, importing torch and onnxruntime here only once a child process could."""
    packages = {name: package_version(name) for name in MINIMUM}
    report = EnvironmentReport(sys.version.split()[0], detect_platform(), packages, None, [])
    modules = {MODULE_NAMES.get(name, name): name for name, version in _versions(report).items() if version}
    errors = {modules[module]: error for module, error in import_errors(list(modules)).items()}
    if all(name in modules.values() and name not in errors for name in ("torch", "onnxruntime")):
        try:
            report = describe_environment()
            report.packages = packages
        except Exception as exc:  # noqa: BLE001 - a broken build must become a row, not a traceback
            errors["torch"] = errors.get("torch") or f"{type(exc).__name__}: {exc}"
    return report, errors


def diagnose(report: EnvironmentReport | None = None, free_gb: float | None = None, ram_gb: float | None = None,
             errors: dict[str, str] | None = None) -> list[Check]:
    """Check Python, every course package (installed, recent, importable), GPU, memory, disk and platform.

    Without ``report`` it inspects this machine (importing each package in a child process first);
    with one (as ``setup_notebook`` passes) it trusts the report and imports nothing.
    """
    live = report is None  # this machine: its Node.js too (a notebook's own setup check leaves it out)
    if report is None:
        report, errors = _live_report()
    errors = errors or {}
    checks = [_python_check(report.python, sys.version_info[:2])]
    checks.append(_interpreter_check())
    versions = _versions(report)
    gpu_build = not report.packages.get("onnxruntime") and bool(package_version("onnxruntime-gpu"))
    checks += [_package_check(name, versions[name], errors.get(name), gpu_build and name == "onnxruntime")
               for name in MINIMUM]
    checks.append(_builds_check(report.packages.get("onnxruntime")))
    checks += _runtime_checks(report, all(versions[n] and n not in errors for n in ("torch", "onnxruntime")))
    checks.append(_memory_check(memory_gb() if ram_gb is None else ram_gb))
    installing = any(c.verdict == "fail" and c.name in MINIMUM for c in checks)
    free = free_gb if free_gb is not None else shutil.disk_usage(Path.cwd()).free / 1e9
    checks.append(_disk_check(free, installing))
    checks += _settings_checks()
    checks.append(_platform_check(report.platform))
    return checks + ([_node_check()] if live else [])


def format_checks(checks: list[Check]) -> str:
    """The doctor's table as plain text, one row per check, then the verdict."""
    marks = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL", "skip": "--  "}
    width = max(len(c.name) for c in checks)
    lines = [f"{marks[c.verdict]}  {c.name:<{width}}  {c.detail}" + (f"  -> {c.fix}" if c.fix and c.verdict != "ok"
                                                                      else "") for c in checks]
    failed = sum(c.verdict == "fail" for c in checks)
    verdict = (tr("{failed} blocking problem(s): fix them before the workshop.", failed=failed) if failed
               else tr("Ready for the course."))
    lines.append(f"\n{verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table; exit 1 when something blocks the course (``--help`` says so; unknown options fail)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m helpers.doctor", description=__doc__.splitlines()[0],
                                     epilog="Exit status: 0 when nothing blocks the course, 1 when something does. "
                                            "COURSE_LANGUAGE=ko prints the table in Korean.")
    parser.parse_args(argv)
    try:
        Path.cwd()
    except FileNotFoundError:  # the folder this shell was in was deleted
        print(tr("The current folder no longer exists: cd to the course folder (or your home) and run the doctor "
                 "again."))
        return 1
    checks = diagnose()
    print(format_checks(checks))
    return 1 if any(c.verdict == "fail" for c in checks) else 0


if __name__ == "__main__":
    raise SystemExit(main())
