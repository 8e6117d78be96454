"""Plots of benchmark results: medians, latency, throughput and speed-up against batch size (notebooks 05–06).

Every backend keeps one colour (Okabe-Ito, told apart with colour blindness), marker and line style,
so lines stay apart in greyscale print too. A GPU backend's end-to-end mode (``+copies``) has the colour
of its data-on-the-device mode and a dotted line.
"""

from __future__ import annotations

from typing import Sequence

from ..errors import require_instance
from .analysis import speedups
from .sweep import SweepResult, _a_sweep
from .timing import BenchmarkResult

__all__ = ["BACKEND_STYLES", "plot_medians", "plot_latency", "plot_throughput", "plot_speedup", "plot_recording"]

BACKEND_STYLES = {
    "pytorch-cpu": {"color": "#0072B2", "marker": "o", "linestyle": "-"},
    "onnxruntime-cpu": {"color": "#E69F00", "marker": "s", "linestyle": "--"},
    "pytorch-cuda": {"color": "#009E73", "marker": "^", "linestyle": "-"},
    "pytorch-cuda+copies": {"color": "#009E73", "marker": "v", "linestyle": ":"},
    "pytorch-cuda-fp16": {"color": "#D55E00", "marker": "D", "linestyle": "-"},
    "pytorch-cuda-fp16+copies": {"color": "#D55E00", "marker": "d", "linestyle": ":"},
    "onnxruntime-cuda": {"color": "#CC79A7", "marker": "P", "linestyle": "-."},
    "onnxruntime-cuda+copies": {"color": "#CC79A7", "marker": "X", "linestyle": ":"},
}


def plot_medians(results: dict[str, BenchmarkResult], baseline: str | None = None, ax=None):
    """Horizontal bars of median latency with p10–p90 whiskers, annotated with the speed-up over ``baseline``."""
    require_instance(results, dict, "results", "Pass the dict that benchmark_all returns, {name: BenchmarkResult}.")
    odd = [name for name, result in results.items() if not isinstance(result, BenchmarkResult)]
    if not results or odd:
        raise ValueError("plot_medians draws {name: BenchmarkResult}, as benchmark_all returns it; "
                         + (f"{odd} hold something else." if odd else "the dict is empty."))
    if baseline is not None and baseline not in results:
        raise ValueError(f"baseline {baseline!r} is not one of the results: {', '.join(results)}.")
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
    _a_sweep(sweep)
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
    _a_sweep(sweep)
    ax = _axes(ax)
    for backend in sweep.backends:
        rows = [r for r in sweep.rows if r.backend == backend]
        ax.plot([r.batch_size for r in rows], [r.throughput for r in rows], label=backend, **_style(backend))
    return _finish(ax, sweep.batch_sizes, yscale="log", ylabel="items per second",
                   title=f"{sweep.model}: throughput by batch size\n{sweep.source}")


def plot_speedup(sweep: SweepResult, baseline: str = "pytorch-cpu", ax=None):
    """Speed-up over ``baseline`` at each batch size (above 1 = faster); returns the Figure."""
    _a_sweep(sweep)
    ax = _axes(ax)
    for backend, values in speedups(sweep, baseline).items():
        ax.plot(list(values), list(values.values()), label=backend, **_style(backend))
    ax.axhline(1.0, color="grey", lw=1, zorder=0)  # solid and thin: no backend is drawn like it
    return _finish(ax, sweep.batch_sizes, ylabel=f"speed-up over {baseline}",
                   title=f"{sweep.model}: speed-up over {baseline} (above 1 = faster)\n{sweep.source}")


def plot_recording(sweep: SweepResult):
    """Latency and throughput of a (recorded) sweep side by side, titled with the machine it ran on."""
    import matplotlib.pyplot as plt

    _a_sweep(sweep)

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    plot_latency(sweep, ax=left)
    plot_throughput(sweep, ax=right)
    machine = sweep.machine
    where = f"GPU {machine.gpu}" if machine.gpu else "no GPU"
    fig.suptitle(f"{sweep.model} · {where} · CPU {machine.cpu}, {machine.threads} threads · {machine.date}",
                 fontsize=10)
    fig.tight_layout()
    return fig
