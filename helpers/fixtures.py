"""Course fixtures: the files a notebook needs from an earlier one, created here when missing (notebooks 02–06).

Each notebook runs on its own: where notebook 01 or 02 has not run in this folder, these functions
train or export what it would have written, with the same seed, so the result is the same file.
"""

from __future__ import annotations

from pathlib import Path

import torch

from .environment import artifacts_dir
from .export import export_model
from .models import (LinearRegressor, load_weights, make_linear_model, make_regression_data, save_weights,
                     train_regressor)

__all__ = ["ensure_trained_linear", "ensure_linear_onnx"]


def ensure_trained_linear(directory: str | Path | None = None, seed: int = 0) -> tuple[LinearRegressor, Path]:
    """The trained course model and its weights file, creating both if notebook 01 has not run here."""
    path = Path(directory or artifacts_dir()) / "linear_weights.pt"
    model = make_linear_model(seed)
    if path.exists():
        return load_weights(model, path), path
    train_regressor(model, make_regression_data(seed=seed), seed=seed)
    save_weights(model, path)
    return model.eval(), path


def ensure_linear_onnx(directory: str | Path | None = None) -> Path:
    """The course's exported Linear model (``linear.onnx``), exporting it if notebook 02 has not run here."""
    directory = Path(directory or artifacts_dir())
    onnx_path = directory / "linear.onnx"
    if not onnx_path.exists():
        model, _ = ensure_trained_linear(directory)
        export_model(model, torch.randn(2, 10), onnx_path)
    return onnx_path
