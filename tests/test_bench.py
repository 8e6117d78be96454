from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import torch

import helpers
from helpers import bench
from helpers.bench import backends


@pytest.mark.parametrize(
    "times,median,p10,p90,iqr",
    [
        ([1, 2, 3, 4, 5], 3.0, 1.4, 4.6, 2.0),
        ([10.0] * 7, 10.0, 10.0, 10.0, 0.0),
        ([5.0, 1.0, 3.0], 3.0, 1.4, 4.6, 2.0),
    ],
)
def test_timing_stats_on_synthetic_timings(times, median, p10, p90, iqr) -> None:
    stats = bench.timing_stats(times)
    assert (stats.median, stats.runs) == (pytest.approx(median), len(times))
    assert stats.p10 == pytest.approx(p10) and stats.p90 == pytest.approx(p90) and stats.iqr == pytest.approx(iqr)
    assert stats.mean == pytest.approx(np.mean(times))


def test_timing_stats_needs_timings() -> None:
    with pytest.raises(ValueError, match="at least once"):
        bench.timing_stats([])


class FakeClock:
    """A clock that advances 2 ms per call of the benchmarked function, and records sync calls."""

    def __init__(self) -> None:
        self.now = 0.0
        self.events: list[str] = []

    def __call__(self) -> float:
        return self.now

    def work(self) -> None:
        self.events.append("work")
        self.now += 0.002

    def sync(self) -> None:
        self.events.append("sync")


@pytest.mark.parametrize("warmup,repeat,min_time,expected_runs", [(0, 5, 0.0, 5), (3, 5, 0.0, 5), (2, 3, 0.02, 10)])
def test_benchmark_bookkeeping(warmup: int, repeat: int, min_time: float, expected_runs: int) -> None:
    clock = FakeClock()
    result = bench.benchmark(clock.work, warmup=warmup, repeat=repeat, min_time=min_time, batch_size=4,
                             synchronize=clock.sync, threads=2, clock=clock, name="fake")
    assert result.stats.runs == expected_runs
    assert result.median_ms == pytest.approx(2.0) and result.throughput == pytest.approx(2000.0)
    assert clock.events.count("work") == warmup + expected_runs
    # every timed call is followed by a synchronize before the clock stops
    timed = clock.events[warmup:]
    assert timed[0] == "sync" and all(a == "work" and b == "sync" for a, b in zip(timed[1::2], timed[2::2]))
    assert "batch 4" in str(result) and "2 threads" in str(result)


def test_benchmark_rejects_zero_repeats() -> None:
    with pytest.raises(ValueError, match="repeat must be"):
        bench.benchmark(lambda: None, repeat=0)


def test_unavailable_backends_carry_a_reason() -> None:
    backends = {b.name: b for b in bench.available_backends()}
    assert set(backends) == set(bench.BACKENDS)
    assert backends["pytorch-cpu"].available and backends["onnxruntime-cpu"].available
    for backend in backends.values():
        assert backend.available or backend.reason
    assert backends["pytorch-cuda"].available == torch.cuda.is_available()


@pytest.fixture(scope="module")
def tiny_sweep(tmp_path_factory) -> bench.SweepResult:
    folder = tmp_path_factory.mktemp("bench")
    model = helpers.make_linear_model()
    path = helpers.export_model(model, torch.randn(2, 10), folder / "linear.onnx", verify=False).path
    return bench.run_sweep(model, path, (10,), [1, 8], warmup=1, repeat=3, min_time=0.0, progress=False,
                           model_name="linear")


def test_sweep_covers_every_available_backend_and_reports_the_rest(tiny_sweep) -> None:
    available = [b.name for b in bench.available_backends() if b.available]
    assert sorted((r.backend, r.batch_size) for r in tiny_sweep.rows) == sorted((b, n) for b in available for n in (1, 8))
    assert sorted(b.name for b in tiny_sweep.unavailable) == sorted(set(bench.BACKENDS) - set(available))
    assert all(r.runs >= 3 and r.p10_ms <= r.median_ms <= r.p90_ms for r in tiny_sweep.rows)
    assert tiny_sweep.median("onnxruntime-cpu", 8) == tiny_sweep.medians(8)["onnxruntime-cpu"]
    assert "not run:" in tiny_sweep.table() or not tiny_sweep.unavailable
    with pytest.raises(KeyError, match="No row"):
        tiny_sweep.median("onnxruntime-cpu", 3)


def test_sweep_json_and_csv_round_trip(tiny_sweep, tmp_path) -> None:
    path = tiny_sweep.to_json(tmp_path / "s.json")
    again = bench.SweepResult.from_json(path)
    assert again.rows == tiny_sweep.rows and again.unavailable == tiny_sweep.unavailable
    assert again.machine == tiny_sweep.machine and again.source == "recorded in s.json"
    data = json.loads(path.read_text())
    assert {"cpu", "cores", "gpu", "versions", "date", "threads"} <= set(data["machine"])
    lines = tiny_sweep.to_csv(tmp_path / "s.csv").read_text().splitlines()
    assert lines[0].startswith("backend,batch_size,median_ms") and len(lines) == len(tiny_sweep.rows) + 1


def test_broken_json_is_explained(tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"model": "x"}')
    with pytest.raises(ValueError, match="not a sweep"):
        bench.SweepResult.from_json(path)


def _synthetic_sweep(medians: dict[str, dict[int, float]], gpu: str | None = "Test GPU") -> bench.SweepResult:
    """A sweep with the given medians (ms), as a recording from a machine with ``gpu`` would hold."""
    machine = bench.describe_machine(threads=1)
    machine.gpu = gpu
    rows = [bench.SweepRow(b, n, m, m, m, 0.0, 1, n / m * 1000) for b, by_batch in medians.items()
            for n, m in by_batch.items()]
    return bench.SweepResult("toy", rows, [], machine)


GPU_SWEEP = {
    "pytorch-cpu": {1: 1.0, 8: 6.0, 64: 50.0},
    "pytorch-cuda": {1: 2.0, 8: 2.1, 64: 3.0},
    "pytorch-cuda+copies": {1: 4.0, 8: 7.0, 64: 12.0},
}


def test_recorded_results_keep_only_sweeps_with_gpu_rows(tmp_path) -> None:
    _synthetic_sweep({"pytorch-cpu": {1: 1.0}, "onnxruntime-cpu": {1: 0.5}}).to_json(tmp_path / "cpu_only.json")
    _synthetic_sweep(GPU_SWEEP).to_json(tmp_path / "toy_gpu.json")
    assert [s.source for s in bench.load_recorded_results(tmp_path)] == ["recorded in toy_gpu.json"]
    assert len(bench.load_recorded_results(tmp_path, needs_gpu=False)) == 2
    # Every file that ships with the course is a GPU recording: none is dropped by the filter.
    shipped = sorted(bench.RECORDED_DIR.glob("*.json"))
    assert len(bench.load_recorded_results()) == len(shipped)


def test_a_recording_keeps_the_gpu_driver_and_cuda_and_reads_older_files(tmp_path) -> None:
    sweep = _synthetic_sweep(GPU_SWEEP)
    sweep.machine.gpu_driver, sweep.machine.cuda = "580.1", "13.0"
    again = bench.SweepResult.from_json(sweep.to_json(tmp_path / "s.json"))
    assert (again.machine.gpu, again.machine.gpu_driver, again.machine.cuda) == ("Test GPU", "580.1", "13.0")
    assert "Test GPU, driver 580.1, CUDA 13.0" in str(again.machine)
    data = json.loads((tmp_path / "s.json").read_text())
    for key in ("gpu_driver", "cuda"):
        del data["machine"][key]  # a file written before these fields existed
    (tmp_path / "old.json").write_text(json.dumps(data))
    assert bench.SweepResult.from_json(tmp_path / "old.json").machine.gpu_driver is None


def test_copy_share_and_summary_of_a_gpu_sweep() -> None:
    sweep = _synthetic_sweep(GPU_SWEEP)
    assert bench.copy_share(sweep, "pytorch-cuda") == pytest.approx({1: 0.5, 8: 0.7, 64: 0.75})
    summary = bench.summarize_sweep(sweep)
    assert summary.crossovers == {"pytorch-cuda": 8, "pytorch-cuda+copies": 64}
    assert summary.best_cpu == {1: "pytorch-cpu", 8: "pytorch-cpu", 64: "pytorch-cpu"}
    text = str(summary)
    assert "from batch 8 on" in text and "copies' share of an end-to-end call: 50% at batch 1" in text
    with pytest.raises(ValueError, match="no end-to-end mode"):
        bench.copy_share(sweep, "pytorch-cpu")
    with pytest.raises(ValueError, match="no CPU backend"):
        bench.summarize_sweep(_synthetic_sweep({"pytorch-cuda": {1: 1.0}}))


def test_a_copy_share_the_timings_cannot_show_is_said_so_not_printed_as_zero() -> None:
    """On-device slower than end to end (I/O binding's own cost, noise): no share, and the summary says why."""
    sweep = _synthetic_sweep({"pytorch-cpu": {1: 5.0, 64: 50.0}, "onnxruntime-cuda": {1: 0.83, 64: 2.0},
                              "onnxruntime-cuda+copies": {1: 0.72, 64: 8.0}})
    assert bench.copy_share(sweep, "onnxruntime-cuda") == pytest.approx({1: None, 64: 0.75})
    assert "copies' share of an end-to-end call: not measurable (the on-device run was slower) at batch 1, " \
           "75% at batch 64" in str(bench.summarize_sweep(sweep))


def test_speedups_and_plots(tiny_sweep) -> None:
    ups = bench.speedups(tiny_sweep)
    assert ups["pytorch-cpu"] == {1: 1.0, 8: 1.0}
    for plot in (bench.plot_latency, bench.plot_throughput, bench.plot_speedup):
        fig = plot(tiny_sweep)
        assert {line.get_label() for line in fig.axes[0].lines} >= {"pytorch-cpu", "onnxruntime-cpu"}
    with pytest.raises(ValueError, match="Baseline"):  # a sweep that did not measure it (on any machine)
        bench.speedups(_synthetic_sweep({"pytorch-cpu": {1: 1.0}}), baseline="pytorch-cuda")


@pytest.mark.parametrize("kwargs,message", [({"backends": ["tpu"]}, "Unknown backend"), ({"batch_sizes": [0]}, "positive")])
def test_sweep_argument_errors(kwargs, message: str) -> None:
    args = {"model": helpers.make_linear_model(), "onnx_path": "x.onnx", "input_shape": (10,), "batch_sizes": [1]}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        bench.run_sweep(**args)


def test_cli_on_a_tiny_configuration(tmp_path, capsys) -> None:
    status = bench.main(["--model", "linear", "--batch-sizes", "1", "2", "--repeat", "2", "--warmup", "1",
                         "--min-time", "0", "--output", str(tmp_path), "--no-progress",
                         "--backends", "pytorch-cpu", "onnxruntime-cpu"])
    out = capsys.readouterr().out
    assert status == 0 and "onnxruntime-cpu" in out and "median ms" in out
    sweep = bench.SweepResult.from_json(tmp_path / "linear_cpu.json")  # CPU rows only: "cpu", also on a GPU machine
    assert sweep.model == "linear" and sweep.batch_sizes == [1, 2]
    assert (tmp_path / "linear_cpu_latency.png").stat().st_size > 0
    assert (tmp_path / "linear_cpu_speedup.png").exists() and (tmp_path / "linear_cpu.csv").exists()


def test_crossover_batch_is_where_the_candidate_stays_faster() -> None:
    sweep = _synthetic_sweep({"onnxruntime-cpu": {1: 1.0, 8: 8.0, 64: 64.0, 256: 256.0},
                              "pytorch-cuda": {1: 3.0, 8: 4.0, 64: 6.0, 256: 9.0},
                              "pytorch-cuda+copies": {1: 0.9, 8: 9.0, 64: 30.0, 256: 100.0}})
    assert bench.crossover_batch(sweep, "pytorch-cuda", "onnxruntime-cpu") == 8
    # faster at batch 1 by chance, slower at 8: the crossover is 64, not 1
    assert bench.crossover_batch(sweep, "pytorch-cuda+copies", "onnxruntime-cpu") == 64
    assert bench.crossover_batch(sweep, "onnxruntime-cpu", "pytorch-cuda") is None
    with pytest.raises(ValueError, match="pytorch-cpu was not measured"):  # never measured: not "never faster"
        bench.crossover_batch(sweep, "pytorch-cuda", "pytorch-cpu")


@pytest.mark.parametrize(
    "affinity,cap,expected",
    [
        ({0, 1, 2, 3}, None, 4),   # every CPU the process may use
        ({0, 1, 2, 3}, "2", 2),    # capped by COURSE_THREADS
        ({0, 1}, "16", 2),         # a cap above the usable CPUs changes nothing
        ({3}, None, 1),            # pinned to one CPU (taskset, a container's cpuset), whatever cpu_count says
    ],
)
def test_default_threads_follow_the_usable_cpus_and_the_cap(monkeypatch, affinity, cap, expected) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: affinity, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    if cap is None:
        monkeypatch.delenv("COURSE_THREADS", raising=False)
    else:
        monkeypatch.setenv("COURSE_THREADS", cap)
    assert bench.default_threads() == expected


def test_default_threads_without_affinity_and_a_wrong_cap(monkeypatch) -> None:
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)  # macOS and Windows
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    monkeypatch.delenv("COURSE_THREADS", raising=False)
    assert bench.default_threads() == 6
    monkeypatch.setenv("COURSE_THREADS", "two")
    with pytest.raises(ValueError, match="COURSE_THREADS"):
        bench.default_threads()


def test_sweep_and_machine_use_the_default_threads(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    monkeypatch.delenv("COURSE_THREADS", raising=False)
    model = helpers.make_linear_model()
    path = helpers.export_model(model, torch.randn(2, 10), tmp_path / "linear.onnx", verify=False).path
    before = torch.get_num_threads()
    sweep = bench.run_sweep(model, path, (10,), [1], backends=["pytorch-cpu"], warmup=0, repeat=1, min_time=0.0,
                            progress=False)
    assert sweep.machine.threads == 1 and torch.get_num_threads() == before
    monkeypatch.setenv("COURSE_THREADS", "1")
    assert bench.describe_machine().threads == 1


def test_plots_tell_backends_apart_without_colour(tiny_sweep) -> None:
    for plot in (bench.plot_latency, bench.plot_throughput, bench.plot_speedup):
        ax = plot(tiny_sweep).axes[0]
        ax.figure.canvas.draw()  # tick labels are formatted when drawn
        lines = [line for line in ax.lines if line.get_label() in bench.BACKENDS]
        assert len(lines) == len(tiny_sweep.backends) >= 2
        assert len({(line.get_marker(), line.get_linestyle()) for line in lines}) == len(lines)
        assert len({line.get_marker() for line in lines}) == len(lines)
        assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "8"]  # the batch sizes, not 10⁰
        y_labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        assert y_labels and not any("$" in text for text in y_labels)  # plain numbers, no mathtext powers
        assert tiny_sweep.model in ax.get_title() and "batch size" in ax.get_xlabel()


def test_every_backend_has_its_own_marker_and_line_style() -> None:
    styles = {name: bench.BACKEND_STYLES[name] for name in bench.BACKENDS}
    assert len({s["marker"] for s in styles.values()}) == len(styles)
    assert len({(s["marker"], s["linestyle"]) for s in styles.values()}) == len(styles)
    on_device = [name for name in styles if not name.endswith("+copies")]
    assert len({styles[name]["color"] for name in on_device}) == len(on_device)
    for name in set(styles) - set(on_device):  # end to end: its mode's colour, a dotted line
        assert styles[name]["color"] == styles[name.removesuffix("+copies")]["color"]
        assert styles[name]["linestyle"] == ":"


def test_backend_names_are_read_into_specs() -> None:
    assert bench.parse_backend("pytorch-cpu") == bench.BackendSpec("pytorch", "cpu", "fp32", False)
    assert bench.parse_backend("pytorch-cuda-fp16+copies") == bench.BackendSpec("pytorch", "cuda", "fp16", True)
    assert bench.parse_backend("onnxruntime-cuda") == bench.BackendSpec("onnxruntime", "cuda", "fp32", False)
    with pytest.raises(ValueError, match="choose from"):
        bench.parse_backend("pytorch-tpu")


def test_the_end_to_end_pytorch_runner_returns_a_host_result_and_leaves_the_model_alone() -> None:
    model = helpers.make_linear_model()
    x = torch.randn(4, 10)
    fn, sync = backends.torch_runner(model, x, device="cpu", copies=True)
    assert sync is None  # nothing to wait for on the CPU
    result = fn()
    assert result.device.type == "cpu" and result.dtype == torch.float32
    torch.testing.assert_close(result, model(x).detach())
    assert model.training  # the runner timed a copy; the caller's model is still in training mode


def test_the_io_binding_runner_matches_a_plain_run(tmp_path) -> None:
    model = helpers.make_linear_model()
    path = helpers.export_model(model, torch.randn(2, 10), tmp_path / "linear.onnx", verify=False).path
    x = torch.randn(3, 10)
    bound, sync = backends.onnxruntime_runner(path, x, device="cpu", io_binding=True, threads=1)
    plain, no_sync = backends.onnxruntime_runner(path, x, device="cpu", threads=1)
    assert no_sync is None and sync is not None
    outputs = bound()
    sync()
    with torch.no_grad():
        expected = model(x).numpy()
    assert helpers.compare_outputs(expected, plain()[0])
    assert isinstance(outputs[0], ort.OrtValue) and helpers.compare_outputs(expected, outputs[0].numpy())


def test_the_gpu_path_check_reads_every_kind_of_runner(tmp_path) -> None:
    """tools/gpu_paths.check_runner on the CPU twins of the CUDA runners: no synchronize, bound OrtValues."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    try:
        import gpu_paths
    finally:
        sys.path.pop(0)
    model = helpers.make_linear_model()
    path = helpers.export_model(model, torch.randn(2, 10), tmp_path / "linear.onnx", verify=False).path
    x = torch.randn(4, 10)
    with torch.no_grad():
        expected = model(x).numpy()
    runners = {"onnxruntime-cpu": backends.onnxruntime_runner(path, x, threads=1),  # no synchronize
               "onnxruntime-cpu, I/O binding": backends.onnxruntime_runner(path, x, io_binding=True, threads=1),
               "pytorch-cpu": backends.torch_runner(model, x)}
    for name, runner in runners.items():
        assert gpu_paths.check_runner(name, runner, expected).startswith("ok"), name
    with pytest.raises(AssertionError):
        gpu_paths.check_runner("onnxruntime-cpu", runners["onnxruntime-cpu"], expected + 1)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only error")
def test_a_cuda_runner_without_a_gpu_says_why(tmp_path) -> None:
    path = helpers.export_model(helpers.make_linear_model(), torch.randn(2, 10), tmp_path / "l.onnx", verify=False).path
    with pytest.raises(RuntimeError, match="onnxruntime-gpu"):
        backends.onnxruntime_runner(path, torch.randn(1, 10), device="cuda")


def test_plot_recording_names_the_machine() -> None:
    fig = bench.plot_recording(_synthetic_sweep(GPU_SWEEP))
    title = fig._suptitle.get_text()
    assert "GPU Test GPU" in title and "toy" in title and len(fig.axes) == 2


def test_cli_recording_preset(monkeypatch, tmp_path, capsys) -> None:
    seen = []

    def fake_sweep(model, onnx_path, shape, batch_sizes, **kwargs):
        seen.append((kwargs["model_name"], list(batch_sizes), kwargs["backends"]))
        return _synthetic_sweep(GPU_SWEEP)

    monkeypatch.setattr(bench.cli, "run_sweep", fake_sweep)
    monkeypatch.setattr(bench.cli, "_prepare", lambda name, folder: (None, folder / f"{name}.onnx", (10,)))
    with pytest.raises(SystemExit):  # no CUDA backend here: the GPU machine's preset is refused
        bench.main(["--recording", "--output", str(tmp_path), "--no-progress"])
    assert "no CUDA backend can run here" in capsys.readouterr().err and not seen
    from helpers.bench.backends import Backend
    monkeypatch.setattr(bench.cli, "available_backends", lambda: [Backend(n, True, "") for n in bench.BACKENDS])
    assert bench.main(["--recording", "--output", str(tmp_path), "--no-progress"]) == 0
    assert [name for name, _, _ in seen] == ["linear", "mobilenet_v3_small", "resnet18"]
    assert all(sizes[0] == 1 and sizes[-1] >= 256 and set(b) == set(bench.BACKENDS) for _, sizes, b in seen)
    out = capsys.readouterr().out
    assert "from batch 8 on" in out and (tmp_path / "toy_gpu.json").exists()


def test_the_gpu_path_check_runs_here_and_says_why_it_skips(tmp_path) -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(root / "tools" / "gpu_paths.py"), str(tmp_path)], cwd=root,
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) >= 1 + sum("-cuda" in b for b in bench.BACKENDS)
    if not torch.cuda.is_available():
        assert all("skipped:" in line for line in lines) and "onnxruntime-gpu" in lines[0]


def test_bench_and_the_notebook_setup_import_without_the_optional_packages(tmp_path) -> None:
    """The GPU machine has no netron, onnx2pytorch or onnxruntime-extensions: bench must not need them."""
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "sitecustomize.py").write_text(
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('netron', 'onnx2pytorch', 'onnxruntime_extensions'):\n"
        "            raise ModuleNotFoundError(name, name=name)\n"
        "sys.meta_path.insert(0, Block())\n")
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), str(root), os.environ.get("PYTHONPATH")]))}
    code = ("import helpers; helpers.setup_notebook(quiet=True); from helpers import bench; "
            "print(len(bench.BACKENDS))\n"
            "try:\n    import netron\nexcept ModuleNotFoundError:\n    print('netron blocked')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0 and done.stdout.split() == ["8", "netron", "blocked"], done.stdout + done.stderr


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine where the CUDA backends cannot run")
def test_cli_with_no_runnable_backend_fails_and_keeps_earlier_results(tmp_path, capsys) -> None:
    earlier = tmp_path / "linear_cpu.json"
    earlier.write_text("an earlier run")
    with pytest.raises(SystemExit) as stop:
        bench.main(["--model", "linear", "--backends", "pytorch-cuda", "onnxruntime-cuda", "--output", str(tmp_path)])
    assert stop.value.code == 2 and "none of the requested backends can run here" in capsys.readouterr().err
    assert earlier.read_text() == "an earlier run"


def test_cli_refuses_to_overwrite_results_without_the_flag(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(bench.cli, "run_sweep", lambda *a, **k: pytest.fail("the sweep ran before the refusal"))
    (tmp_path / "linear_cpu.csv").write_text("mine")
    with pytest.raises(SystemExit):
        bench.main(["--model", "linear", "--backends", "pytorch-cpu", "--output", str(tmp_path)])
    assert "--overwrite" in capsys.readouterr().err and (tmp_path / "linear_cpu.csv").read_text() == "mine"


@pytest.mark.parametrize("args,words", [
    (["--recording", "--models", "linear"], "--recording sets --models"),
    (["--recording", "--repeat", "3"], "drop --repeat"),
    (["--threads", "-1"], "--threads must be from 1 to"),
    (["--batch-sizes", "0"], "--batch-sizes is the number of inputs per call"),
    (["--repeat", "0"], "--repeat is the number of timed calls"),
])
def test_cli_checks_its_arguments_before_any_work(tmp_path, capsys, monkeypatch, args, words) -> None:
    monkeypatch.setattr(bench.cli, "_prepare", lambda *a: pytest.fail("work started before the check"))
    with pytest.raises(SystemExit):
        bench.main([*args, "--output", str(tmp_path / "out")])
    assert words in capsys.readouterr().err


def test_cli_output_that_is_a_file_is_refused_before_the_sweep(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(bench.cli, "_prepare", lambda *a: pytest.fail("work started before the check"))
    (tmp_path / "results").write_text("not a folder")
    with pytest.raises(SystemExit):
        bench.main(["--model", "linear", "--output", str(tmp_path / "results")])
    assert "is a file" in capsys.readouterr().err


@pytest.mark.parametrize("kwargs,error", [({"threads": -1}, ValueError), ({"threads": "4"}, ValueError),
                                          ({"batch_sizes": [1.5]}, TypeError)])
def test_run_sweep_checks_threads_and_batch_sizes(kwargs, error) -> None:
    args = {"model": helpers.make_linear_model(), "onnx_path": "x.onnx", "input_shape": (10,), "batch_sizes": [1]}
    args.update(kwargs)
    with pytest.raises(error):
        bench.run_sweep(**args)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine where the CUDA backends cannot run")
def test_run_sweep_with_nothing_runnable_is_an_error() -> None:
    with pytest.raises(ValueError, match="None of the requested backends can run here"):
        bench.run_sweep(helpers.make_linear_model(), "x.onnx", (10,), [1], backends=["pytorch-cuda"])
