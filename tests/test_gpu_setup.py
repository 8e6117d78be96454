"""helpers.gpu_setup: the onnxruntime build a GPU runtime gets, planned and checked without a GPU."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import gpu_setup

PY = "/usr/bin/python3"
PIP = (PY, "-m", "pip")
CPU_ONLY = {"onnxruntime": "1.32.0", "onnxruntime-gpu": None}
# Every tag a manylinux x86-64 wheel may carry: pip matches --platform exactly.
LINUX_TAGS = [f"manylinux_2_{n}_x86_64" for n in range(5, 40)] + ["manylinux2014_x86_64", "manylinux1_x86_64"]


def test_without_a_gpu_nothing_changes() -> None:
    plan = gpu_setup.plan_onnxruntime_gpu(None, CPU_ONLY, python=PY)
    assert plan.commands == () and "CPU build" in plan.reason


@pytest.mark.parametrize("cuda,version", [("12.6", "1.26.0"), ("12.8", "1.26.0"), ("13.0", "1.31.1")])
def test_a_gpu_gets_the_build_for_its_cuda_and_the_cpu_build_goes_first(cuda: str, version: str) -> None:
    plan = gpu_setup.plan_onnxruntime_gpu(cuda, CPU_ONLY, python=PY)
    assert plan.commands == (PIP + ("uninstall", "-y", "onnxruntime"),
                             PIP + ("install", "-q", f"onnxruntime-gpu=={version}"))
    assert f"CUDA {cuda.split('.')[0]}" in plan.reason and f"uninstall -y onnxruntime" in str(plan)


def test_both_builds_installed_are_both_removed_before_the_install() -> None:
    plan = gpu_setup.plan_onnxruntime_gpu("13.0", {"onnxruntime": "1.32.0", "onnxruntime-gpu": "1.30.0"}, python=PY)
    assert plan.commands[0] == PIP + ("uninstall", "-y", "onnxruntime", "onnxruntime-gpu")
    assert plan.commands[1][-1] == "onnxruntime-gpu==1.31.1"


def test_the_right_gpu_build_already_there_is_left_alone() -> None:
    plan = gpu_setup.plan_onnxruntime_gpu("13.0", {"onnxruntime": None, "onnxruntime-gpu": "1.31.1"}, python=PY)
    assert plan.commands == () and "already installed" in plan.reason
    wrong = gpu_setup.plan_onnxruntime_gpu("12.8", {"onnxruntime": None, "onnxruntime-gpu": "1.31.1"}, python=PY)
    assert wrong.commands[-1][-1] == "onnxruntime-gpu==1.26.0"  # a CUDA 13 build on a CUDA 12 PyTorch is replaced


def test_an_unknown_cuda_keeps_the_cpu_build_and_says_so() -> None:
    plan = gpu_setup.plan_onnxruntime_gpu("11.8", CPU_ONLY, python=PY)
    assert plan.commands == () and "CUDA 11.8" in plan.reason and "runs on the CPU" in plan.reason


def test_the_floor_is_the_oldest_pinned_build() -> None:
    oldest = min(gpu_setup.ONNXRUNTIME_GPU_FOR_CUDA.values(), key=lambda v: tuple(map(int, v.split("."))))
    assert oldest.startswith(gpu_setup.ONNXRUNTIME_GPU_MINIMUM + ".")


def _installed(monkeypatch, versions: dict) -> None:
    monkeypatch.setattr(gpu_setup, "package_version", lambda name: versions.get(name))


def test_use_runs_the_plan_in_order_where_onnxruntime_is_not_imported_yet(monkeypatch, capsys) -> None:
    _installed(monkeypatch, CPU_ONLY)
    monkeypatch.delitem(sys.modules, "onnxruntime", raising=False)
    calls = []
    plan = gpu_setup.use_onnxruntime_gpu(run=lambda command, check: calls.append((command, check)),
                                         detect=lambda: "12.4")
    assert [command[3:5] for command, _ in calls] == [["uninstall", "-y"], ["install", "-q"]]
    assert all(check for _, check in calls) and calls[1][0][-1] == "onnxruntime-gpu==1.26.0"
    assert plan.reason in capsys.readouterr().out  # the student sees what happens and why


def test_use_refuses_once_onnxruntime_is_imported(monkeypatch) -> None:
    import onnxruntime  # noqa: F401  (the kernel already holds the CPU build)

    _installed(monkeypatch, CPU_ONLY)
    calls = []
    with pytest.raises(RuntimeError, match="restart the runtime"):
        gpu_setup.use_onnxruntime_gpu(run=lambda command, check: calls.append(command), detect=lambda: "13.0")
    assert calls == []


def test_use_on_a_cpu_runtime_runs_nothing(monkeypatch) -> None:
    _installed(monkeypatch, CPU_ONLY)
    calls = []
    assert gpu_setup.use_onnxruntime_gpu(run=lambda *a, **k: calls.append(a), detect=lambda: None).commands == ()
    assert calls == []


def test_the_command_line_prints_the_plan_for_this_machine() -> None:
    done = subprocess.run([sys.executable, "-m", "helpers.gpu_setup", "--dry-run"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "onnxruntime" in done.stdout


@pytest.mark.parametrize("major,version", sorted(gpu_setup.ONNXRUNTIME_GPU_FOR_CUDA.items()))
def test_each_pinned_build_exists_for_colabs_python_and_is_built_for_its_cuda(tmp_path, major: str,
                                                                             version: str) -> None:
    """pip resolves the pinned wheel for Colab's Python 3.13 on Linux, and its metadata names that CUDA major."""
    report = tmp_path / "report.json"
    platforms = [arg for tag in LINUX_TAGS for arg in ("--platform", tag)]
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--no-deps",
                           "--ignore-installed", "--only-binary=:all:", "--python-version", "3.13", *platforms,
                           "--target", str(tmp_path / "target"), "--report", str(report),
                           f"onnxruntime-gpu=={version}"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (wheel,) = json.loads(report.read_text())["install"]
    runtime = [r for r in wheel["metadata"].get("requires_dist", []) if r.startswith("nvidia-cuda-runtime")]
    assert runtime and all(f"~={major}." in r for r in runtime), runtime
