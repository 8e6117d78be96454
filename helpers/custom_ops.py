"""A custom PyTorch operator, and two ways to export it: standard ONNX ops, or a custom-domain node (notebook 08).

``course::scaled_swish`` computes ``x * sigmoid(beta * x)``. The exporter cannot translate it on
its own. ``translation_table("standard")`` writes it with standard ONNX operators (runs anywhere);
``translation_table("contrib")`` writes one ``ai.onnx.contrib::ScaledSwish`` node, which onnxruntime
runs once ``register_scaled_swish_kernel()`` has registered a kernel through onnxruntime-extensions.
"""

from __future__ import annotations

import math
import numbers
from typing import Callable

import numpy as np
import onnx
import onnxscript
import torch
from onnxscript import opset18 as op
from torch import nn

from .training import seeded

__all__ = [
    "scaled_swish",
    "ScaledSwishNet",
    "CONTRIB_DOMAIN",
    "translation_table",
    "register_scaled_swish_kernel",
    "extensions_available",
]

CONTRIB_DOMAIN = "ai.onnx.contrib"  # the domain onnxruntime-extensions serves


@torch.library.custom_op("course::scaled_swish", mutates_args=())
def scaled_swish(x: torch.Tensor, beta: float) -> torch.Tensor:
    """``x * sigmoid(beta * x)``, registered as the custom operator ``torch.ops.course.scaled_swish``."""
    return x * torch.sigmoid(beta * x)


@scaled_swish.register_fake
def _scaled_swish_shape(x: torch.Tensor, beta: float) -> torch.Tensor:
    return torch.empty_like(x)  # what torch.export needs to trace shapes without running the kernel


class ScaledSwishNet(nn.Module):
    """Linear -> custom scaled swish -> Linear: a small model that uses the custom operator."""

    def __init__(self, in_features: int = 8, hidden: int = 16, out_features: int = 2, beta: float = 1.5,
                 seed: int = 0) -> None:
        super().__init__()
        sizes = {"in_features": in_features, "hidden": hidden, "out_features": out_features}
        if any(isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1 for v in sizes.values()):
            raise ValueError(f"ScaledSwishNet's sizes are whole numbers of at least 1, got {sizes}.")
        if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or not math.isfinite(beta):
            raise ValueError(f"beta is a number (the swish's slope, e.g. 1.5), got {beta!r}.")
        with seeded(seed):  # seed the layers without reseeding the caller's generator
            self.first, self.last = nn.Linear(in_features, hidden), nn.Linear(hidden, out_features)
        self.beta = float(beta)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.last(scaled_swish(self.first(x), self.beta))


def _standard(x, beta: float):
    """The same computation with standard ONNX operators (Mul, Sigmoid)."""
    return op.Mul(x, op.Sigmoid(op.Mul(x, beta)))


_S = onnx.defs.OpSchema
_SCHEMA = _S("ScaledSwish", CONTRIB_DOMAIN, 1, doc="x * sigmoid(beta * x)",
             inputs=[_S.FormalParameter("X", "T")], outputs=[_S.FormalParameter("Y", "T")],
             type_constraints=[("T", ["tensor(float)"], "float tensors")],
             attributes=[_S.Attribute("beta", _S.AttrType.FLOAT, "slope of the gate")])
_SCALED_SWISH_NODE = onnxscript.values.Op(onnxscript.values.Opset(CONTRIB_DOMAIN, 1), "ScaledSwish", _SCHEMA)


def _contrib(x, beta: float):
    """One custom-domain node; its schema tells the exporter its inputs, outputs and attribute."""
    return _SCALED_SWISH_NODE(x, beta=beta)


def translation_table(kind: str = "standard") -> dict[Callable, Callable]:
    """The ``custom_translation_table`` for ``torch.onnx.export``: ``'standard'`` or ``'contrib'`` ops."""
    functions = {"standard": _standard, "contrib": _contrib}
    if kind not in functions:
        raise ValueError(f"kind must be 'standard' or 'contrib', not {kind!r}.")
    return {torch.ops.course.scaled_swish.default: functions[kind]}


def extensions_available() -> bool:
    """True when onnxruntime-extensions is installed (needed to run custom-domain nodes)."""
    import importlib.util

    return importlib.util.find_spec("onnxruntime_extensions") is not None


_KERNEL_LIBRARY: str | None = None


def register_scaled_swish_kernel() -> str:
    """Register a Python kernel for ``ai.onnx.contrib::ScaledSwish`` with onnxruntime-extensions, once.

    Returns the path of the extensions library to pass to ``create_session(custom_op_libraries=[...])``.
    Calling it again returns the same path: a second registration of the same operator type would make
    onnxruntime refuse every later session ("Conflicting with a registered kernel").
    """
    global _KERNEL_LIBRARY
    if _KERNEL_LIBRARY is not None:
        return _KERNEL_LIBRARY
    if not extensions_available():
        raise ImportError("Running custom-domain nodes needs onnxruntime-extensions: pip install onnxruntime-extensions")
    from onnxruntime_extensions import PyOp, get_library_path, onnx_op

    @onnx_op(op_type="ScaledSwish", inputs=[PyOp.dt_float], outputs=[PyOp.dt_float], attrs={"beta": PyOp.dt_float})
    def _kernel(x: np.ndarray, **attributes) -> np.ndarray:
        beta = float(attributes["beta"])
        return (x / (1.0 + np.exp(-beta * x))).astype(np.float32)

    _KERNEL_LIBRARY = get_library_path()
    return _KERNEL_LIBRARY
