"""Error messages that tell a student what to do next."""

from __future__ import annotations

from pathlib import Path

from .i18n import tr

__all__ = ["missing_file_error", "CREATED_BY"]

# Which notebook (or helper) creates each file the course reads.
CREATED_BY = {
    "linear_weights.pt": ("01_define_and_train.ipynb", "helpers.ensure_trained_linear()"),
    "linear.onnx": ("02_export_to_onnx.ipynb", "helpers.ensure_linear_onnx()"),
}


def missing_file_error(path: str | Path) -> FileNotFoundError:
    """A FileNotFoundError whose message names the notebook (and helper) that creates ``path``."""
    path = Path(path)
    hint = tr("Check the path, or create the file first.")
    if path.name in CREATED_BY:
        notebook, helper = CREATED_BY[path.name]
        hint = tr("Run notebook {notebook} first, or call {helper} to create it here.", notebook=notebook, helper=helper)
    return FileNotFoundError(tr("No file at {path}. {hint}", path=path, hint=hint))
