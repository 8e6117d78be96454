"""``python -m helpers.bench``: run a sweep outside Jupyter and write JSON, CSV and PNG files (notebook 05).

``--recording`` runs the course's GPU recording (three models, batch 1 to 256, every backend in both
timing modes) that ships in ``helpers/recorded/``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Sequence

from ..environment import MAX_THREADS, THREADS_VARIABLE, default_threads
from ..errors import GivenOnce, cli_path
from ..export import export_model
from ..models import make_linear_model, make_torchvision_model
from .backends import BACKENDS, available_backends
from .plots import plot_latency, plot_speedup, plot_throughput
from .analysis import summarize_sweep
from .sweep import RECORDED_DIR, SweepResult, is_sweep_file, run_sweep

__all__ = ["main", "RECORDING"]

# The recording shipped with the course: what notebook 05 plots when there is no GPU.
RECORDING = {"models": ["linear", "mobilenet_v3_small", "resnet18"],
             "batch_sizes": [1, 2, 4, 8, 16, 32, 64, 128, 256], "repeat": 10, "warmup": 3, "min_time": 0.3}
MODELS = ("linear", "resnet18", "mobilenet_v3_small", "efficientnet_b0")
MAX_BATCH = 512  # ResNet18 at 512 images needs a few GB; the recording stops at 256



def _batch_size(text: str) -> int:
    """One --batch-sizes value; "1,4,16" gets a hint, as argparse's "invalid int value" names no fix."""
    try:
        return int(text)
    except ValueError:
        hint = f": separate them with spaces, --batch-sizes {' '.join(text.split(','))}" if "," in text else ""
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}{hint}") from None

def _prepare(model_name: str, directory: Path):
    """The model (random weights), its ONNX file written in ``directory``, and the shape of one input row."""
    import torch  # heavy: only when a sweep runs

    if model_name == "linear":
        model, shape = make_linear_model(), (10,)
    else:
        model, shape = make_torchvision_model(model_name), (3, 224, 224)
    onnx_path = directory / f"bench_{model_name}.onnx"
    export_model(model, torch.randn(2, *shape), onnx_path, verify=False)
    return model, onnx_path, shape


def _write(sweep: SweepResult, directory: Path) -> list[Path]:
    """The sweep as JSON and CSV, and its plots as PNG files, named after the model and the machine."""
    stem = f"{sweep.model}_{'gpu' if any('-cuda' in b for b in sweep.backends) else 'cpu'}"  # what was timed
    written = [sweep.to_json(directory / f"{stem}.json"), sweep.to_csv(directory / f"{stem}.csv")]
    plots = [("latency", plot_latency), ("throughput", plot_throughput)]
    plots += [("speedup", plot_speedup)] if "pytorch-cpu" in sweep.backends and len(sweep.backends) > 1 else []
    if len(sweep.backends) == 1:  # pass 17: a speed-up of pytorch-cpu over itself was drawn
        print(f"note: no speed-up plot for {sweep.model}: only {sweep.backends[0]} was timed (it needs two backends).")
    for name, plot in plots:
        figure = plot(sweep)
        figure.savefig(directory / f"{stem}_{name}.png", dpi=120, metadata={"Software": PNG_SOFTWARE})
        written.append(directory / f"{stem}_{name}.png")
    for suffix in OUTPUT_SUFFIXES:  # an earlier run's plot this run did not draw would look like this run's
        stale = directory / f"{stem}{suffix}"
        if stale not in written and stale.exists():
            stale.unlink()
    return written


PNG_SOFTWARE = "helpers.bench"  # in each plot's PNG text chunk: a plot of this tool's, which --overwrite may replace


def is_sweep_plot(path: Path) -> bool:
    """Whether ``path`` is a PNG this tool wrote (its ``Software`` text chunk), not a user's picture."""
    try:
        return f"Software\0{PNG_SOFTWARE}".encode() in Path(path).read_bytes()[:4096]
    except OSError:
        return False


DEFAULTS = {"models": ["resnet18"], "batch_sizes": [1, 4, 16], "repeat": 20, "warmup": 5, "min_time": 1.0}
OUTPUT_SUFFIXES = (".json", ".csv", "_latency.png", "_throughput.png", "_speedup.png")


def _folder_name(text: str) -> Path:
    """--output as given: an empty value would mean the current folder (Path('') is '.'), so it is refused."""
    if not text.strip():
        raise argparse.ArgumentTypeError("--output is empty: give a folder for the result files, e.g. bench-results.")
    return cli_path(text)  # --output=~/res: bash leaves that ~ alone, so it is expanded here


FILE_SUFFIXES = (".json", ".csv", ".png", ".svg", ".txt", ".md", ".onnx", ".pt")  # "results.v2" may be a folder


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m helpers.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--models", "--model", nargs="+", action="extend", choices=MODELS, help=f"default: {DEFAULTS['models'][0]}")
    parser.add_argument("--batch-sizes", type=_batch_size, nargs="+", action="extend",
                        help="default: 1 4 16 (separated by spaces)")
    parser.add_argument("--backends", nargs="+", action="extend", choices=BACKENDS, help="default: every backend")
    parser.add_argument("--repeat", type=int, action=GivenOnce, help=f"timed calls per cell, at least (default {DEFAULTS['repeat']})")
    parser.add_argument("--warmup", type=int, action=GivenOnce, help=f"untimed calls first (default {DEFAULTS['warmup']})")
    parser.add_argument("--min-time", type=float, action=GivenOnce, help=f"seconds per cell, at least (default {DEFAULTS['min_time']})")
    parser.add_argument("--threads", type=int, action=GivenOnce, default=None,
                        help=f"default: the CPUs this process may use, capped by ${THREADS_VARIABLE}")
    parser.add_argument("--recording", action="store_true",
                        help=f"the course's recording: models {' '.join(RECORDING['models'])}, batch sizes "
                             f"{' '.join(map(str, RECORDING['batch_sizes']))}, every backend")
    parser.add_argument("--output", type=_folder_name, action=GivenOnce, default=Path("bench-results"))
    parser.add_argument("--overwrite", action="store_true", help="replace result files already in --output")
    parser.add_argument("--no-progress", action="store_true")
    return parser


def _settle(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str]:
    """Fill the defaults (or the recording's), check every value, and return the backends that can run here."""
    args.backends = args.backends or list(BACKENDS)  # a flag given twice adds to the list (action="extend")
    preset = RECORDING if args.recording else DEFAULTS
    given = [f"--{key.replace('_', '-')}" for key in RECORDING if getattr(args, key) is not None]
    if args.recording and given:
        parser.error(f"--recording sets {', '.join(given)} itself: drop {' and '.join(given)}, or drop --recording.")
    for key, value in preset.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    for flag, value, low, high, what in (
            ("--batch-sizes", min(args.batch_sizes), 1, MAX_BATCH, "inputs per call (larger batches need many GB)"),
            ("--batch-sizes", max(args.batch_sizes), 1, MAX_BATCH, "inputs per call (larger batches need many GB)"),
            ("--repeat", args.repeat, 1, 100_000, "timed calls per case"),
            ("--warmup", args.warmup, 0, 10_000, "untimed calls before timing")):
        if not low <= value <= high:
            parser.error(f"{flag} is the number of {what}: from {low} to {high:,}, got {value}.")
    if not 0 <= args.min_time < 3600:
        parser.error(f"--min-time is the least seconds of timing per case: from 0 to 3600, got {args.min_time}.")
    for flag, values in (("--models", args.models), ("--batch-sizes", args.batch_sizes), ("--backends", args.backends)):
        twice = sorted({v for v in values if values.count(v) > 1})
        if twice:
            parser.error(f"{flag} lists {', '.join(map(str, twice))} more than once: each is measured once.")
    if args.threads is not None and not 1 <= args.threads <= MAX_THREADS:
        parser.error(f"--threads must be from 1 to {MAX_THREADS} (this machine has {os.cpu_count()} CPUs), "
                     f"got {args.threads}.")
    try:
        default_threads()  # reads COURSE_THREADS: a bad value fails here, not after the first export
    except ValueError as error:
        parser.error(str(error))
    status = {b.name: b for b in available_backends()}
    if args.recording and not any(status[b].available for b in args.backends if "-cuda" in b):
        parser.error("--recording is the GPU machine's run (resnet18 up to batch 256 with every CUDA backend), "
                     "and no CUDA backend can run here. Drop --recording for a CPU sweep.")
    runnable = [name for name in args.backends if status[name].available]
    if not runnable:
        reasons = "; ".join(f"{name}: {status[name].reason}" for name in args.backends)
        parser.error(f"none of the requested backends can run here ({reasons}). Available here: "
                     f"{' '.join(b for b in BACKENDS if status[b].available)}.")
    if not str(args.output).strip() or (args.output.suffix.lower() in FILE_SUFFIXES and not args.output.exists()):
        parser.error(f"--output takes a folder for the result files, got {str(args.output)!r}.")
    if args.output.exists() and not args.output.is_dir():
        parser.error(f"--output {args.output} is a file; give a folder (it is created if missing).")
    if args.output.resolve() == RECORDED_DIR.resolve():
        parser.error(f"--output {args.output} is the course's recorded GPU results ({RECORDED_DIR.name}/), which this "
                     "run would replace: choose another folder.")
    try:
        args.output.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=args.output).close()  # writable? find out before a long sweep, not after
    except OSError as error:
        parser.error(f"cannot write results in --output {args.output}: {error.strerror or error}.")
    kind = "gpu" if any("-cuda" in name for name in runnable) else "cpu"
    existing = [p.name for m in args.models for suffix in OUTPUT_SUFFIXES
                if (p := args.output / f"{m}_{kind}{suffix}").exists()]
    foreign = [name for name in existing if not (is_sweep_plot(args.output / name) if name.endswith(".png")
                                                 else is_sweep_file(args.output / name))]
    if foreign:  # found now, not after the sweep: --overwrite replaces this tool's results, never other files
        parser.error(f"{args.output} holds {', '.join(foreign)}, which this tool did not write (--overwrite replaces "
                     "only its own results): move them, or choose another --output.")
    if existing and not args.overwrite:
        parser.error(f"{args.output} already holds {', '.join(existing)}: pass --overwrite to replace them, or "
                     "choose another --output.")
    return runnable


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run a sweep per model, print its table, write JSON, CSV and PNG files as each model ends."""
    parser = _parser()
    args = parser.parse_args(argv)
    existed = Path(args.output).exists() if getattr(args, "output", None) else True
    _settle(parser, args)  # every check before the first model is built
    import matplotlib  # heavy: only when the CLI runs

    matplotlib.use("Agg")
    try:
        _sweep_each(args)
    except KeyboardInterrupt:  # pass 19: a raw traceback, and an empty folder left behind
        if not existed and args.output.is_dir() and not any(args.output.iterdir()):
            args.output.rmdir()
        if not args.output.is_dir():  # pass 21: "written to" a folder that was never made
            parser.exit(130, f"\n{parser.prog}: interrupted before any model finished: nothing was written.\n")
        parser.exit(130, f"\n{parser.prog}: interrupted. Every model that finished was written to {args.output}; the "
                         "one being measured was not.\n")
    return 0


def _sweep_each(args: argparse.Namespace) -> None:
    for model_name in args.models:
        with tempfile.TemporaryDirectory() as scratch:  # the ONNX file is not part of the record
            model, onnx_path, shape = _prepare(model_name, Path(scratch))
            sweep = run_sweep(model, onnx_path, shape, args.batch_sizes, backends=args.backends,
                              warmup=args.warmup, repeat=args.repeat, min_time=args.min_time, threads=args.threads,
                              progress=not args.no_progress, model_name=model_name)
        print(sweep.machine)
        print(sweep.table())
        if any("-cuda" in b for b in sweep.backends):
            print(summarize_sweep(sweep))
        written = _write(sweep, args.output)
        print("wrote", ", ".join(p.name for p in written), "in", args.output, flush=True)
