from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import onnxruntime
import pytest
import torch

import helpers
from helpers import doctor
from helpers.environment import EnvironmentReport

ROOT = Path(__file__).resolve().parent.parent


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
    build = report.packages.get("onnxruntime") or report.packages.get("onnxruntime-gpu")  # CPU or CUDA build
    assert build == onnxruntime.__version__
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


def test_doctor_passes_a_complete_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # no .venv here for the interpreter row to point at
    monkeypatch.setattr(doctor, "package_version", lambda name: None)  # no onnxruntime-gpu beside the report's
    checks = doctor.diagnose(_report(), free_gb=50, ram_gb=16)
    assert all(c.verdict == "ok" for c in checks), doctor.format_checks(checks)
    assert "Ready for the course." in doctor.format_checks(checks)


@pytest.mark.parametrize(
    "packages,row,detail",
    [
        ({"onnxscript": None}, "onnxscript", "not installed"),           # the exporter needs it
        ({"torch": "2.1.0"}, "torch", "course needs >= 2.11"),            # too old
        ({"netron": None}, "netron", "used in notebook 03"),              # one notebook needs it: still blocks
        ({"onnx2pytorch": None}, "onnx2pytorch", "used in notebook 04, 06"),
        ({"matplotlib": None}, "matplotlib", "not installed"),            # the plots need it
    ],
)
def test_doctor_fails_each_missing_or_old_package_with_its_fix(packages: dict, row: str, detail: str) -> None:
    checks = {c.name: c for c in doctor.diagnose(_report(**packages), free_gb=50, ram_gb=16)}
    assert checks[row].verdict == "fail" and detail in checks[row].detail and "pip install" in checks[row].fix


def test_doctor_fails_a_package_that_is_installed_but_does_not_import() -> None:
    errors = {"torch": "OSError: libcudnn.so.9: cannot open shared object file"}
    checks = {c.name: c for c in doctor.diagnose(_report(), free_gb=50, ram_gb=16, errors=errors)}
    assert checks["torch"].verdict == "fail" and "libcudnn" in checks["torch"].detail
    assert "--force-reinstall" in checks["torch"].fix
    assert checks["GPU"].verdict == "skip"  # nothing is asked of a torch that does not import


def test_doctor_minimum_versions_are_the_requirements_lower_bounds() -> None:
    bounds = dict(re.findall(r"^([\w-]+)>=([\d.]+)", (ROOT / "requirements.txt").read_text(), re.M))
    assert doctor.MINIMUM == bounds, "keep helpers/doctor.py MINIMUM equal to requirements.txt"


def test_doctor_python_range_is_pyprojects_requires_python() -> None:
    declared = re.search(r'^requires-python = "(.*?)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    lowest, newest = ".".join(map(str, doctor.PYTHON_MINIMUM)), doctor.PYTHON_NEWEST
    assert declared == f">={lowest},<{newest[0]}.{newest[1] + 1}"


@pytest.mark.parametrize("version,verdict,words", [
    ((3, 10), "fail", "need a newer Python"), ((3, 11), "ok", ""), ((3, 14), "ok", ""),
    ((3, 15), "fail", "no wheels for it yet"),
])
def test_doctor_checks_the_python_range_and_names_the_version_to_install(version, verdict, words) -> None:
    check = doctor._python_check(".".join(map(str, version)), version)
    assert check.verdict == verdict and words in check.fix
    if verdict == "fail":
        assert "Install Python 3.11 to 3.14" in check.fix


@pytest.mark.parametrize("system,machine,release,verdict", [
    ("Darwin", "arm64", "13.6.1", "fail"), ("Darwin", "arm64", "14.2", "ok"), ("Darwin", "arm64", "15.0", "ok"),
    ("Windows", "ARM64", "", "fail"), ("Windows", "AMD64", "", "ok"), ("Linux", "x86_64", "", "ok"),
])
def test_doctor_fails_platforms_without_wheels_and_points_to_colab_or_the_hub(system, machine, release,
                                                                             verdict) -> None:
    check = doctor._platform_check("here", system, machine, release)
    assert check.verdict == verdict
    if verdict == "fail":
        assert "Colab" in check.fix and "hub" in check.fix


def test_doctor_only_warns_about_onnxruntime_extensions_where_it_has_no_wheel(monkeypatch) -> None:
    monkeypatch.setattr(doctor.sys, "version_info", (3, 14, 0, "final", 0))
    checks = {c.name: c for c in doctor.diagnose(_report(**{"onnxruntime-extensions": None}), free_gb=50, ram_gb=16)}
    assert checks["onnxruntime-extensions"].verdict == "warn" and "08" in checks["onnxruntime-extensions"].fix
    monkeypatch.setattr(doctor.sys, "version_info", (3, 13, 1, "final", 0))
    checks = {c.name: c for c in doctor.diagnose(_report(**{"onnxruntime-extensions": None}), free_gb=50, ram_gb=16)}
    assert checks["onnxruntime-extensions"].verdict == "fail"


def test_requirements_skip_onnxruntime_extensions_exactly_where_the_doctor_expects_no_wheel() -> None:
    line = next(l for l in (ROOT / "requirements.txt").read_text().splitlines() if l.startswith("onnxruntime-ext"))
    major, minor = doctor.NO_WHEEL_FROM["onnxruntime-extensions"]
    assert line.endswith(f'; python_version < "{major}.{minor}"')


def test_import_probe_reports_missing_broken_and_crashing_modules(monkeypatch, tmp_path) -> None:
    (tmp_path / "broken_module.py").write_text("raise ImportError('simulated: a library is missing')\n")
    (tmp_path / "crashing_module.py").write_text("import os\nos.abort()\n")  # as a mismatched native build can
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    errors = doctor.import_errors(["json", "no_such_module_x", "crashing_module", "broken_module", "csv"])
    assert set(errors) == {"no_such_module_x", "crashing_module", "broken_module"}
    assert errors["no_such_module_x"].startswith("ModuleNotFoundError")
    assert "crashed Python" in errors["crashing_module"] and "simulated" in errors["broken_module"]


def test_doctor_flags_both_onnxruntime_builds(monkeypatch) -> None:
    monkeypatch.setattr(doctor, "package_version", lambda name: "1.20.0" if name == "onnxruntime-gpu" else None)
    checks = {c.name: c for c in doctor.diagnose(_report(), free_gb=50, ram_gb=16)}
    assert checks["onnxruntime builds"].verdict == "fail"
    assert "uninstall" in checks["onnxruntime builds"].fix


@pytest.mark.parametrize("gpu_version,verdict", [("1.32.0", "ok"), ("1.31.1", "ok"), ("1.26.0", "ok"),
                                                 ("1.25.1", "fail")])
def test_doctor_accepts_onnxruntime_gpu_as_onnxruntime(monkeypatch, gpu_version: str, verdict: str) -> None:
    """The GPU build has its own floor: PyPI's onnxruntime-gpu for CUDA 12 stops at 1.26, for CUDA 13 at 1.31.1."""
    monkeypatch.setattr(doctor, "package_version", lambda name: gpu_version if name == "onnxruntime-gpu" else None)
    checks = {c.name: c for c in doctor.diagnose(_report(onnxruntime=None), free_gb=50, ram_gb=16)}
    assert checks["onnxruntime"].verdict == verdict and checks["onnxruntime builds"].verdict == "ok"
    if verdict == "fail":
        assert "onnxruntime-gpu>=1.26" in checks["onnxruntime"].fix


def test_the_notebook_line_names_the_gpu_build() -> None:
    report = _report(onnxruntime=None)
    report.packages["onnxruntime-gpu"] = "1.31.1"
    assert "onnxruntime-gpu 1.31.1" in report.short() and "missing" not in report.short()
    assert "onnxruntime 1.32 " in _report().short()


@pytest.mark.parametrize(
    "packages,free_gb,verdict",
    [
        ({}, 0.5, "warn"),                 # installed: only the notebooks' own files need room
        ({}, 3.0, "ok"),
        ({"torch": None}, 9.0, "ok"),      # the CUDA install (6.1 GB measured) fits
        ({"torch": None}, 5.0, "warn"),    # only the CPU-only install fits
        ({"torch": None}, 3.0, "fail"),    # not even that
    ],
)
def test_doctor_disk_threshold_matches_the_install(packages: dict, free_gb: float, verdict: str) -> None:
    checks = {c.name: c for c in doctor.diagnose(_report(**packages), free_gb=free_gb, ram_gb=16)}
    assert checks["free disk"].verdict == verdict, checks["free disk"]


@pytest.mark.parametrize("ram_gb,verdict", [(1.5, "fail"), (3.0, "warn"), (8.0, "ok"), (None, "warn")])
def test_doctor_memory_check(monkeypatch, ram_gb, verdict: str) -> None:
    monkeypatch.setattr(doctor, "memory_gb", lambda: None)
    checks = {c.name: c for c in doctor.diagnose(_report(), free_gb=50, ram_gb=ram_gb)}
    assert checks["memory"].verdict == verdict


def test_memory_of_this_machine_is_read() -> None:
    ram = doctor.memory_gb()
    assert ram is not None and 0.5 < ram < 100_000


def _run_doctor(python: Path | str, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m helpers.doctor`` from the checkout as a student would: in English, no stray PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COURSE_LANGUAGE")}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([str(python), "-m", "helpers.doctor"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def test_doctor_cli_exits_0_in_the_course_environment() -> None:
    done = _run_doctor(sys.executable)  # the environment these tests run in has every package
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Ready for the course." in done.stdout and "FAIL" not in done.stdout


def test_doctor_cli_exits_1_when_a_package_does_not_import(tmp_path: Path) -> None:
    # Installed (its metadata is there) but broken on import, as after an interrupted upgrade.
    (tmp_path / "onnx2pytorch").mkdir()
    (tmp_path / "onnx2pytorch" / "__init__.py").write_text("raise ImportError('broken on purpose')\n")
    done = _run_doctor(sys.executable, pythonpath=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"^FAIL  onnx2pytorch .*broken on purpose", done.stdout, re.M), done.stdout


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> Path:
    """A virtual environment with no packages at all (not even pip)."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def test_doctor_explains_a_bare_python_without_a_traceback(bare_python: Path) -> None:
    done = _run_doctor(bare_python)
    output = done.stdout + done.stderr
    assert done.returncode == 1 and "Traceback" not in output, output
    for name in doctor.MINIMUM:
        assert re.search(rf"^FAIL  {re.escape(name)} +not installed.*pip install", done.stdout, re.M), name
    assert re.search(r"^ok    python ", done.stdout, re.M) and "memory" in done.stdout
    assert "blocking problem(s)" in done.stdout


def test_public_api_is_complete() -> None:
    for name in helpers.__all__:
        assert hasattr(helpers, name), name
    from helpers import export_model  # noqa: F401 - names and submodules import as before
    assert helpers.create_session is helpers.runtime.create_session and helpers.bench.run_sweep
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


_OLD_HELPERS = """
import warnings

def warned_here():
    warnings.warn("old_name is deprecated; use new_name", DeprecationWarning, stacklevel=1)

def warned_at_the_caller():
    warnings.warn("helpers.old_name is deprecated; use new_name", DeprecationWarning, stacklevel=2)
"""


@pytest.mark.parametrize("function", ["warned_here", "warned_at_the_caller"])
def test_our_own_deprecation_warnings_fail_the_tests(function: str) -> None:
    import types

    module = types.ModuleType("helpers.old_names")  # as if a helpers module deprecated a name
    exec(compile(_OLD_HELPERS, "helpers/old_names.py", "exec"), module.__dict__)
    with pytest.raises(DeprecationWarning, match="deprecated"):
        getattr(module, function)()


def test_library_deprecation_warnings_do_not_fail_the_tests() -> None:
    import warnings

    warnings.warn_explicit("old API", DeprecationWarning, "somelib/api.py", 1, module="somelib.api")


def test_importing_helpers_imports_no_course_library() -> None:
    code = ("import sys, helpers; heavy = {'torch', 'onnx', 'onnxruntime', 'numpy', 'onnxscript'} & set(sys.modules);"
            "print(sorted(heavy)); assert not heavy; assert 'export_model' in helpers.__all__;"
            "from helpers import doctor; assert not {'torch', 'onnxruntime'} & set(sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_setup_notebook_imports_every_teaching_module_and_caps_threads(tmp_path) -> None:
    # inspection, once imported, prints IPython's IFrame without a memory address (notebook 03)
    code = ("import sys, torch, helpers; helpers.setup_notebook(quiet=True);"
            "missing = [m for m in helpers._TEACHING_MODULES if 'helpers.' + m not in sys.modules];"
            "assert not missing, missing; assert torch.get_num_threads() == 1, torch.get_num_threads()")
    env = {**os.environ, "COURSE_ARTIFACTS": str(tmp_path / "artifacts"), "COURSE_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_lazy_package_imports_any_submodule_and_explains_unknown_names() -> None:
    assert helpers.optimize.__name__ == "helpers.optimize" and "bench" in dir(helpers)
    with pytest.raises(AttributeError, match="helpers.__all__"):
        helpers.no_such_name  # noqa: B018


@pytest.mark.parametrize("version,needed,older", [
    ("2.11.0rc1", "2.11", True),   # a release candidate comes before the release (a tuple of digits said 2.11.0)
    ("2.11.0+cu130", "2.11", False),  # a local build label is not a lower version
    ("0.7.10", "0.7.2", False),
    ("1.9", "1.22", True),
    ("not-a-version", "1.0", False),  # unreadable: not reported as too old
])
def test_doctor_compares_versions_by_pips_rules(version: str, needed: str, older: bool) -> None:
    assert doctor._older(version, needed) is older


def test_memory_limit_of_the_users_own_cgroup_is_found_where_the_root_shows_none(tmp_path) -> None:
    from helpers import machine_checks

    root = tmp_path / "cgroup"
    unit = root / "user.slice" / "user-1001.slice" / "jupyter-alice.service"
    unit.mkdir(parents=True)
    (root / "memory.max").write_text("max\n")                       # the host: no limit at the root
    (root / "user.slice" / "memory.max").write_text("max\n")
    (unit / "memory.max").write_text(f"{3 * 10**9}\n")              # TLJH's per-user limit
    proc = tmp_path / "cgroup-of-this-process"
    proc.write_text("0::/user.slice/user-1001.slice/jupyter-alice.service\n")
    assert machine_checks._cgroup_memory_limit(proc, root) == 3 * 10**9
    proc.write_text("0::/\n")
    assert machine_checks._cgroup_memory_limit(proc, root) is None


def test_memory_limit_of_a_cgroup_v1_memory_controller(tmp_path) -> None:
    from helpers import machine_checks

    root = tmp_path / "cgroup"
    group = root / "memory" / "docker" / "abc"
    group.mkdir(parents=True)
    (group / "memory.limit_in_bytes").write_text(f"{2 * 10**9}\n")
    proc = tmp_path / "cgroup-of-this-process"
    proc.write_text("5:cpuset:/\n4:memory:/docker/abc\n")
    assert machine_checks._cgroup_memory_limit(proc, root) == 2 * 10**9


def test_the_hubs_mem_limit_caps_the_memory_the_doctor_reports(monkeypatch) -> None:
    from helpers import machine_checks

    monkeypatch.setenv("MEM_LIMIT", str(10**9))
    assert machine_checks.memory_gb() == pytest.approx(1.0)
    monkeypatch.setenv("MEM_LIMIT", "not a number")
    assert machine_checks._hub_memory_limit() is None


# --------------------------------------------------------------------------- free_memory

@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and calls glibc's malloc_trim")
def test_free_memory_hands_freed_heap_pages_back_to_the_system() -> None:
    # Many small objects come from malloc's heap, not from their own mmap: freeing them does not shrink the
    # resident size until malloc_trim returns the pages (the kept, fragmented heap notebook 06 had).
    code = ("import helpers\n"
            "chunks = [bytearray(60_000) for _ in range(5000)]  # about 300 MB below the mmap threshold\n"
            "keep = chunks[::50]\n"
            "del chunks\n"
            "freed = helpers.free_memory()\n"
            "print(freed.before_mb, freed.after_mb)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert done.returncode == 0, done.stderr
    before, after = map(float, done.stdout.split())
    assert before - after > 150, f"resident {before:.0f} MB -> {after:.0f} MB: the freed pages were not returned"
    assert "resident memory" in str(helpers.free_memory())


def test_doctor_warns_without_node_or_the_pages_onnxruntime_web(monkeypatch, tmp_path) -> None:
    """Pass 24: "Ready for the course." on a machine without Node.js, which notebook 11 and check 11.1 need."""
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)
    row = doctor._node_check()
    assert row.verdict == "warn" and "install Node.js" in row.fix and "11.1" in row.fix
    fake_node = tmp_path / "node"
    fake_node.write_text("#!/bin/sh\necho v20.0.0\n")
    fake_node.chmod(0o755)
    monkeypatch.setattr(doctor.shutil, "which", lambda name: str(fake_node))
    monkeypatch.setattr(doctor, "__file__", str(tmp_path / "helpers" / "doctor.py"))  # no web/node_modules there
    row = doctor._node_check()
    assert row.verdict == "warn" and "v20.0.0" in row.detail and "npm ci" in row.fix
    assert "Node.js" not in {c.name for c in doctor.diagnose(_report(), free_gb=50, ram_gb=16)}  # a notebook's check
