"""binder/: what mybinder.org builds installs the versions CI tests (issue 21)."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder" / "requirements.txt"


def _lines(path: Path) -> list[str]:
    return [line.split(" #")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def _named(path: Path) -> tuple[list[Requirement], list[Path]]:
    """The requirements ``path`` installs (following -r) and the constraints files it names (-c), as pip reads them."""
    named, constraints = [], []
    for line in _lines(path):
        option, _, value = line.partition(" ")
        if option == "-r":
            more, also = _named(path.parent / value)
            named, constraints = named + more, constraints + also
        elif option == "-c":
            constraints.append((path.parent / value).resolve())
        elif not line.startswith("-"):
            named.append(Requirement(line))
    return named, constraints


def _pins(path: Path) -> dict[str, SpecifierSet]:
    return {canonicalize_name(r.name): r.specifier for r in map(Requirement, _lines(path))
            if r.marker is None or r.marker.evaluate({"sys_platform": "linux"})}


def test_binder_installs_every_package_at_the_version_ci_tests() -> None:
    named, constraints = _named(BINDER)
    assert constraints == [(ROOT / "constraints.txt").resolve()], "binder/requirements.txt must use -c ../constraints.txt"
    pins = _pins(constraints[0])
    unpinned = [r.name for r in named if not str(pins.get(canonicalize_name(r.name), "")).startswith("==")]
    assert not unpinned, f"Binder would install the newest allowed {unpinned}: pin them in constraints.txt"
    assert {"torch", "onnx", "onnxruntime", "jupyter-server-proxy", "jupyterlab"} <= {canonicalize_name(r.name) for r in named}
    for package in ("torch", "torchvision"):  # the CPU index's builds carry a local label, e.g. 2.14.1+cpu
        pinned = str(pins[package]).removeprefix("==")
        assert pins[package].contains(f"{pinned}+cpu"), package


def test_binder_python_is_the_one_the_pins_were_made_on() -> None:
    runtime = (ROOT / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    made_on = re.search(r"Python (\d+\.\d+)", (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()[0])
    assert made_on and runtime == f"python-{made_on.group(1)}"
