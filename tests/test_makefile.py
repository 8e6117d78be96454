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
    # make exports its command-line variables to the environment too (VENV, CONSTRAINTS, PYTEST_ARGS), and a child make
    # reads them as defaults: drop them with MAKEFLAGS, or `make -n lab` here would plan for .venv-colab.
    passed_down = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "VENV", "CONSTRAINTS", "LAB_ARGS", "PYTEST_ARGS")
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
                 "constraints.txt", "constraints-colab.txt", "helpers/web/package-lock.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
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
    stamp.touch()
    os.utime(stamp, (later + 1, later + 1))
    assert "npm ci" not in _dry_run("lab", cwd=tmp_path)
    os.utime(tmp_path / "helpers/web/package-lock.json", (later + 5, later + 5))
    assert "npm ci" in _dry_run("lab", cwd=tmp_path)  # onnxruntime-web's lockfile changed: npm ci again


def test_colab_configuration_reuses_the_same_recipe() -> None:
    assert "CONSTRAINTS=constraints-colab.txt" in _dry_run("test-colab")


def test_colab_configuration_leaves_out_only_the_checks_whose_answer_cannot_depend_on_it() -> None:
    """make test-colab skips what reads only the repository and PyPI (make test runs it): the Colab cell's pip
    resolution and the wheel check, a few minutes of waiting on PyPI that would give the same answer twice."""
    pytest_line = next(line for line in _dry_run("test-colab").splitlines() if "-m pytest" in line)
    assert pytest_line.endswith('-m pytest -m "not same_everywhere"'), pytest_line
    marked = sorted(p.name for p in (ROOT / "tests").glob("test_*.py")
                    if "\n@pytest.mark.same_everywhere" in p.read_text(encoding="utf-8"))
    assert marked == ["test_colab_cell.py", "test_wheels.py"]  # a new one: read the marker's definition first
    assert "pytest -m" not in next(line for line in _dry_run("test").splitlines() if "-m pytest" in line)


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


def _fake_python(tmp_path: Path, status_of_plain_kernels: int = 0) -> Path:
    """A stand-in for the venv's python: ``-c`` runs in the real one (the script asks it for the usable CPUs);
    ``-m pytest`` records its environment, CPUs and arguments, and exits 0, or the given status for the
    plain-kernels run."""
    fake = tmp_path / "python"
    fake.write_text(f"""#!{sys.executable}
import json, os, sys, time
if sys.argv[1] == "-c":
    exec(sys.argv[2])
    sys.exit(0)
run = os.environ.get("COURSE_TEST_RUN", "")
record = {{"run": run, "cpus": sorted(os.sched_getaffinity(0)), "args": sys.argv[3:], "start": time.time(),
          "omp": os.environ.get("OMP_NUM_THREADS"), "aten": os.environ.get("ATEN_CPU_CAPABILITY")}}
time.sleep(1)
record["end"] = time.time()
print("pytest", run, "done")
with open({str(tmp_path / "runs.jsonl")!r}, "a") as handle:
    handle.write(json.dumps(record) + "\\n")
sys.exit({status_of_plain_kernels} if run == "plain-kernels" else 0)
""")
    fake.chmod(0o755)
    return fake


@pytest.mark.skipif(shutil.which("taskset") is None, reason="taskset (util-linux) is missing")
def test_the_portability_runs_go_side_by_side_on_separate_cpus(tmp_path: Path) -> None:
    import json

    cpus = sorted(os.sched_getaffinity(0))
    done = subprocess.run([str(ROOT / "tools" / "portability.sh"), str(_fake_python(tmp_path))], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    runs = {r["run"]: r for r in map(json.loads, (tmp_path / "runs.jsonl").read_text().splitlines())}
    one, plain = runs["one-thread"], runs["plain-kernels"]
    assert (one["omp"], one["aten"], plain["aten"]) == ("1", None, "default")
    assert one["cpus"] == cpus[:1]
    if len(cpus) == 1:
        assert one["args"] == plain["args"] == ["notebooks"]
    else:  # beside each other, on the other CPUs, one worker per CPU
        assert plain["cpus"] == cpus[1:] and plain["start"] < one["end"] and one["start"] < plain["end"]
        assert (one["args"], plain["args"]) == (["-n", "1", "notebooks"], ["-n", str(len(cpus) - 1), "notebooks"])
    # The second run's output is printed after the first's, not interleaved with it.
    assert done.stdout.index("pytest one-thread done") < done.stdout.index("pytest plain-kernels done")


def test_a_failing_portability_run_fails_the_target(tmp_path: Path) -> None:
    if shutil.which("taskset") is None:
        pytest.skip("taskset (util-linux) is missing")
    done = subprocess.run([str(ROOT / "tools" / "portability.sh"), str(_fake_python(tmp_path, 1)),
                           "notebooks/01_define_and_train.ipynb"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "plain kernels: exit 1" in done.stdout, done.stdout + done.stderr
    assert "test-portability: setup\n\ttools/portability.sh $(BIN)/python\n" in (ROOT / "Makefile").read_text()


def _root_conftest():
    import importlib.util

    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_slowest_files_are_handed_out_first_and_keep_their_order() -> None:
    conftest = _root_conftest()
    assert all((ROOT / name).is_file() for name in conftest.SLOWEST_FIRST), "a renamed or removed file is still listed"
    assert "--no-loadscope-reorder" in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"][
        "ini_options"]["addopts"]  # else pytest-xdist reorders files by their number of tests

    class Item:
        def __init__(self, nodeid: str) -> None:
            self.nodeid = nodeid

    first, second = conftest.SLOWEST_FIRST[:2]
    items = [Item(n) for n in ("tests/test_a.py::t1", f"{second}::Cell 0", "tests/test_a.py::t2", f"{first}::x",
                               f"{second}::Cell 1")]
    conftest.pytest_collection_modifyitems(None, items)
    assert [i.nodeid for i in items] == [f"{first}::x", f"{second}::Cell 0", f"{second}::Cell 1",
                                         "tests/test_a.py::t1", "tests/test_a.py::t2"]


def test_every_artifacts_folder_a_test_run_names_reads_as_artifacts_in_compared_outputs() -> None:
    import configparser

    sanitize = configparser.ConfigParser()
    sanitize.read(ROOT / "tests" / "sanitize.cfg")
    pattern = re.compile(sanitize["xdist-artifacts"]["regex"])
    runs = set(re.findall(r"COURSE_TEST_RUN=([\w.-]+)", (ROOT / "tools" / "portability.sh").read_text()))
    assert runs == {"one-thread", "plain-kernels"}
    conftest = _root_conftest()
    notebook_folders = []
    for run in ["", *runs]:
        for worker in [None, "gw0", "gw12"]:
            conftest.RUN, conftest.WORKER = run, worker
            notebook_folders += [conftest.notebook_artifacts("01_define_and_train.ipynb"),
                                 conftest.notebook_artifacts("11_leaving_python.ipynb")]
    assert len(set(notebook_folders)) == len(notebook_folders)
    for folder in ["artifacts/gw0", "artifacts/gw12", *(f"artifacts/{run}-gw1" for run in runs), *notebook_folders]:
        assert pattern.sub(sanitize["xdist-artifacts"]["replace"], f"saved {folder}/linear.onnx") == \
            "saved artifacts/linear.onnx", folder
