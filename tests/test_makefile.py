"""The README's two commands: `make lab` must start as root, and must not reinstall when nothing changed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.error
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


def test_latest_keeps_our_deprecations_errors_and_shows_the_libraries() -> None:
    # -W would outrank every filterwarnings line of pyproject.toml, so test-latest replaces the list with -o.
    line = next(line for line in _dry_run("test-latest").splitlines() if "-m pytest" in line)
    command = line.split("  #")[0]  # without the shell comment
    ini = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    ours = [line for line in ini["filterwarnings"] if line.startswith("error:")]
    assert ours and all(f"'{line}'" in command for line in ours), command
    assert "default::DeprecationWarning" in command and " -W" not in command, command


def test_make_lab_serves_the_lab_page(tmp_path: Path, free_port: int, wait_until) -> None:
    """`make lab` in this environment, as whoever runs the tests (root in CI): fetch the page, then stop it."""
    venv = Path(sys.prefix)
    if not (venv / "bin" / "jupyter").exists():
        pytest.skip("JupyterLab is not installed in this environment")
    lab_args = (f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={free_port} --ServerApp.port_retries=0 "
                "--LabApp.news_url= --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
    env = _clean_env(JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    log = tmp_path / "lab.log"
    with log.open("w") as out:
        # -o: take the environment as installed (the tests already run in it) instead of reinstalling
        process = subprocess.Popen([MAKE, "lab", f"VENV={venv}", "-o", f"{venv}/.installed", f"LAB_ARGS={lab_args}"],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def printed_url() -> str | None:  # JupyterLab's own token, as a user would copy it
        match = re.search(r"(http://127\.0\.0\.1:\d+/lab\?token=\w+)", log.read_text(errors="replace"))
        return match and match.group(1)

    try:
        url = wait_until(printed_url, process, "the URL with a token that make lab prints", timeout=120, log=log)

        def served_page() -> tuple[int, str] | None:
            # jupyter_server prints the URL first and binds the port in an io_loop callback just after,
            # so a request sent at once can be refused: try again until the server answers
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    return response.status, response.read().decode("utf-8", errors="replace")
            except urllib.error.URLError as error:
                if isinstance(error.reason, ConnectionRefusedError):
                    return None
                raise

        status, page = wait_until(served_page, process, "the lab page at the printed URL", timeout=60, log=log)
        assert status == 200 and "JupyterLab" in page
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
