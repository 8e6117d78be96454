"""Dynamic PyTorch, static ONNX: control flow, dynamic shapes, and the export errors they cause (notebook 07)."""

from __future__ import annotations

import contextlib
import io
import logging
import numbers
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import torch
from torch import nn

from .errors import output_file
from .onnx_file import is_plain_export
from .training import seeded

__all__ = [
    "SignGate",
    "SignGateCond",
    "RepeatedScale",
    "LargeBatchSmoothing",
    "PairSum",
    "MaskedPooling",
    "ExportErrorSummary",
    "explain_export_error",
    "check_exportable",
    "export_with_legacy_tracer",
]


class SignGate(nn.Module):
    """A Python ``if`` on the data: doubles inputs whose sum is positive, negates the others."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.sum() > 0:
            return x * 2
        return -x


class SignGateCond(nn.Module):
    """``SignGate`` written with ``torch.cond``, so both branches are captured in the graph."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cond(x.sum() > 0, lambda t: t * 2, lambda t: -t, (x,))


class RepeatedScale(nn.Module):
    """A Python loop with a fixed count: ``steps`` times ``x = x * 1.5``."""

    def __init__(self, steps: int = 3) -> None:
        super().__init__()
        if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
            raise ValueError(f"steps is how many times the loop runs: a whole number, 0 or more, got {steps!r}.")
        self.steps = steps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for _ in range(self.steps):
            x = x * 1.5
        return x


class LargeBatchSmoothing(nn.Module):
    """A branch on the batch size: batches larger than 8 are replaced by their mean row."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[0] > 8:
            return x.mean(0, keepdim=True).expand_as(x)
        return x


class PairSum(nn.Module):
    """Adds rows in pairs, so the batch size must be even."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(-1, 2, x.shape[1]).sum(1)


class MaskedPooling(nn.Module):
    """Two inputs, two outputs: ``tokens`` (batch, seq, 8) and a 0/1 ``mask`` (batch, seq) in, a dict out.

    The mean of the projected tokens over the unmasked positions (``pooled``) and a 3-class head on it
    (``logits``), as written out in notebook 07.
    """

    def __init__(self, seed: int = 0) -> None:
        super().__init__()
        with seeded(seed):  # seeded weights, without touching the caller's random state
            self.proj, self.head = nn.Linear(8, 4), nn.Linear(4, 3)

    def forward(self, tokens: torch.Tensor, mask: torch.Tensor) -> dict[str, torch.Tensor]:
        if tokens.dim() != 3 or mask.dim() != 2 or tokens.shape[-1] != 8:  # static: adds nothing to an export
            raise ValueError(f"MaskedPooling takes tokens of shape (batch, seq, 8) and a mask of shape (batch, seq); "
                             f"got tokens {tuple(tokens.shape)} and mask {tuple(mask.shape)}.")
        torch._check(mask.shape[0] == tokens.shape[0], lambda: "the mask and the tokens must have the same batch")
        torch._check(mask.shape[1] == tokens.shape[1], lambda: "the mask needs one 0/1 value per token (batch, seq)")
        hidden = self.proj(tokens) * mask.unsqueeze(-1)
        pooled = hidden.sum(1) / mask.sum(1, keepdim=True).clamp(min=1)
        return {"logits": self.head(pooled), "pooled": pooled}


@dataclass
class ExportErrorSummary:
    """The parts of a long torch.export error message a student needs."""

    kind: str
    reasons: list[str]
    suggested_fixes: list[str] = field(default_factory=list)
    code: str | None = None

    def __str__(self) -> str:
        lines = [f"error:  {self.kind}"] + [f"reason: {r}" for r in self.reasons]
        if self.code:
            lines.append(f"code:   {self.code}")
        lines += [f"fix:    {f}" for f in self.suggested_fixes]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def explain_export_error(error: BaseException) -> ExportErrorSummary:
    """Pull the error type, reasons, suggested fixes and the offending line of code out of an export error."""
    if not isinstance(error, BaseException):
        raise TypeError(f"explain_export_error takes the exception an export raised (`except Exception as error:`), "
                        f"not a {type(error).__name__}.")
    chain, seen = [], error
    while seen is not None and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    text = _strip_ansi("\n".join(str(e) for e in chain))
    kind = type(chain[-1]).__name__
    reasons: list[str] = []
    summary = re.search(r"## Exception summary\s*\n\s*<class '([\w.]+)'>: (.+)", text)
    if summary:
        kind = summary.group(1).rsplit(".", 1)[-1]
        reasons.append(summary.group(2).strip())
    violated = re.search(r"Constraints violated \((\w+)\)!", text)
    if violated:
        kind = f"constraint violated for dimension {violated.group(1)!r}"
        reasons += [line.strip()[2:] for line in text.splitlines() if line.strip().startswith("- ")]
    fixes: list[str] = []
    block = re.search(r"Suggested fixes:\n((?:  .+\n?)+)", text)
    if block:
        fixes = [line.strip() for line in block.group(1).splitlines() if line.strip()]
    code = re.search(r"The following call raised this error:\n\s*File .+\n\s*(.+)", text)
    if not reasons:
        first = next((line.strip() for line in text.splitlines() if line.strip()), type(error).__name__)
        reasons.append(first)
    reasons = list(dict.fromkeys(reasons))[:3]  # the error chain repeats itself
    return ExportErrorSummary(kind, reasons, list(dict.fromkeys(fixes)), code.group(1).strip() if code else None)


def check_exportable(model: nn.Module, example_inputs: Sequence[torch.Tensor],
                     dynamic_shapes: Sequence[dict] | None = None) -> ExportErrorSummary | None:
    """Run bare ``torch.export.export`` (non-strict); None if it succeeds, else the explained error.

    ``torch.onnx.export`` builds on it but is more lenient in places (it keeps a size-1 dimension symbolic and
    applies suggested constraints by itself, notebooks 02 and 07), so this checks what ``torch.export`` accepts.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"check_exportable needs a model instance (a torch.nn.Module), got {model!r}: call the class, "
                        "e.g. dynamic.SignGate(), and pass the model first, then its example inputs.")
    if isinstance(example_inputs, torch.Tensor):  # one tensor for a one-input model, as export_model takes it
        example_inputs = (example_inputs,)
    if not isinstance(example_inputs, (tuple, list)) or not all(isinstance(t, torch.Tensor) for t in example_inputs):
        raise TypeError("check_exportable's example_inputs are tensors, one per input of the model (or one tensor).")
    try:
        with torch.no_grad():
            model.eval()(*example_inputs)
    except Exception as error:  # the example does not fit the model: no export question yet
        raise ValueError(f"{type(model).__name__} does not run on these example inputs in PyTorch "
                         f"({str(error).splitlines()[0]}): give inputs the model takes, then check the export.") from error
    try:
        with _quiet_torch_logs():
            torch.export.export(model.eval(), tuple(example_inputs), dynamic_shapes=dynamic_shapes, strict=False)
    except Exception as error:  # torch.export raises many types; all of them are explained the same way
        return explain_export_error(error)
    return None


@contextlib.contextmanager
def _quiet_torch_logs():
    """torch.export logs graphs (with file paths) and timestamped warnings while it fails; keep them out."""
    loggers = [logging.getLogger(name) for name in ("torch", "torch.fx", "torch._dynamo", "torch.export")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def export_with_legacy_tracer(model: nn.Module, example_input: torch.Tensor, onnx_path: str | Path, *,
                              input_name: str = "x", output_name: str = "y") -> list[str]:
    """Export with the deprecated TorchScript tracer (``dynamo=False``), as older tutorials do.

    Returns the first line of every warning it raised. The tracer records only the operations run on
    ``example_input``: Python control flow is frozen into the graph. Kept to show that failure mode.
    """
    if not isinstance(model, nn.Module) or not isinstance(example_input, torch.Tensor):
        raise TypeError(f"export_with_legacy_tracer takes a torch.nn.Module and one example tensor, got a "
                        f"{type(model).__name__} and a {type(example_input).__name__}.")
    names = {"input_name": input_name, "output_name": output_name}
    odd = {key: value for key, value in names.items() if not isinstance(value, str) or not value.strip()}
    if odd or input_name == output_name:
        raise ValueError(f"input_name and output_name are two different names (str), e.g. 'x' and 'y'; got {names}.")
    onnx_path = output_file(onnx_path, "export_with_legacy_tracer's onnx_path", (".onnx",),
                            replaceable=is_plain_export)  # its own earlier export, never a quantized or foreign model
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("always")
        try:
            torch.onnx.export(model.eval(), (example_input,), str(onnx_path), dynamo=False,
                              input_names=[input_name], output_names=[output_name],
                              dynamic_axes={input_name: {0: "batch"}, output_name: {0: "batch"}})
        except TypeError as error:  # a future PyTorch without the legacy exporter
            raise RuntimeError(f"This PyTorch ({torch.__version__}) no longer has the legacy TorchScript "
                               "exporter; the point it made stands: tracing freezes control flow.") from error
    return list(dict.fromkeys(str(w.message).strip().splitlines()[0] for w in caught))
