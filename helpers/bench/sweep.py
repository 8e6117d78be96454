"""Sweeps: every backend at every batch size, saved with the machine they ran on (notebooks 05–06).

Also what a sweep tells you: speed-ups, the batch size from which one backend wins (the crossover),
and the share of a GPU call spent copying data between host and device.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

from ..environment import MachineInfo, check_threads, default_threads, describe_machine
from ..errors import existing_file, output_file, require_instance
from .backends import BACKENDS, COPIES, Backend, available_backends, make_runner
from .timing import benchmark

__all__ = ["SweepRow", "SweepResult", "SweepSummary", "run_sweep", "load_recorded_results", "speedups",
           "crossover_batch", "copy_share", "summarize_sweep", "RECORDED_DIR"]

RECORDED_DIR = Path(__file__).resolve().parent.parent / "recorded"
_A_SWEEP = ("Pass one SweepResult, as run_sweep or SweepResult.from_json returns it; for a list from "
            "load_recorded_results, pass one item, e.g. recorded[0].")


def _a_sweep(sweep, what: str = "sweep") -> "SweepResult":
    return require_instance(sweep, SweepResult, what, _A_SWEEP)


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

    def table(self, backends: Sequence[str] | None = None) -> str:
        """The sweep as a plain-text table (only ``backends``, if given)."""
        keep = set(backends or self.backends)
        width = max(len(name) for name in BACKENDS) + 2
        lines = [f"{'backend':<{width}}{'batch':>6}{'median ms':>12}{'p10':>10}{'p90':>10}{'items/s':>12}"]
        lines += [f"{r.backend:<{width}}{r.batch_size:>6}{r.median_ms:>12.3f}{r.p10_ms:>10.3f}{r.p90_ms:>10.3f}"
                  f"{r.throughput:>12,.0f}" for r in self.rows if r.backend in keep]
        lines += [f"{b.name:<{width}}not run: {b.reason}" for b in self.unavailable if backends is None or b.name in keep]
        return "\n".join(lines)

    def to_json(self, path: str | Path) -> Path:
        """Write the sweep, with its machine description, as JSON (never over a file of another kind)."""
        path = output_file(path, "to_json's path", (".json",),
                           replaceable=lambda p: {"model", "machine", "rows"} <= json.loads(p.read_text("utf-8")).keys())
        _not_the_recording(path)
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
            raise ValueError(f"{path} is not a sweep written by SweepResult.to_json ({exc}). Record one with "
                             "python -m helpers.bench, or pass the JSON file it wrote.") from exc

    def to_csv(self, path: str | Path) -> Path:
        """Write the rows as CSV (never over a file of another kind)."""
        path = output_file(path, "to_csv's path", (".csv",),
                           replaceable=lambda p: p.read_text("utf-8").split(",", 1)[0].strip() == "backend")
        _not_the_recording(path)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(asdict(self.rows[0]).keys()) if self.rows else ["backend"])
            writer.writeheader()
            writer.writerows(asdict(r) for r in self.rows)
        return path


def run_sweep(model, onnx_path: str | Path, input_shape: Sequence[int], batch_sizes: Sequence[int], *,
              backends: Sequence[str] | None = None, warmup: int = 3, repeat: int = 10, min_time: float = 0.2,
              threads: int | None = None, progress: bool = True, model_name: str | None = None,
              seed: int = 0) -> SweepResult:
    """Benchmark every available backend at every batch size on seeded inputs of ``(batch, *input_shape)``.

    Backends that cannot run here are listed in ``unavailable`` with the reason. ``threads`` sets
    PyTorch's and onnxruntime's intra-op threads (default: ``default_threads()``, the CPUs this process
    may use, capped by the ``COURSE_THREADS`` environment variable).
    """
    import torch  # heavy: only when a sweep runs
    from tqdm import tqdm

    if isinstance(backends, str):
        raise TypeError(f"backends takes a list of backend names: backends=[{backends!r}].")
    requested = list(backends or BACKENDS)
    unknown = sorted(set(requested) - set(BACKENDS))
    if unknown:
        raise ValueError(f"Unknown backend(s) {unknown}; choose from {', '.join(BACKENDS)}.")
    if isinstance(batch_sizes, int) or isinstance(input_shape, int):
        raise TypeError(f"input_shape and batch_sizes are sequences, e.g. input_shape=(10,), batch_sizes=[1, 8]; got "
                        f"input_shape={input_shape!r}, batch_sizes={batch_sizes!r}.")
    if any(isinstance(n, bool) or not isinstance(n, int) for n in batch_sizes):
        raise TypeError(f"batch_sizes must be ints, got {list(batch_sizes)}.")
    if not batch_sizes or min(batch_sizes) < 1:
        raise ValueError(f"batch_sizes must be positive integers, got {list(batch_sizes)}.")
    for what, values in (("batch_sizes", list(batch_sizes)), ("backends", requested)):
        if len(set(values)) != len(values):
            raise ValueError(f"{what} lists {sorted({v for v in values if values.count(v) > 1})} more than once: each "
                             "is measured once (duplicates would be two rows for one point).")
    if threads is not None:
        check_threads(threads)
        if threads == 0:
            raise ValueError("threads must be at least 1 for a sweep (None: this machine's default).")
    threads = threads or default_threads()
    status = {b.name: b for b in available_backends()}
    runnable = [name for name in requested if status[name].available]
    if not runnable:
        raise ValueError("None of the requested backends can run here: "
                         + "; ".join(f"{name}: {status[name].reason}" for name in requested) + ".")
    if isinstance(model, (str, os.PathLike)) and not isinstance(onnx_path, (str, os.PathLike)):
        raise TypeError("run_sweep takes the PyTorch model first and its ONNX file second; the two look swapped.")
    onnx_path = existing_file(onnx_path, "run_sweep's onnx_path (the exported file of the model)")
    _check_same_model(model, onnx_path, input_shape)
    cells = [(b, n) for b in runnable for n in batch_sizes]
    rows = []
    gen = torch.Generator().manual_seed(seed)
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        for backend, batch in tqdm(cells, desc="benchmark", disable=not progress, file=sys.stderr):
            x = torch.randn(batch, *input_shape, generator=gen)
            fn, sync = make_runner(backend, model, onnx_path, x, threads)
            result = benchmark(fn, warmup=warmup, repeat=repeat, min_time=min_time, batch_size=batch,
                               name=backend, synchronize=sync, threads=threads)
            s = result.stats
            rows.append(SweepRow(backend, batch, s.median, s.p10, s.p90, s.iqr, s.runs, result.throughput))
    finally:
        torch.set_num_threads(previous_threads)
    unavailable = [status[name] for name in requested if not status[name].available]
    return SweepResult(model_name or type(model).__name__, rows, unavailable, describe_machine(threads))


def _not_the_recording(path: Path) -> None:
    """The shipped GPU recording cannot be rebuilt without that GPU: never write over it from a notebook."""
    if path.resolve().parent == RECORDED_DIR.resolve():
        raise ValueError(f"{path} is in the course's recorded results ({RECORDED_DIR.name}/), made on a GPU machine; "
                         "writing there would replace them. Write your sweep to another folder, e.g. "
                         "helpers.artifacts_dir().")


def load_recorded_results(directory: str | Path = RECORDED_DIR, *, needs_gpu: bool = True) -> list[SweepResult]:
    """Sweeps recorded by ``python -m helpers.bench`` and shipped with the course (with GPU rows if ``needs_gpu``)."""
    if not isinstance(needs_gpu, bool):
        raise TypeError(f"needs_gpu is True or False, got {needs_gpu!r}.")
    if not Path(directory).is_dir():
        raise FileNotFoundError(f"No folder at {directory}: pass the folder python -m helpers.bench --output wrote.")
    results, skipped = [], []
    for path in sorted(Path(directory).glob("*.json")):
        sweep = SweepResult.from_json(path)
        if not needs_gpu or (sweep.machine.gpu and any("-cuda" in r.backend for r in sweep.rows)):
            results.append(sweep)
        else:
            skipped.append(path.name)
    if skipped and not results:  # a folder of CPU sweeps: say why nothing came back
        raise ValueError(f"{directory} holds {', '.join(skipped)}, measured without a GPU; load_recorded_results keeps "
                         "GPU sweeps only: pass needs_gpu=False to load CPU sweeps too.")
    return results


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


def _check_same_model(model, onnx_path: str | Path, input_shape: Sequence[int]) -> None:
    """Refuse to time a model against a file that holds another model: the comparison would mean nothing."""
    import numpy as np
    import onnxruntime as ort
    import torch

    if model is None:
        return
    x = torch.randn(2, *input_shape, generator=torch.Generator().manual_seed(0))
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    try:
        (from_file, *_) = session.run(None, {session.get_inputs()[0].name: x.numpy()})
    except Exception as error:
        raise ValueError(f"{onnx_path} does not run on inputs of shape (batch, *{tuple(input_shape)}): {error}") from error
    with torch.no_grad():
        from_model = model.eval()(x)
    from_model = (from_model[0] if isinstance(from_model, (tuple, list)) else from_model).numpy()
    if from_model.shape != from_file.shape or not np.allclose(from_model, from_file, rtol=1e-3, atol=1e-4):
        raise ValueError(f"The model and {Path(onnx_path).name} give different outputs on the same input: the "
                         "sweep would time two different models against each other. Export this model to the "
                         "file first (helpers.export_model).")


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
    end_to_end = backend + COPIES
    if end_to_end not in BACKENDS:
        raise ValueError(f"{backend!r} has no end-to-end mode; pass one of "
                         f"{', '.join(b.removesuffix(COPIES) for b in BACKENDS if b.endswith(COPIES))}.")
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
