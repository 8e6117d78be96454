"""The README's two commands: `make lab` must start as root, and must not reinstall when nothing changed."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="no make here (the README's commands without make apply)")


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment without the variables a calling make passes down (`make test-colab` sets VENV)."""
    # make exports its command-line variables to the environment too (VENV, CONSTRAINTS), and a child make
    # reads them as defaults: drop them with MAKEFLAGS, or `make -n lab` here would plan for .venv-colab.
    passed_down = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "VENV", "CONSTRAINTS", "LAB_ARGS")
    env = {k: v for k, v in os.environ.items() if k not in passed_down}
    return env | extra


def _dry_run(*args: str, cwd: Path = ROOT) -> str:
    result = subprocess.run([MAKE, "-n", *args], cwd=cwd, capture_output=True, text=True, check=True, env=_clean_env())
    return result.stdout


def test_lab_passes_allow_root_exactly_when_run_as_root() -> None:
    command = next(line for line in _dry_run("lab", "VENV=/nonexistent").splitlines() if "jupyter lab" in line)
    assert ("--allow-root" in command) == (os.geteuid() == 0), command


def test_a_second_make_lab_does_not_reinstall(tmp_path: Path) -> None:
    for name in ("Makefile", "requirements.txt", "requirements-lab.txt", "requirements-dev.txt", "pyproject.toml",
                 "constraints.txt", "constraints-colab.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    assert "pip install" in _dry_run("lab", cwd=tmp_path)  # first time: install
    stamp = venv / ".installed"
    stamp.touch()
    assert "pip install" not in _dry_run("lab", cwd=tmp_path)  # nothing changed: straight to JupyterLab
    later = time.time() + 5
    os.utime(tmp_path / "requirements.txt", (later, later))
    assert "pip install" in _dry_run("lab", cwd=tmp_path)  # a requirement changed: install again


def test_colab_configuration_reuses_the_same_recipe() -> None:
    assert "CONSTRAINTS=constraints-colab.txt" in _dry_run("test-colab")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_url(log: Path, process: subprocess.Popen, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(r"(http://127\.0\.0\.1:\d+/lab\?token=\w+)", log.read_text(errors="replace"))
        if match:
            return match.group(1)
        if process.poll() is not None:
            raise AssertionError(f"make lab exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        time.sleep(0.5)
    raise AssertionError(f"make lab printed no URL with a token within {timeout:.0f} s:\n{log.read_text()[-2000:]}")


def test_make_lab_serves_the_lab_page(tmp_path: Path) -> None:
    """`make lab` in this environment, as whoever runs the tests (root in CI): fetch the page, then stop it."""
    venv = Path(sys.prefix)
    if not (venv / "bin" / "jupyter").exists():
        pytest.skip("JupyterLab is not installed in this environment")
    lab_args = (f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={_free_port()} --ServerApp.port_retries=0 "
                "--LabApp.news_url= --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
    env = _clean_env(JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    log = tmp_path / "lab.log"
    with log.open("w") as out:
        # -o: take the environment as installed (the tests already run in it) instead of reinstalling
        process = subprocess.Popen([MAKE, "lab", f"VENV={venv}", "-o", f"{venv}/.installed", f"LAB_ARGS={lab_args}"],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = _wait_for_url(log, process)  # JupyterLab's own token, as a user would copy it
        with urllib.request.urlopen(url, timeout=30) as response:
            page = response.read().decode("utf-8", errors="replace")
        assert response.status == 200 and "JupyterLab" in page
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
