"""What a sweep tells you: speed-ups, the batch size from which one backend wins (the crossover), and the
share of a GPU call spent copying data between host and device (notebook 05)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .backends import BACKENDS, COPIES
from .sweep import SweepResult, _a_sweep

__all__ = ["speedups", "crossover_batch", "copy_share", "SweepSummary", "summarize_sweep"]


def speedups(sweep: SweepResult, baseline: str = "pytorch-cpu") -> dict[str, dict[int, float]]:
    """``{backend: {batch: baseline median / backend median}}``."""
    _a_sweep(sweep)
    if baseline not in sweep.backends:
        raise ValueError(f"Baseline {baseline!r} was not measured; measured: {sweep.backends}.")
    return {b: {n: sweep.median(baseline, n) / sweep.median(b, n) for n in sweep.batch_sizes
                if b in sweep.medians(n) and baseline in sweep.medians(n)} for b in sweep.backends}


def _series(sweep: SweepResult, backend: str) -> dict[int, float]:
    return {r.batch_size: r.median_ms for r in sweep.rows if r.backend == backend}


def _first_batch_staying_below(candidate: dict[int, float], baseline: dict[int, float]) -> int | None:
    crossover = None
    for batch in sorted(set(candidate) & set(baseline), reverse=True):
        if candidate[batch] >= baseline[batch]:
            break
        crossover = batch
    return crossover


def crossover_batch(sweep: SweepResult, candidate: str, baseline: str) -> int | None:
    """The smallest measured batch size from which ``candidate`` stays faster than ``baseline`` (None if never).

    "Stays": a small batch where the candidate wins by chance, followed by one where it loses, is not
    the crossover.
    """
    _a_sweep(sweep)
    if candidate == baseline:
        raise ValueError(f"crossover_batch compares two backends; got {candidate!r} twice. For example "
                         "crossover_batch(sweep, 'onnxruntime-cuda', 'onnxruntime-cpu').")
    unknown = [name for name in (candidate, baseline) if name not in BACKENDS]
    if unknown:
        raise ValueError(f"Unknown backend(s) {unknown}; choose from {', '.join(BACKENDS)} "
                         f"(measured here: {', '.join(sweep.backends) or 'none'}).")
    unmeasured = [name for name in (candidate, baseline) if name not in sweep.backends]
    if unmeasured:
        raise ValueError(f"{', '.join(unmeasured)} was not measured in this sweep (measured: "
                         f"{', '.join(sweep.backends) or 'none'}): there is no crossover to read.")
    return _first_batch_staying_below(_series(sweep, candidate), _series(sweep, baseline))


def copy_share(sweep: SweepResult, backend: str = "pytorch-cuda") -> dict[int, float | None]:
    """``{batch: share of the end-to-end time spent on host<->device copies}`` for a GPU ``backend``.

    The share is ``1 - (data on the device) / (end to end)``, from the two timing modes of the same
    backend (``backend`` and ``backend + '+copies'``), at each batch size where both were measured. None
    where the on-device median is the larger (then the copies are too small to tell from the difference
    between the modes, e.g. I/O binding's own cost). For fp16 the casts count as copies.
    """
    _a_sweep(sweep)
    if not isinstance(backend, str):  # pass 12: copy_share(sweep, 1) gave a raw TypeError
        raise TypeError(f"copy_share's second argument is a GPU backend such as 'pytorch-cuda', not {backend!r}: the "
                        "result maps every batch size to its share.")
    end_to_end = backend + COPIES
    if end_to_end not in BACKENDS:
        raise ValueError(f"{backend!r} has no end-to-end mode; pass one of "
                         f"{', '.join(b.removesuffix(COPIES) for b in BACKENDS if b.endswith(COPIES))}.")
    missing = [name for name in (backend, end_to_end) if name not in sweep.backends]
    if missing:  # an empty answer would read as "no copies"
        raise ValueError(f"{', '.join(missing)} was not measured in this sweep (measured: "
                         f"{', '.join(sweep.backends) or 'none'}): the copies' share needs both timing modes of "
                         f"{backend}, on a machine with a GPU (or a recording of one: bench.load_recorded_results()).")
    shares = {}
    for batch in sweep.batch_sizes:
        medians = sweep.medians(batch)
        if backend in medians and end_to_end in medians:
            share = 1.0 - medians[backend] / medians[end_to_end]
            shares[batch] = share if share >= 0 else None
    return shares


@dataclass
class SweepSummary:
    """What a sweep says about CPU vs GPU: crossover batches and the share of time spent in copies."""

    model: str
    machine: str
    best_cpu: dict[int, str]  # the faster CPU backend at each batch size
    # GPU backend -> first batch from which it stays faster than the best CPU backend (None: never)
    crossovers: dict[str, int | None] = field(default_factory=dict)
    copy_shares: dict[str, dict[int, float | None]] = field(default_factory=dict)

    def __str__(self) -> str:
        lines = [f"{self.model} on {self.machine}"]
        if not self.crossovers:
            lines.append("  no GPU backend was measured: nothing to compare the CPU with (a GPU sweep, or "
                         "bench.load_recorded_results(), has them)")
        for backend, batch in self.crossovers.items():
            verdict = f"faster than the best CPU backend from batch {batch} on" if batch else \
                "never faster than the best CPU backend at the measured batch sizes"
            lines.append(f"  {backend:<26}{verdict}")
        def share(value: float | None) -> str:
            return f"{value:.0%}" if value is not None else "not measurable (the on-device run was slower)"

        for backend, shares in self.copy_shares.items():
            smallest = min(shares)
            lines.append(f"  {backend:<26}copies' share of an end-to-end call: {share(shares[smallest])} at batch "
                         f"{smallest}, {share(shares[max(shares)])} at batch {max(shares)}")
        return "\n".join(lines)


def summarize_sweep(sweep: SweepResult) -> SweepSummary:
    """Crossover batch of every GPU backend against the faster CPU backend, and the copies' share."""
    _a_sweep(sweep)
    cpu = [b for b in sweep.backends if b.endswith("-cpu")]
    if not cpu:
        raise ValueError(f"The sweep of {sweep.model} has no CPU backend to compare with; measured {sweep.backends}.")
    best_cpu = {n: min((b for b in cpu if b in sweep.medians(n)), key=sweep.medians(n).get)
                for n in sweep.batch_sizes if any(b in sweep.medians(n) for b in cpu)}
    summary = SweepSummary(sweep.model, sweep.machine.gpu or sweep.machine.cpu, best_cpu)
    best_cpu_ms = {n: sweep.median(backend, n) for n, backend in best_cpu.items()}
    for backend in (b for b in sweep.backends if "-cuda" in b):
        summary.crossovers[backend] = _first_batch_staying_below(_series(sweep, backend), best_cpu_ms)
        if not backend.endswith(COPIES) and backend + COPIES in sweep.backends:
            summary.copy_shares[backend] = copy_share(sweep, backend)
    return summary
