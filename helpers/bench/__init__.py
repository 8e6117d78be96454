"""Honest latency measurements, CPU vs GPU: timing, backends, sweeps, plots (notebooks 05 and 06).

Read it bottom-up: ``timing`` (the timing loop and its statistics), ``backends`` (what runs where, in
two GPU timing modes: data on the device, and end to end with the copies), ``sweep`` (every backend
at every batch size, saved with its machine), ``analysis`` (what a sweep says), ``plots``, and ``cli`` (``python -m helpers.bench``).
Every public name is importable from ``helpers.bench`` itself.
"""

from __future__ import annotations

from ..environment import MachineInfo, default_threads, describe_machine
from .backends import BACKENDS, Backend, BackendSpec, available_backends, parse_backend
from .cli import main
from .plots import BACKEND_STYLES, plot_latency, plot_medians, plot_recording, plot_speedup, plot_throughput
from .analysis import SweepSummary, copy_share, crossover_batch, speedups, summarize_sweep
from .sweep import RECORDED_DIR, SweepResult, SweepRow, is_sweep_file, load_recorded_results, run_sweep
from .timing import BenchmarkResult, SimulatedGPU, TimingStats, benchmark, benchmark_all, timing_stats

__all__ = [
    # timing
    "SimulatedGPU", "TimingStats", "BenchmarkResult", "timing_stats", "benchmark", "benchmark_all",
    "default_threads",
    # backends
    "BACKENDS", "Backend", "BackendSpec", "parse_backend", "available_backends",
    # sweeps and what they say
    "MachineInfo", "describe_machine", "SweepRow", "SweepResult", "run_sweep", "load_recorded_results",
    "RECORDED_DIR", "is_sweep_file", "speedups", "crossover_batch", "copy_share", "SweepSummary", "summarize_sweep",
    # plots and the command line
    "BACKEND_STYLES", "plot_medians", "plot_latency", "plot_throughput", "plot_speedup", "plot_recording", "main",
]
