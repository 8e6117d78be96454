"""Honest latency measurements: warm-up, repeats, medians and spread, synchronised GPU clocks.

``python -m helpers.bench --model resnet18`` runs the same sweep as notebook 05 outside Jupyter and
writes JSON and PNG files.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .environment import package_version

__all__ = [
    "SimulatedGPU",
    "TimingStats",
    "BenchmarkResult",
    "Backend",
    "MachineInfo",
    "SweepRow",
    "SweepResult",
    "timing_stats",
    "benchmark",
    "benchmark_all",
    "plot_medians",
    "available_backends",
    "describe_machine",
    "default_threads",
    "run_sweep",
    "load_recorded_results",
    "plot_latency",
    "plot_throughput",
    "plot_speedup",
    "speedups",
    "crossover_batch",
    "BACKENDS",
    "RECORDED_DIR",
]

BACKENDS = ("pytorch-cpu", "onnxruntime-cpu", "pytorch-cuda", "onnxruntime-cuda")
RECORDED_DIR = Path(__file__).resolve().parent / "recorded"
THREADS_VARIABLE = "COURSE_THREADS"  # the most threads a benchmark may use, e.g. 2 on a shared hub


class SimulatedGPU:
    """A stand-in for a CUDA device, for practising GPU timing on any machine.

    ``run()`` queues ``kernel_ms`` of work and returns at once, as a CUDA kernel launch does;
    ``synchronize()`` waits until all queued work is done, as ``torch.cuda.synchronize()`` does. The
    first ``cold_calls`` calls cost ``cold_ms`` each (lazy initialisation, as on a real GPU).
    """

    def __init__(self, kernel_ms: float = 5.0, cold_calls: int = 2, cold_ms: float = 100.0) -> None:
        self.kernel_ms, self.cold_calls, self.cold_ms = kernel_ms, cold_calls, cold_ms
        self.launched = 0
        self._busy_until = time.perf_counter()

    def run(self) -> None:
        """Queue one call's work and return immediately."""
        self.launched += 1
        cost_ms = self.cold_ms if self.launched <= self.cold_calls else self.kernel_ms
        self._busy_until = max(self._busy_until, time.perf_counter()) + cost_ms / 1000

    def synchronize(self) -> None:
        """Block until every queued call has finished."""
        delay = self._busy_until - time.perf_counter()
        if delay > 0:
            time.sleep(delay)

    def __repr__(self) -> str:
        return f"SimulatedGPU(kernel_ms={self.kernel_ms}, launched={self.launched})"


@dataclass(frozen=True)
class TimingStats:
    """Summary of repeated timings, in milliseconds."""

    median: float
    p10: float
    p90: float
    iqr: float
    mean: float
    runs: int


def timing_stats(times_ms: Sequence[float]) -> TimingStats:
    """Median, 10th/90th percentiles, inter-quartile range and mean of timings in milliseconds."""
    if len(times_ms) == 0:
        raise ValueError("No timings to summarise: run the benchmark at least once (repeat >= 1).")
    values = np.asarray(times_ms, dtype=np.float64)
    q10, q25, q50, q75, q90 = np.percentile(values, [10, 25, 50, 75, 90])
    return TimingStats(float(q50), float(q10), float(q90), float(q75 - q25), float(values.mean()), len(values))


@dataclass
class BenchmarkResult:
    """Timings of one function, with the batch size and thread count they were measured at."""

    name: str
    times_ms: list[float]
    batch_size: int = 1
    threads: int = 1

    @property
    def stats(self) -> TimingStats:
        return timing_stats(self.times_ms)

    @property
    def median_ms(self) -> float:
        return self.stats.median

    @property
    def throughput(self) -> float:
        """Items per second at the median latency."""
        return self.batch_size / (self.median_ms / 1000.0)

    def __str__(self) -> str:
        s = self.stats
        return (f"{self.name}: median {s.median:.3f} ms (p10 {s.p10:.3f}, p90 {s.p90:.3f}, IQR {s.iqr:.3f}) "
                f"over {s.runs} runs, batch {self.batch_size}, {self.throughput:,.0f} items/s, {self.threads} threads")


def benchmark(fn: Callable[[], object], *, warmup: int = 3, repeat: int = 20, min_time: float = 0.0,
              batch_size: int = 1, name: str = "", synchronize: Callable[[], None] | None = None,
              threads: int | None = None, clock: Callable[[], float] = time.perf_counter) -> BenchmarkResult:
    """Time ``fn()``: ``warmup`` untimed calls, then at least ``repeat`` timed calls and ``min_time`` seconds.

    ``synchronize`` (e.g. ``torch.cuda.synchronize``) is called before starting and before stopping
    each clock, so asynchronous GPU work is inside the measurement.
    """
    if repeat < 1 or warmup < 0:
        raise ValueError(f"repeat must be >= 1 and warmup >= 0, got repeat={repeat}, warmup={warmup}.")
    sync = synchronize or (lambda: None)
    for _ in range(warmup):
        fn()
    sync()
    times: list[float] = []
    started = clock()
    while len(times) < repeat or clock() - started < min_time:
        t0 = clock()
        fn()
        sync()
        times.append((clock() - t0) * 1000.0)
    if threads is None:
        import torch

        threads = torch.get_num_threads()
    return BenchmarkResult(name, times, batch_size, threads)


def benchmark_all(functions: dict[str, Callable[[], object]], *, batch_size: int = 1, warmup: int = 3,
                  repeat: int = 15, min_time: float = 0.5, threads: int | None = None) -> dict[str, BenchmarkResult]:
    """Benchmark several zero-argument functions one after another with the same settings."""
    return {name: benchmark(fn, warmup=warmup, repeat=repeat, min_time=min_time, batch_size=batch_size,
                            name=name, threads=threads) for name, fn in functions.items()}


def plot_medians(results: dict[str, BenchmarkResult], baseline: str | None = None, ax=None):
    """Horizontal bars of median latency with p10–p90 whiskers, annotated with the speed-up over ``baseline``."""
    ax = _axes(ax)
    names = list(results)
    stats = [results[n].stats for n in names]
    medians = [s.median for s in stats]
    errors = [[s.median - s.p10 for s in stats], [s.p90 - s.median for s in stats]]
    ax.barh(names, medians, xerr=errors, color="#7aa6d6", capsize=3)
    ax.invert_yaxis()
    if baseline is not None:
        base = results[baseline].median_ms
        for y, median in enumerate(medians):
            ax.text(median, y, f"  {base / median:.1f}x", va="center")
    ax.set(xlabel="median latency (ms), p10–p90 whiskers", title="Median latency per call, lower is faster")
    ax.tick_params(labelsize=10)
    ax.figure.tight_layout()
    return ax.figure


@dataclass(frozen=True)
class Backend:
    """One way of running the model, and whether it can run here (with the reason if not)."""

    name: str
    available: bool
    reason: str = ""


def available_backends() -> list[Backend]:
    """Every backend of the sweep, each marked available or not with the reason."""
    import onnxruntime as ort
    import torch

    cuda = torch.cuda.is_available()
    ort_cuda = "CUDAExecutionProvider" in ort.get_available_providers()
    no_gpu = "no CUDA GPU visible to PyTorch"
    return [
        Backend("pytorch-cpu", True),
        Backend("onnxruntime-cpu", True),
        Backend("pytorch-cuda", cuda, "" if cuda else no_gpu),
        Backend("onnxruntime-cuda", ort_cuda and cuda,
                "" if ort_cuda and cuda else (no_gpu if not cuda else
                                              "onnxruntime has no CUDAExecutionProvider (install onnxruntime-gpu "
                                              "instead of onnxruntime)")),
    ]


@dataclass
class MachineInfo:
    """Where a benchmark ran: CPU, cores, GPU, library versions and date."""

    cpu: str
    cores: int
    gpu: str | None
    threads: int
    versions: dict[str, str | None]
    date: str
    python: str = field(default_factory=platform.python_version)

    def __str__(self) -> str:
        versions = ", ".join(f"{k} {v}" for k, v in self.versions.items() if v)
        return f"{self.cpu} ({self.cores} cores, {self.threads} threads) · GPU: {self.gpu or 'none'} · {versions} · {self.date}"


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def default_threads() -> int:
    """How many threads a benchmark uses: the CPUs this process may run on, capped by ``COURSE_THREADS``.

    ``os.sched_getaffinity`` counts only the CPUs the process is allowed on (``taskset``, a container's
    cpuset); where it does not exist (macOS, Windows) every CPU counts. On a shared JupyterHub set
    ``COURSE_THREADS`` to each user's CPU limit, so the benchmarks do not fight over the cores.
    """
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    cap = os.environ.get(THREADS_VARIABLE, "").strip()
    if not cap:
        return usable
    if not cap.isdigit() or int(cap) < 1:
        raise ValueError(f"{THREADS_VARIABLE}={cap!r} is not a positive whole number: set it to the most threads "
                         f"a benchmark may use (e.g. {THREADS_VARIABLE}=2), or unset it to use all {usable} CPUs.")
    return min(usable, int(cap))


def describe_machine(threads: int | None = None) -> MachineInfo:
    """Describe this machine for a benchmark record (``threads`` defaults to ``default_threads()``)."""
    import torch

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    versions = {name: package_version(name) for name in ("torch", "torchvision", "onnx", "onnxruntime",
                                                         "onnxruntime-gpu")}
    return MachineInfo(_cpu_name(), os.cpu_count() or 1, gpu, threads or default_threads(), versions,
                       _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d"))


@dataclass
class SweepRow:
    """One (backend, batch size) cell of a sweep."""

    backend: str
    batch_size: int
    median_ms: float
    p10_ms: float
    p90_ms: float
    iqr_ms: float
    runs: int
    throughput: float


@dataclass
class SweepResult:
    """All rows of a sweep, the backends that could not run (with reasons) and the machine."""

    model: str
    rows: list[SweepRow]
    unavailable: list[Backend]
    machine: MachineInfo
    source: str = "measured here"

    def median(self, backend: str, batch_size: int) -> float:
        """The median latency (ms) of one backend at one batch size."""
        for row in self.rows:
            if row.backend == backend and row.batch_size == batch_size:
                return row.median_ms
        raise KeyError(f"No row for backend {backend!r} at batch {batch_size}; "
                       f"measured: {sorted({(r.backend, r.batch_size) for r in self.rows})}")

    def medians(self, batch_size: int) -> dict[str, float]:
        """``{backend: median ms}`` at one batch size."""
        return {r.backend: r.median_ms for r in self.rows if r.batch_size == batch_size}

    @property
    def backends(self) -> list[str]:
        return list(dict.fromkeys(r.backend for r in self.rows))

    @property
    def batch_sizes(self) -> list[int]:
        return sorted({r.batch_size for r in self.rows})

    def table(self) -> str:
        """The sweep as a plain-text table."""
        lines = [f"{'backend':<18}{'batch':>6}{'median ms':>12}{'p10':>10}{'p90':>10}{'items/s':>12}"]
        lines += [f"{r.backend:<18}{r.batch_size:>6}{r.median_ms:>12.3f}{r.p10_ms:>10.3f}{r.p90_ms:>10.3f}"
                  f"{r.throughput:>12,.0f}" for r in self.rows]
        lines += [f"{b.name:<18} not run: {b.reason}" for b in self.unavailable]
        return "\n".join(lines)

    def to_json(self, path: str | Path) -> Path:
        """Write the sweep, with its machine description, as JSON."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"model": self.model, "machine": asdict(self.machine), "rows": [asdict(r) for r in self.rows],
                "unavailable": [asdict(b) for b in self.unavailable]}
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        return path

    @classmethod
    def from_json(cls, path: str | Path, source: str | None = None) -> "SweepResult":
        """Read a sweep written by ``to_json``."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(data["model"], [SweepRow(**r) for r in data["rows"]],
                       [Backend(**b) for b in data["unavailable"]], MachineInfo(**data["machine"]),
                       source or f"recorded in {path.name}")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path} is not a sweep written by SweepResult.to_json ({exc}).") from None

    def to_csv(self, path: str | Path) -> Path:
        """Write the rows as CSV."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(asdict(self.rows[0]).keys()) if self.rows else ["backend"])
            writer.writeheader()
            writer.writerows(asdict(r) for r in self.rows)
        return path


def _runner(backend: str, model, onnx_path: Path, x, threads: int):
    """A zero-argument function that runs one inference on ``backend``, and its synchronize function."""
    import torch

    if backend == "pytorch-cpu":
        model_cpu = model.to("cpu").eval()

        def run_torch():
            with torch.inference_mode():
                return model_cpu(x)

        return run_torch, None
    if backend == "pytorch-cuda":
        model_gpu, x_gpu = model.to("cuda").eval(), x.to("cuda")

        def run_torch_gpu():
            with torch.inference_mode():
                return model_gpu(x_gpu)

        return run_torch_gpu, torch.cuda.synchronize
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if backend == "onnxruntime-cpu":
        session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        feed = {session.get_inputs()[0].name: x.numpy()}
        return (lambda: session.run(None, feed)), None
    # onnxruntime-cuda: I/O binding keeps input and output on the GPU, so no host copies are timed.
    session = ort.InferenceSession(str(onnx_path), options,
                                   providers=["CUDAExecutionProvider", "CPUExecutionProvider"])
    binding = session.io_binding()
    x_gpu = ort.OrtValue.ortvalue_from_numpy(x.numpy(), "cuda", 0)
    binding.bind_ortvalue_input(session.get_inputs()[0].name, x_gpu)
    for output in session.get_outputs():
        binding.bind_output(output.name, "cuda")
    return (lambda: session.run_with_iobinding(binding)), binding.synchronize_outputs


def run_sweep(model, onnx_path: str | Path, input_shape: Sequence[int], batch_sizes: Sequence[int], *,
              backends: Sequence[str] | None = None, warmup: int = 3, repeat: int = 10, min_time: float = 0.2,
              threads: int | None = None, progress: bool = True, model_name: str | None = None,
              seed: int = 0) -> SweepResult:
    """Benchmark every available backend at every batch size on seeded inputs of ``(batch, *input_shape)``.

    Backends that cannot run here are listed in ``unavailable`` with the reason. ``threads`` sets
    PyTorch's and onnxruntime's intra-op threads (default: ``default_threads()``, the CPUs this process
    may use, capped by the ``COURSE_THREADS`` environment variable).
    """
    import torch
    from tqdm import tqdm

    requested = list(backends or BACKENDS)
    unknown = sorted(set(requested) - set(BACKENDS))
    if unknown:
        raise ValueError(f"Unknown backend(s) {unknown}; choose from {', '.join(BACKENDS)}.")
    if not batch_sizes or min(batch_sizes) < 1:
        raise ValueError(f"batch_sizes must be positive integers, got {list(batch_sizes)}.")
    threads = threads or default_threads()
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    status = {b.name: b for b in available_backends()}
    runnable = [name for name in requested if status[name].available]
    unavailable = [status[name] for name in requested if not status[name].available]
    rows = []
    gen = torch.Generator().manual_seed(seed)
    try:
        cells = [(b, n) for b in runnable for n in batch_sizes]
        for backend, batch in tqdm(cells, desc="benchmark", disable=not progress, file=sys.stderr):
            x = torch.randn(batch, *input_shape, generator=gen)
            fn, sync = _runner(backend, model, Path(onnx_path), x, threads)
            result = benchmark(fn, warmup=warmup, repeat=repeat, min_time=min_time, batch_size=batch,
                               name=backend, synchronize=sync, threads=threads)
            s = result.stats
            rows.append(SweepRow(backend, batch, s.median, s.p10, s.p90, s.iqr, s.runs, result.throughput))
    finally:
        torch.set_num_threads(previous_threads)
        model.to("cpu")
    return SweepResult(model_name or type(model).__name__, rows, unavailable, describe_machine(threads))


def load_recorded_results(directory: str | Path = RECORDED_DIR, *, needs_gpu: bool = True) -> list[SweepResult]:
    """Sweeps recorded by the CLI and shipped with the course (only those with GPU rows if ``needs_gpu``)."""
    results = []
    for path in sorted(Path(directory).glob("*.json")):
        sweep = SweepResult.from_json(path)
        if not needs_gpu or any(r.backend.endswith("cuda") for r in sweep.rows):
            results.append(sweep)
    return results


# --------------------------------------------------------------------------- plots

# One colour (Okabe-Ito, told apart with colour blindness), marker and line style per backend, so the
# lines also stay apart in greyscale print.
BACKEND_STYLES = {
    "pytorch-cpu": {"color": "#0072B2", "marker": "o", "linestyle": "-"},
    "onnxruntime-cpu": {"color": "#E69F00", "marker": "s", "linestyle": "--"},
    "pytorch-cuda": {"color": "#009E73", "marker": "^", "linestyle": "-."},
    "onnxruntime-cuda": {"color": "#CC79A7", "marker": "D", "linestyle": ":"},
}


def _style(backend: str) -> dict:
    """Line, marker and colour of one backend (a grey dotted line for a name the course does not know)."""
    return {"markersize": 6, "linewidth": 1.8,
            **BACKEND_STYLES.get(backend, {"color": "#555555", "marker": "x", "linestyle": (0, (1, 3))})}


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.8))
    return ax


def _decades(ax) -> None:
    """Stretch a logarithmic y axis to whole powers of ten, so at least two ticks carry plain numbers."""
    import math

    low, high = ax.get_ylim()
    ax.set_ylim(10 ** math.floor(math.log10(low)), 10 ** math.ceil(math.log10(high)))


def _plain_number(value: float, _position=None) -> str:
    return f"{value:,.0f}" if value >= 1 else f"{value:g}"


def _finish(ax, batch_sizes: Sequence[int], **labels):
    """Label the axes and title; batch sizes as plain x ticks; plain numbers on a log y axis; legend."""
    from matplotlib.ticker import FuncFormatter, NullFormatter, NullLocator

    ax.set(xscale="log", xlabel="batch size", **labels)
    ax.title.set_fontsize(11)
    ax.set_xticks(list(batch_sizes), [str(n) for n in batch_sizes])
    ax.xaxis.set_minor_locator(NullLocator())
    if ax.get_yscale() == "log":
        _decades(ax)
        ax.yaxis.set_major_formatter(FuncFormatter(_plain_number))
        ax.yaxis.set_minor_formatter(NullFormatter())
    ax.tick_params(labelsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(title="backend", fontsize=9)
    ax.figure.tight_layout()
    return ax.figure


def plot_latency(sweep: SweepResult, ax=None):
    """Median latency (with p10–p90 band) against batch size, both axes logarithmic; returns the Figure."""
    ax = _axes(ax)
    for backend in sweep.backends:
        rows = [r for r in sweep.rows if r.backend == backend]
        style = _style(backend)
        ax.plot([r.batch_size for r in rows], [r.median_ms for r in rows], label=backend, **style)
        ax.fill_between([r.batch_size for r in rows], [r.p10_ms for r in rows], [r.p90_ms for r in rows],
                        color=style["color"], alpha=0.2)
    return _finish(ax, sweep.batch_sizes, yscale="log", ylabel="median latency per batch (ms)",
                   title=f"{sweep.model}: latency by batch size (band: p10–p90)\n{sweep.source}")


def plot_throughput(sweep: SweepResult, ax=None):
    """Items per second against batch size; returns the Figure."""
    ax = _axes(ax)
    for backend in sweep.backends:
        rows = [r for r in sweep.rows if r.backend == backend]
        ax.plot([r.batch_size for r in rows], [r.throughput for r in rows], label=backend, **_style(backend))
    return _finish(ax, sweep.batch_sizes, yscale="log", ylabel="items per second",
                   title=f"{sweep.model}: throughput by batch size\n{sweep.source}")


def speedups(sweep: SweepResult, baseline: str = "pytorch-cpu") -> dict[str, dict[int, float]]:
    """``{backend: {batch: baseline median / backend median}}``."""
    if baseline not in sweep.backends:
        raise ValueError(f"Baseline {baseline!r} was not measured; measured: {sweep.backends}.")
    return {b: {n: sweep.median(baseline, n) / sweep.median(b, n) for n in sweep.batch_sizes
                if b in sweep.medians(n) and baseline in sweep.medians(n)} for b in sweep.backends}


def crossover_batch(sweep: SweepResult, candidate: str, baseline: str) -> int | None:
    """The smallest measured batch size at which ``candidate`` is faster than ``baseline`` (None if never)."""
    for batch in sweep.batch_sizes:
        medians = sweep.medians(batch)
        if candidate in medians and baseline in medians and medians[candidate] < medians[baseline]:
            return batch
    return None


def plot_speedup(sweep: SweepResult, baseline: str = "pytorch-cpu", ax=None):
    """Speed-up over ``baseline`` at each batch size (above 1 = faster); returns the Figure."""
    ax = _axes(ax)
    for backend, values in speedups(sweep, baseline).items():
        ax.plot(list(values), list(values.values()), label=backend, **_style(backend))
    ax.axhline(1.0, color="grey", lw=1, zorder=0)  # solid and thin: no backend is drawn like it
    return _finish(ax, sweep.batch_sizes, ylabel=f"speed-up over {baseline}",
                   title=f"{sweep.model}: speed-up over {baseline} (above 1 = faster)\n{sweep.source}")


# --------------------------------------------------------------------------- CLI

def _prepare(model_name: str, directory: Path):
    import torch

    from .export import export_model
    from .models import make_linear_model, make_torchvision_model

    if model_name == "linear":
        model, shape = make_linear_model(), (10,)
    else:
        model, shape = make_torchvision_model(model_name), (3, 224, 224)
    onnx_path = directory / f"bench_{model_name}.onnx"
    export_model(model, torch.randn(2, *shape), onnx_path, verify=False)
    return model, onnx_path, shape


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run a sweep, print its table, write JSON, CSV and PNG files."""
    parser = argparse.ArgumentParser(prog="python -m helpers.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resnet18", help="linear, resnet18, mobilenet_v3_small or efficientnet_b0")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=1.0, help="seconds per cell, at least")
    parser.add_argument("--threads", type=int, default=None,
                        help=f"default: the CPUs this process may use, capped by ${THREADS_VARIABLE}")
    parser.add_argument("--output", type=Path, default=Path("bench-results"))
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    args.output.mkdir(parents=True, exist_ok=True)
    model, onnx_path, shape = _prepare(args.model, args.output)
    sweep = run_sweep(model, onnx_path, shape, args.batch_sizes, backends=args.backends, warmup=args.warmup,
                      repeat=args.repeat, min_time=args.min_time, threads=args.threads,
                      progress=not args.no_progress, model_name=args.model)
    print(sweep.machine)
    print(sweep.table())
    stem = f"{args.model}_{'gpu' if sweep.machine.gpu else 'cpu'}"
    written = [sweep.to_json(args.output / f"{stem}.json"), sweep.to_csv(args.output / f"{stem}.csv")]
    plots = [("latency", plot_latency)] + ([("speedup", plot_speedup)] if "pytorch-cpu" in sweep.backends else [])
    for name, plot in plots:
        path = args.output / f"{stem}_{name}.png"
        plot(sweep).savefig(path, dpi=120)
        written.append(path)
    print("wrote", ", ".join(p.name for p in written), "in", args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
