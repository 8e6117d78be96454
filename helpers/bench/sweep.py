"""Sweeps: every backend at every batch size, saved with the machine they ran on (notebooks 05–06).

What a sweep tells you (speed-ups, the crossover, the copies' share) is in ``analysis``.
"""

from __future__ import annotations

import csv
import json
import numbers
import os
import sys
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Sequence

from ..environment import MachineInfo, check_threads, default_threads, describe_machine
from ..errors import existing_file, output_file, require_bool, require_instance
from .backends import BACKENDS, Backend, available_backends, make_runner
from .timing import benchmark

__all__ = ["SweepRow", "SweepResult", "run_sweep", "load_recorded_results", "is_sweep_file", "RECORDED_DIR"]

RECORDED_DIR = Path(__file__).resolve().parent.parent / "recorded"
_A_SWEEP = ("Pass one SweepResult, as run_sweep or SweepResult.from_json returns it; for a list from "
            "load_recorded_results, pass one item, e.g. recorded[0].")


def is_sweep_file(path: Path) -> bool:
    """Whether ``path`` holds a sweep's JSON or CSV (what ``to_json``/``to_csv`` may replace), not a user's file."""
    columns = [field.name for field in fields(SweepRow)]  # exactly what to_csv/to_json write (pass 18: look-alikes)
    try:
        text = Path(path).read_text("utf-8")
        if Path(path).suffix.lower() == ".csv":
            return text.splitlines()[0].strip() in (",".join(columns), "backend")
        data = json.loads(text)
        return data.keys() == {"model", "machine", "rows", "unavailable"} and all(
            list(row) == columns for row in data["rows"])
    except (OSError, ValueError, AttributeError, IndexError, TypeError):
        return False


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
        if isinstance(backends, str):  # set("pytorch-cpu") would keep no backend, silently
            backends = [backends]
        unknown = sorted(set(backends or ()) - set(BACKENDS))
        if unknown:
            raise ValueError(f"Unknown backend(s) {unknown}; choose from {', '.join(BACKENDS)}.")
        keep = set(backends or self.backends)
        width = max(len(name) for name in BACKENDS) + 2
        lines = [f"{'backend':<{width}}{'batch':>6}{'median ms':>12}{'p10':>10}{'p90':>10}{'items/s':>12}"]
        lines += [f"{r.backend:<{width}}{r.batch_size:>6}{r.median_ms:>12.3f}{r.p10_ms:>10.3f}{r.p90_ms:>10.3f}"
                  f"{r.throughput:>12,.0f}" for r in self.rows if r.backend in keep]
        lines += [f"{b.name:<{width}}not run: {b.reason}" for b in self.unavailable if backends is None or b.name in keep]
        return "\n".join(lines)

    def to_json(self, path: str | Path) -> Path:
        """Write the sweep, with its machine description, as JSON (never over a file of another kind)."""
        path = output_file(path, "to_json's path", (".json",), replaceable=is_sweep_file)
        _not_the_recording(path)
        data = {"model": self.model, "machine": asdict(self.machine), "rows": [asdict(r) for r in self.rows],
                "unavailable": [asdict(b) for b in self.unavailable]}
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        return path

    @classmethod
    def from_json(cls, path: str | Path, source: str | None = None) -> "SweepResult":
        """Read a sweep written by ``to_json``."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"No sweep file at {path}{' (a folder: pass one of its .json files)' if path.is_dir() else ''}. "
                                    "Record one with python -m helpers.bench, or pass the JSON file it wrote.")
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
                           replaceable=is_sweep_file)
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
    if isinstance(input_shape, (str, bytes)) or not all(isinstance(d, numbers.Integral) and not isinstance(d, bool)
                                                        and d >= 1 for d in input_shape):
        raise TypeError(f"input_shape is one example's shape without the batch, as whole numbers, e.g. (10,) or "
                        f"(3, 224, 224); got {input_shape!r}.")
    if any(isinstance(n, bool) or not isinstance(n, numbers.Integral) for n in batch_sizes):
        raise TypeError(f"batch_sizes must be ints, got {list(batch_sizes)}.")
    input_shape, batch_sizes = tuple(int(d) for d in input_shape), [int(n) for n in batch_sizes]  # NumPy ints too
    require_bool(progress, "progress")
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
    if not isinstance(model, torch.nn.Module) and any(name.startswith("pytorch") for name in runnable):
        raise TypeError(f"run_sweep's model is the PyTorch module the ONNX file was exported from (the pytorch-* "
                        f"backends run it), got {type(model).__name__}; or pass backends=['onnxruntime-cpu'] only.")
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
    default_name = Path(onnx_path).stem if model is None else type(model).__name__  # not "NoneType"
    return SweepResult(model_name or default_name, rows, unavailable, describe_machine(threads))


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
        what = f"{directory} is a file, not a folder" if Path(directory).is_file() else f"No folder at {directory}"
        raise FileNotFoundError(f"{what}: pass the folder python -m helpers.bench --output wrote "
                                "(SweepResult.from_json reads one file).")
    results, skipped = [], []
    for path in sorted(Path(directory).glob("*.json")):
        sweep = SweepResult.from_json(path)
        if not needs_gpu or (sweep.machine.gpu and any("-cuda" in r.backend for r in sweep.rows)):
            results.append(sweep)
        else:
            skipped.append(path.name)
    if not results and not skipped:  # an empty list would fail later, at results[0], with an IndexError
        raise FileNotFoundError(f"{directory} holds no sweep files (.json written by python -m helpers.bench): run the "
                                "benchmark with --output pointing there, or pass the folder it wrote.")
    if skipped and not results:  # a folder of CPU sweeps: say why nothing came back
        raise ValueError(f"{directory} holds {', '.join(skipped)}, measured without a GPU; load_recorded_results keeps "
                         "GPU sweeps only: pass needs_gpu=False to load CPU sweeps too.")
    return results


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

