"""Shared fixtures: a trained Linear model and its ONNX export (made once per session), the paths that
would identify this machine, and a free port plus a wait loop for tests that start a server.

How pytest-xdist workers share the machine is set in the repository's root ``conftest.py``."""

from __future__ import annotations

import os
import socket
import subprocess
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
import torch

import helpers

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")
WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # set in pytest-xdist workers
@pytest.fixture(scope="session")
def linear_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("linear")


@pytest.fixture(scope="session")
def linear_model(linear_dir: Path) -> helpers.LinearRegressor:
    model, _ = helpers.ensure_trained_linear(linear_dir)
    return model


@pytest.fixture(scope="session")
def linear_onnx(linear_dir: Path, linear_model: helpers.LinearRegressor) -> Path:
    return helpers.ensure_linear_onnx(linear_dir)


@pytest.fixture(scope="session")
def linear_session(linear_onnx: Path) -> helpers.Session:
    return helpers.create_session(linear_onnx, device="cpu")


@pytest.fixture(autouse=True)
def _seed() -> None:
    torch.manual_seed(0)


@pytest.fixture(scope="session")
def torchvision_onnx(tmp_path_factory: pytest.TempPathFactory):
    """Export each torchvision model once per run: ``torchvision_onnx(name) -> (model, path)``.

    The models are seeded, so every pytest-xdist worker builds the same one; the ONNX file is written once,
    in the folder the workers share (under a file lock), and read by the others.
    """
    from filelock import FileLock

    cache: dict[str, tuple[torch.nn.Module, Path]] = {}
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if WORKER else base) / "torchvision-exports"
    folder.mkdir(exist_ok=True)

    def get(name: str) -> tuple[torch.nn.Module, Path]:
        if name not in cache:
            model, path = helpers.make_torchvision_model(name), folder / f"{name}.onnx"
            with FileLock(str(path) + ".lock"):
                if not path.exists():
                    done = helpers.export_model(model, torch.randn(2, 3, 224, 224), folder / f"{name}.tmp.onnx",
                                                verify=False).path
                    done.replace(path)  # whole files only: another worker never reads a half-written one
            cache[name] = (model, path)
        return cache[name]

    return get


@pytest.fixture(scope="session")
def machine_paths() -> list[str]:
    """Absolute paths a file must not hold: this checkout, site-packages, the standard library, the home folder.

    These are what the exporter's stack traces name (the model's source file, torch's own frames), so a
    file that holds none of them was really stripped; the temporary folder never appears in a trace.
    """
    folders = {ROOT, Path(sysconfig.get_paths()["purelib"]), Path(sysconfig.get_paths()["stdlib"]), Path.home()}
    folders |= {folder.resolve() for folder in folders}
    return sorted(str(folder) for folder in folders if len(folder.parts) > 1)  # a home of "/" would match anything


@pytest.fixture
def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until(probe: Callable[[], T | None], process: subprocess.Popen, what: str, timeout: float,
                log: Path | None = None) -> T:
    """Call ``probe`` twice a second until it returns something; fail when ``process`` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        if process.poll() is not None:
            raise AssertionError(f"waiting for {what}: the process exited with status {process.returncode}"
                                 f"{_tail(log)}")
        time.sleep(0.5)
    raise AssertionError(f"waiting for {what}: gave up after {timeout:.0f} s{_tail(log)}")


def _tail(log: Path | None) -> str:
    return "\n" + log.read_text(errors="replace")[-2000:] if log else ""


@pytest.fixture
def wait_until() -> Callable[..., object]:
    """``wait_until(probe, process, what, timeout, log=None)``: poll a starting server (see ``_wait_until``)."""
    return _wait_until
