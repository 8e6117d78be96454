"""Models that break in the ways notebook 09 teaches to diagnose: a median the exporter cannot translate, a
hand-written normalisation that overflows in float16.

The notebook defines its other broken models in its own cells; these two are here because the exercises'
checks compare a student's file with them.
"""

from __future__ import annotations

import contextlib
import numbers
from collections.abc import Iterator

import torch
from torch import nn

from .dynamic import _quiet_torch_logs

__all__ = ["MedianHead", "Standardize", "quiet_export_logs"]


class MedianHead(nn.Module):
    """Three scores from the median of each row's 8 features: a few wild values barely move it.

    ``torch.median`` returns the lower of the two middle values for an even count, and the exporter of
    torch 2.14 has no ONNX translation for it (``aten.median.dim``): exercise 09.1.
    """

    def __init__(self, features: int = 8, seed: int = 0) -> None:
        super().__init__()
        if not isinstance(features, numbers.Integral) or isinstance(features, bool) or features < 1:
            raise ValueError(f"features must be a positive whole number, not {features!r}.")
        if not isinstance(seed, numbers.Integral) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"seed must be a whole number, 0 or more, not {seed!r}.")
        self.features = features = int(features)
        generator = torch.Generator().manual_seed(int(seed))
        self.head = nn.Linear(1, 3)
        with torch.no_grad():
            self.head.weight.copy_(torch.randn(3, 1, generator=generator))
            self.head.bias.copy_(torch.randn(3, generator=generator))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(x.median(dim=-1, keepdim=True).values)


class Standardize(nn.Module):
    """Each row minus its mean, divided by its standard deviation, written out by hand.

    In float16 the squared deviations of values around 300 exceed 65 504 (float16's largest number): PyTorch's
    half-precision result is then wrong. Notebook 09 finds the node; ``compute_in_float32=True`` is the fix.
    """

    def __init__(self, compute_in_float32: bool = False, eps: float = 1e-5) -> None:
        super().__init__()
        if not isinstance(compute_in_float32, bool):
            raise TypeError(f"compute_in_float32 is True or False, got {compute_in_float32!r}.")
        if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not 0 < eps < float("inf"):
            raise ValueError(f"eps must be a small positive number, such as 1e-5 (it keeps the square root away from 0), got {eps!r}.")
        self.compute_in_float32, self.eps = compute_in_float32, float(eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        values = x.float() if self.compute_in_float32 else x
        mean = values.mean(-1, keepdim=True)
        var = ((values - mean) ** 2).mean(-1, keepdim=True)
        return ((values - mean) / torch.sqrt(var + self.eps)).to(x.dtype)


@contextlib.contextmanager
def quiet_export_logs() -> Iterator[None]:
    """Keep the graphs and timestamped warnings a failing export prints out of a cell's output.

    The exception and the ``report=True`` file still hold everything; nothing is hidden from them.
    """
    with _quiet_torch_logs():
        yield
