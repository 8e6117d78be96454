from __future__ import annotations

import onnxruntime
import pytest
import torch

import helpers
from helpers import doctor
from helpers.environment import EnvironmentReport


@pytest.mark.parametrize(
    "env,expected",
    [
        ({}, "local"),
        ({"COLAB_RELEASE_TAG": "release-colab_20261101"}, "colab"),
        ({"BINDER_SERVICE_HOST": "10.0.0.1"}, "binder"),
        ({"JUPYTERHUB_SERVICE_PREFIX": "/user/me/"}, "jupyterhub"),
    ],
)
def test_detect_platform(monkeypatch, env: dict, expected: str) -> None:
    for name in ("COLAB_RELEASE_TAG", "BINDER_SERVICE_HOST", "BINDER_REQUEST", "BINDER_LAUNCH_HOST",
                 "JUPYTERHUB_SERVICE_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert helpers.detect_platform() == expected


def test_report_matches_the_libraries() -> None:
    report = helpers.describe_environment()
    assert report.packages["torch"] == torch.__version__.split("+")[0] or report.packages["torch"] == torch.__version__
    assert report.packages["onnxruntime"] == onnxruntime.__version__
    assert report.ort_providers == onnxruntime.get_available_providers()
    assert (report.gpu is not None) == torch.cuda.is_available() == helpers.gpu_available()
    assert "onnxruntime" in report.short() and "onnxruntime" in str(report)


def test_artifacts_dir_honours_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("COURSE_ARTIFACTS", str(tmp_path / "out"))
    assert helpers.artifacts_dir() == tmp_path / "out" and (tmp_path / "out").is_dir()


def _report(**packages) -> EnvironmentReport:
    base = {name: doctor.MINIMUM[name] for name in doctor.MINIMUM}
    base.update(packages)
    return EnvironmentReport("3.11.7", "local", base, None, ["CPUExecutionProvider"])


def test_doctor_passes_a_complete_environment() -> None:
    checks = doctor.diagnose(_report(), free_gb=50)
    assert all(c.verdict == "ok" for c in checks), doctor.format_checks(checks)
    assert "Ready for the course." in doctor.format_checks(checks)


@pytest.mark.parametrize(
    "packages,row,verdict",
    [
        ({"onnxscript": None}, "onnxscript", "fail"),          # the exporter needs it
        ({"torch": "2.1.0"}, "torch", "fail"),                  # too old
        ({"netron": None}, "netron", "warn"),                   # only notebook 03 needs it
        ({"onnx2pytorch": None}, "onnx2pytorch", "warn"),
    ],
)
def test_doctor_verdicts(packages: dict, row: str, verdict: str) -> None:
    checks = {c.name: c for c in doctor.diagnose(_report(**packages), free_gb=50)}
    assert checks[row].verdict == verdict and "pip install" in checks[row].fix


def test_doctor_flags_both_onnxruntime_builds(monkeypatch) -> None:
    monkeypatch.setattr(doctor, "package_version", lambda name: "1.20.0" if name == "onnxruntime-gpu" else None)
    checks = {c.name: c for c in doctor.diagnose(_report(), free_gb=50)}
    assert checks["onnxruntime builds"].verdict == "fail"
    assert "uninstall" in checks["onnxruntime builds"].fix


def test_doctor_warns_on_low_disk() -> None:
    checks = {c.name: c for c in doctor.diagnose(_report(), free_gb=0.5)}
    assert checks["free disk"].verdict == "warn"


def test_doctor_cli_exit_status(capsys) -> None:
    status = doctor.main()
    out = capsys.readouterr().out
    assert status == (1 if "FAIL" in out else 0)
    assert "onnxruntime builds" in out


def test_public_api_is_complete() -> None:
    for name in helpers.__all__:
        assert hasattr(helpers, name), name
    for name in ("export_model", "import_to_pytorch", "summarize", "create_session", "show_in_netron"):
        doc = getattr(helpers, name).__doc__
        assert doc and doc.strip().splitlines()[0].endswith((".", ")")), name


@pytest.mark.parametrize(
    "cpuinfo,expected",
    [
        ("flags\t\t: fpu sse2 avx2 avx512f avx512_vnni\nflags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n", ["AVX-512 VNNI"]),
        ("flags\t\t: fpu avx2 avx_vnni amx_bf16 amx_int8 avx512_vnni\n", ["AVX-512 VNNI", "AVX-VNNI", "AMX-INT8"]),
        ("Features\t: fp asimd asimddp i8mm sve\n", ["Arm dot product", "Arm int8 matrix multiply"]),
        ("flags\t\t: fpu sse2 avx2 fma\n", []),
    ],
)
def test_cpu_int8_features_reads_the_flags(cpuinfo: str, expected: list[str]) -> None:
    assert helpers.cpu_int8_features(cpuinfo) == expected


def test_cpu_int8_features_of_this_machine_is_a_list_or_unknown() -> None:
    features = helpers.cpu_int8_features()
    assert features is None or all(name in helpers.environment.INT8_CPU_FLAGS.values() for name in features)
