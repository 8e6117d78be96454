"""tools/wheels.py: the pinned set installs on every supported Python, on Linux, macOS arm64 and Windows."""

from __future__ import annotations

import re
import sys
import urllib.request
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import wheels  # noqa: E402


def _pypi_reachable() -> bool:
    try:
        urllib.request.urlopen(wheels.INDEX + "/pip/", timeout=10).close()
        return True
    except OSError:
        return False


needs_pypi = pytest.mark.skipif(not _pypi_reachable(), reason="PyPI cannot be reached from here")


def test_the_pythons_checked_are_pyprojects_range() -> None:
    declared = re.search(r'^requires-python = "(.*?)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    low, high = re.fullmatch(r">=3\.(\d+),<3\.(\d+)", declared).groups()
    assert wheels.PYTHONS == tuple(f"3.{minor}" for minor in range(int(low), int(high)))


@pytest.mark.same_everywhere  # make test runs it; make test-colab would repeat the same answer
@needs_pypi
def test_the_pinned_set_has_a_wheel_for_every_supported_python_and_platform() -> None:
    results = wheels.resolve_all()
    assert len(results) == len(wheels.PYTHONS) * len(wheels.PLATFORMS)
    failed = [f"Python {r.python} {r.platform}: {r.problems}" for r in results if not r.ok]
    assert not failed, "\n".join(failed)
    linux = next(r for r in results if (r.python, r.platform) == ("3.11", "linux-x86_64"))
    assert linux.installs["torch"] == "2.14.1" and "jupyterlab" in linux.installs  # the whole lab set was walked
    newest = next(r for r in results if (r.python, r.platform) == ("3.14", "linux-x86_64"))
    assert "onnxruntime-extensions" not in newest.installs  # skipped by its marker: no cp314 wheel


@needs_pypi
def test_a_pin_without_a_wheel_is_reported(tmp_path: Path) -> None:
    # The state the course was in before the marker: onnxruntime-extensions required on Python 3.14.
    requirements = [Requirement("onnxruntime-extensions>=0.15")]
    result = wheels.resolve("3.14", "linux-x86_64", requirements, [Requirement("onnxruntime-extensions==0.15.2")])
    assert result.problems == ["onnxruntime-extensions==0.15.2 has no wheel for Python 3.14 on linux-x86_64"]
    windows = wheels.resolve("3.12", "windows-amd64", requirements, [Requirement("onnxruntime-extensions==0.15.2")])
    assert not windows.ok  # 0.15.2 ships no Windows wheels: constraints.txt pins 0.15.0 there
