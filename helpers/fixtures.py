"""Course fixtures: the files a notebook needs from an earlier one, created here when missing (notebooks 02–06).

Each notebook runs on its own: where notebook 01 or 02 has not run in this folder, these functions
train or export what it would have written, with the same seed, so the result is the same file.
"""

from __future__ import annotations

import numbers
import os
import warnings
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from .environment import artifacts_dir
from .errors import as_path
from .export import export_model
from .models import (LinearRegressor, load_weights, make_linear_model, make_regression_data, save_weights,
                     train_regressor)

__all__ = ["ensure_trained_linear", "ensure_linear_onnx"]


def ensure_trained_linear(directory: str | Path | None = None, seed: int = 0) -> tuple[LinearRegressor, Path]:
    """The trained course model and its weights file, creating both if notebook 01 has not run here.

    Seed 0 is notebook 01's model (``linear_weights.pt``); another seed gets its own file, so it is never
    answered with seed 0's weights.
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a whole number, 0 or more, got {seed!r}.")
    seed = int(seed)
    if directory is not None and (isinstance(directory, bool) or not isinstance(directory, (str, os.PathLike))):
        raise TypeError(f"directory is the folder for the course's files (a str or Path; None: artifacts/), got "
                        f"{directory!r}. For another seed, pass seed={directory!r}." if isinstance(directory, int)
                        else f"directory is a folder path (a str or Path), got {directory!r}.")
    if directory is not None and not str(directory).strip():  # Path("") is ".", not artifacts/
        raise ValueError("directory is an empty path: pass a folder, or None for the course's artifacts folder.")
    if directory is not None and Path(directory).suffix.lower() in (".pt", ".pth", ".onnx") and \
            not Path(directory).is_dir():
        raise ValueError(f"ensure_trained_linear takes the folder to keep the weights in, not a file name: got "
                         f"{str(directory)!r}. Pass its folder ({str(Path(directory).parent)!r}); the file is named "
                         "linear_weights.pt.")
    path = Path(directory or artifacts_dir()) / ("linear_weights.pt" if seed == 0 else f"linear_weights_seed{seed}.pt")
    model = make_linear_model(seed)
    if path.exists():
        try:
            load_weights(model, path)
        except (ValueError, TypeError, RuntimeError, OSError) as error:  # pass 12: "save again" was refused
            raise ValueError(f"{path} cannot be read ({str(error).split('. ')[0].removeprefix(str(path) + ' ')}): "
                             "delete or move it, and ensure_trained_linear() trains and saves it again.") from error
        data = make_regression_data(seed=seed)
        with torch.no_grad():
            error = float(torch.mean((model.eval()(data.x) - data.y) ** 2))
        if error > 10 * data.noise ** 2:  # pass 23: untrained weights (training cell skipped) fed notebooks 02-05
            raise ValueError(f"{path} holds weights that do not fit the course's task (mean squared error {error:.3g}; "
                             f"trained, about {data.noise ** 2:.2g}): they were saved before training. Run notebook "
                             "01's training cell, then its save cell, or delete the file and ensure_trained_linear() "
                             "trains and saves it again.")
        return model, path
    train_regressor(model, make_regression_data(seed=seed), seed=seed)
    save_weights(model, path)
    return model.eval(), path


def ensure_linear_onnx(directory: str | Path | None = None) -> Path:
    """The course's exported Linear model (``linear.onnx``), exporting it if notebook 02 has not run here.

    The file is exported again when it no longer holds the weights in ``linear_weights.pt`` (notebook 01
    was run again after notebook 02, and training on another CPU gave slightly different numbers), so
    the model and the file a notebook compares always belong together. The file it replaces is kept
    under a new name (``linear.replaced.onnx``), with a warning that says so: it may be the student's own.
    """
    directory = artifacts_dir() if directory is None else as_path(directory, "ensure_linear_onnx's directory")
    if directory.suffix.lower() in (".onnx", ".pt") and not directory.is_dir():
        raise ValueError(f"ensure_linear_onnx takes the folder to keep linear.onnx in, not a file name: got "
                         f"{str(directory)!r}. Pass its folder ({str(directory.parent)!r}); the file is always "
                         "named linear.onnx.")
    if directory.exists() and not directory.is_dir():  # pass 13: the error named save_weights's path
        raise NotADirectoryError(f"ensure_linear_onnx's directory {directory} is a file: pass a folder (or None for "
                                 "the course's artifacts folder).")
    onnx_path = directory / "linear.onnx"
    model, _ = ensure_trained_linear(directory)
    if onnx_path.exists() and not _holds_weights(onnx_path, model):
        kept = _free_name(onnx_path.with_name("linear.replaced.onnx"))
        onnx_path.rename(kept)
        warnings.warn(f"{onnx_path.name} did not hold the weights in linear_weights.pt (was notebook 01 run again, "
                      f"or another model saved under that name?): it was exported again, and the old file is now "
                      f"{kept.name}.", UserWarning, stacklevel=2)
    if not onnx_path.exists():
        export_model(model, torch.randn(2, 10), onnx_path)
    return onnx_path


def _free_name(path: Path) -> Path:
    """``path``, or ``stem-2.suffix``, ``stem-3.suffix`` ...: the first name no file has."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name.removesuffix(path.suffix)}-{number}{path.suffix}")
    return candidate


def _holds_weights(onnx_path: Path, model: torch.nn.Module) -> bool:
    """Whether every parameter of ``model`` is stored, value for value, in the file's initializers."""
    try:
        graph = onnx.load(str(onnx_path)).graph
    except Exception:  # a truncated or foreign file: export a good one in its place
        return False
    stored = [np.sort(numpy_helper.to_array(tensor), axis=None) for tensor in graph.initializer]
    return all(any(values.shape == parameter.shape and np.array_equal(values, parameter) for values in stored)
               for parameter in (np.sort(p.detach().numpy(), axis=None) for p in model.parameters()))
