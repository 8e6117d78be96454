"""What every course model shares: seeded construction and the loss record of training (notebooks 01 and 06)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Iterator

import torch

__all__ = ["seeded", "TrainingHistory"]


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """A block in which PyTorch's CPU generator starts from ``seed``; the caller's random state comes back after.

    Model constructors use it so that building a model never reseeds the notebook's own random numbers.
    """
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
