"""What every course model shares: seeded construction and the loss record of training (notebooks 01 and 06)."""

from __future__ import annotations

import contextlib
import numbers
from dataclasses import dataclass, field
from typing import Iterator

import torch

__all__ = ["seeded", "check_seed", "TrainingHistory", "check_training_arguments", "check_loss", "check_data_dtype"]


def check_seed(seed: object, what: str = "seed") -> int:
    """``seed`` as an int if it is a whole number from 0 to 2**63 - 1 (a NumPy integer counts); "0" or 1.5 is
    refused with a word, not by PyTorch."""
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and 0 <= seed < 2**63:
        return int(seed)
    raise ValueError(f"{what} must be a whole number of at least 0, such as 0 or 42; got {seed!r}.")


def check_data_dtype(model: torch.nn.Module, data: torch.Tensor, what: str) -> None:
    """Refuse floating-point ``data`` of another dtype than the model's weights (float64 from NumPy, most often),
    before PyTorch fails inside a layer with "should be the same"."""
    if isinstance(model, type) and issubclass(model, torch.nn.Module):  # pass 17: "parameters() missing 'self'"
        raise TypeError(f"Got the class {model.__name__}, not a model: create one first, {model.__name__}(), and "
                        "pass that.")
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"The model must be a torch.nn.Module, got a {type(model).__name__}.")
    weights = next((p for p in model.parameters() if p.is_floating_point()), None)
    if weights is not None and data.is_floating_point() and data.dtype != weights.dtype:
        raise TypeError(f"The {what} are {str(data.dtype).removeprefix('torch.')} but the model's weights are "
                        f"{str(weights.dtype).removeprefix('torch.')}: convert the data first, e.g. {what}.float() "
                        "(NumPy makes float64 unless told otherwise).")
    if data.is_floating_point() and not torch.isfinite(data).all():  # before the loss, not blamed on the lr
        row = int((~torch.isfinite(data.reshape(len(data), -1))).any(1).nonzero()[0])
        raise ValueError(f"The {what} hold NaN or infinite values (the first in row {row}): clean or drop those rows "
                         "before training; the model was not touched.")


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """A block in which PyTorch's CPU generator starts from ``seed``; the caller's random state comes back after.

    Model constructors use it so that building a model never reseeds the notebook's own random numbers.
    """
    seed = check_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


@dataclass
class TrainingHistory:
    """The loss after each epoch: mean squared error from ``train_regressor``, cross-entropy from ``train_classifier``."""

    losses: list[float] = field(default_factory=list)

    @property
    def final_loss(self) -> float:
        return self.losses[-1] if self.losses else float("nan")

    def __repr__(self) -> str:
        if not self.losses:
            return "TrainingHistory(no epochs)"
        return f"TrainingHistory(epochs={len(self.losses)}, first_loss={self.losses[0]:.4f}, final_loss={self.final_loss:.4f})"


def check_training_arguments(epochs: int, lr: float, batch_size: int) -> None:
    """Refuse training settings that would silently do nothing or diverge (shared by the training loops)."""
    import math

    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}.")
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}.")
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr (the learning rate) must be a positive number such as 0.01, got {lr!r}.")


def check_loss(loss: float, epoch: int, lr: float, start: float | None = None) -> None:
    """Stop at the first epoch whose loss is NaN or infinite, or over 100 times the untrained model's ``start``:
    every later step would only spread it."""
    import math

    if start is not None and math.isfinite(loss) and 0 < start < loss / 100:  # pass 12: 3e6 -> 8e30 went unsaid
        raise FloatingPointError(f"The loss grew from {start:.3g} before training to {loss:.3g} at epoch {epoch}: "
                                 f"training diverged, the learning rate {lr} is probably too large (try a tenth of it). "
                                 "Make the model again (or reload its weights) before training again.")
    if not math.isfinite(loss):
        raise FloatingPointError(f"The loss became {loss} at epoch {epoch}: the learning rate {lr} is probably too "
                                 "large (try a tenth of it). The model's weights are now broken too: make the model "
                                 "again (or reload its weights) before training again.")

