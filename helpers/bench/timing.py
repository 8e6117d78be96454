"""Timing code honestly: warm-up, repeats, medians and spread, and a synchronised clock (notebook 05).

The ground floor of ``helpers.bench``: of the course it imports only ``environment``.
"""

from __future__ import annotations

import numbers
import time
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Callable, Sequence

import numpy as np

from ..environment import THREADS_VARIABLE, check_threads, default_threads

__all__ = ["SimulatedGPU", "TimingStats", "BenchmarkResult", "timing_stats", "benchmark", "benchmark_all",
           "default_threads", "THREADS_VARIABLE"]

class SimulatedGPU:
    """A stand-in for a CUDA device, for practising GPU timing on any machine.

    ``run()`` queues ``kernel_ms`` of work and returns at once, as a CUDA kernel launch does;
    ``synchronize()`` waits until all queued work is done, as ``torch.cuda.synchronize()`` does. The
    first ``cold_calls`` calls cost ``cold_ms`` each (lazy initialisation, as on a real GPU).
    """

    def __init__(self, kernel_ms: float = 5.0, cold_calls: int = 2, cold_ms: float = 100.0) -> None:
        numbers = all(isinstance(v, Real) and not isinstance(v, bool) for v in (kernel_ms, cold_ms))
        if not (numbers and 0 < kernel_ms <= 60_000 and 0 <= cold_ms <= 60_000 and isinstance(cold_calls, Integral)
                and cold_calls >= 0):
            raise ValueError(f"SimulatedGPU needs 0 < kernel_ms <= 60000, 0 <= cold_ms <= 60000 and a whole cold_calls "
                             f">= 0 (milliseconds: a minute at most); got "
                             f"kernel_ms={kernel_ms!r}, cold_calls={cold_calls!r}, cold_ms={cold_ms!r}.")
        self.kernel_ms, self.cold_calls, self.cold_ms = float(kernel_ms), int(cold_calls), float(cold_ms)
        self.launched = 0
        self.synchronized = 0  # calls of synchronize(): a timing loop synchronises once per timed call
        self._busy_until = time.perf_counter()
        self._first_run: float | None = None
        self._last_sync: float | None = None

    def run(self) -> None:
        """Queue one call's work and return immediately."""
        self.launched += 1
        if self._first_run is None:
            self._first_run = time.perf_counter()
        cost_ms = self.cold_ms if self.launched <= self.cold_calls else self.kernel_ms
        self._busy_until = max(self._busy_until, time.perf_counter()) + cost_ms / 1000

    def synchronize(self) -> None:
        """Block until every queued call has finished."""
        delay = self._busy_until - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        self.synchronized += 1
        self._last_sync = time.perf_counter()

    @property
    def busy_seconds(self) -> float:
        """Seconds from the first ``run()`` to the last ``synchronize()``: no timing made on this device can add
        up to more (0.0 before both happened)."""
        if self._first_run is None or self._last_sync is None:
            return 0.0
        return max(0.0, self._last_sync - self._first_run)

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
    if isinstance(times_ms, (str, bytes)) or not hasattr(times_ms, "__len__"):
        raise TypeError(f"timing_stats takes a list of times in milliseconds, got a {type(times_ms).__name__}.")
    if len(times_ms) == 0:
        raise ValueError("No timings to summarise: run the benchmark at least once (repeat >= 1).")
    if not all(isinstance(t, (int, float, np.number)) and not isinstance(t, bool) for t in times_ms):
        raise TypeError("timing_stats takes numbers (milliseconds), not text or other objects.")
    values = np.asarray(times_ms, dtype=np.float64)
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError("Timings must be finite and not negative: each is an end time minus a start time.")
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
    if not callable(fn) or (hasattr(fn, "forward") and hasattr(fn, "parameters")):  # a model needs its input
        raise TypeError(f"benchmark times a function called with no arguments, got a {type(fn).__name__}: wrap the "
                        "call with its input, e.g. benchmark(lambda: model(x)).")
    for argument, value, least in (("repeat", repeat, 1), ("warmup", warmup, 0)):  # not ``name``: the result's
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < least:
            raise ValueError(f"{argument} must be a whole number of at least {least}, got {value!r}.")
    if isinstance(min_time, bool) or not isinstance(min_time, numbers.Real) or not 0 <= min_time < 3600:
        raise ValueError(f"min_time must be a number of seconds from 0 to 3600, got {min_time!r}.")
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise ValueError(f"batch_size is the number of items one call handles (at least 1), got {batch_size!r}.")
    if threads is not None:
        check_threads(threads, "threads (how many threads ran, for the record)")
    if synchronize is not None and not callable(synchronize):
        raise TypeError(f"synchronize takes a function, such as torch.cuda.synchronize (without parentheses), or "
                        f"None; got {synchronize!r}.")
    sync = synchronize or (lambda: None)
    times: list[float] = []
    try:
        _run(fn, sync, warmup, repeat, min_time, clock, times)
    except TypeError as error:  # the very first call of a function that needs arguments (session.run)
        if times or "required positional argument" not in str(error):
            raise
        raise TypeError(f"benchmark calls fn() with no arguments, and it needs some ({error}): wrap the call, "
                        "e.g. benchmark(lambda: session.run(feeds)).") from error
    if threads is None:
        import torch  # heavy: only when the caller does not say how many threads ran

        threads = torch.get_num_threads()
    return BenchmarkResult(name, times, batch_size, threads)


def _run(fn: Callable[[], object], sync: Callable[[], None], warmup: int, repeat: int, min_time: float,
         clock: Callable[[], float], times: list[float]) -> None:
    """``warmup`` untimed calls, then timed ones appended to ``times`` (in ms) until ``repeat`` and ``min_time``."""
    for _ in range(warmup):
        fn()
    try:
        sync()
    except (RuntimeError, AssertionError) as error:  # torch.cuda.synchronize on a machine without a usable GPU
        raise RuntimeError(f"synchronize failed before timing started ({str(error).splitlines()[0]}): pass "
                           "torch.cuda.synchronize only where the timed code runs on a GPU.") from error
    started = clock()
    while len(times) < repeat or clock() - started < min_time:
        t0 = clock()
        fn()
        sync()
        times.append((clock() - t0) * 1000.0)


def benchmark_all(functions: dict[str, Callable[[], object]], *, batch_size: int = 1, warmup: int = 3,
                  repeat: int = 15, min_time: float = 0.5, threads: int | None = None) -> dict[str, BenchmarkResult]:
    """Benchmark several zero-argument functions one after another with the same settings."""
    if not isinstance(functions, dict) or not functions:
        raise TypeError("benchmark_all takes a dict {name: function}, e.g. {'pytorch': lambda: model(x), "
                        f"'onnxruntime': lambda: session.run(None, feeds)}}; got "
                        + (f"a {type(functions).__name__}." if functions else "an empty one."))
    return {name: benchmark(fn, warmup=warmup, repeat=repeat, min_time=min_time, batch_size=batch_size,
                            name=name, threads=threads) for name, fn in functions.items()}
