from __future__ import annotations

import json

import numpy as np
import pytest
import torch

import helpers
from helpers import bench


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


def test_recorded_results_are_filtered_by_gpu_rows(tiny_sweep, tmp_path) -> None:
    tiny_sweep.to_json(tmp_path / "cpu_only.json")
    assert bench.load_recorded_results(tmp_path) == []
    assert len(bench.load_recorded_results(tmp_path, needs_gpu=False)) == 1
    for sweep in bench.load_recorded_results():  # whatever ships with the course must have GPU rows
        assert sweep.machine.gpu and any(r.backend.endswith("cuda") for r in sweep.rows)


def test_speedups_and_plots(tiny_sweep) -> None:
    ups = bench.speedups(tiny_sweep)
    assert ups["pytorch-cpu"] == {1: 1.0, 8: 1.0}
    for plot in (bench.plot_latency, bench.plot_throughput, bench.plot_speedup):
        fig = plot(tiny_sweep)
        assert {line.get_label() for line in fig.axes[0].lines} >= {"pytorch-cpu", "onnxruntime-cpu"}
    with pytest.raises(ValueError, match="Baseline"):
        bench.speedups(tiny_sweep, baseline="pytorch-cuda")


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
    sweep = bench.SweepResult.from_json(tmp_path / "linear_cpu.json")
    assert sweep.model == "linear" and sweep.batch_sizes == [1, 2]
    assert (tmp_path / "linear_cpu_latency.png").stat().st_size > 0
    assert (tmp_path / "linear_cpu_speedup.png").exists() and (tmp_path / "linear_cpu.csv").exists()


def test_crossover_batch() -> None:
    machine = bench.describe_machine()
    rows = [bench.SweepRow(b, n, m, m, m, 0.0, 1, n / m) for b, n, m in [
        ("onnxruntime-cpu", 1, 1.0), ("onnxruntime-cpu", 8, 8.0), ("onnxruntime-cpu", 64, 64.0),
        ("pytorch-cuda", 1, 3.0), ("pytorch-cuda", 8, 4.0), ("pytorch-cuda", 64, 6.0)]]
    sweep = bench.SweepResult("toy", rows, [], machine)
    assert bench.crossover_batch(sweep, "pytorch-cuda", "onnxruntime-cpu") == 8
    assert bench.crossover_batch(sweep, "onnxruntime-cpu", "pytorch-cuda") == 1
    slow = bench.SweepResult("toy", [r for r in rows if r.batch_size == 1], [], machine)
    assert bench.crossover_batch(slow, "pytorch-cuda", "onnxruntime-cpu") is None


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
    monkeypatch.setattr(bench.os, "sched_getaffinity", lambda pid: affinity, raising=False)
    monkeypatch.setattr(bench.os, "cpu_count", lambda: 64)
    if cap is None:
        monkeypatch.delenv("COURSE_THREADS", raising=False)
    else:
        monkeypatch.setenv("COURSE_THREADS", cap)
    assert bench.default_threads() == expected


def test_default_threads_without_affinity_and_a_wrong_cap(monkeypatch) -> None:
    monkeypatch.delattr(bench.os, "sched_getaffinity", raising=False)  # macOS and Windows
    monkeypatch.setattr(bench.os, "cpu_count", lambda: 6)
    monkeypatch.delenv("COURSE_THREADS", raising=False)
    assert bench.default_threads() == 6
    monkeypatch.setenv("COURSE_THREADS", "two")
    with pytest.raises(ValueError, match="COURSE_THREADS"):
        bench.default_threads()


def test_sweep_and_machine_use_the_default_threads(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(bench.os, "sched_getaffinity", lambda pid: {0}, raising=False)
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
    styles = [bench.BACKEND_STYLES[name] for name in bench.BACKENDS]
    for key in ("marker", "linestyle", "color"):
        assert len({style[key] for style in styles}) == len(bench.BACKENDS), key
