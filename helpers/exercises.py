"""Self-checking exercises: each ``check_*`` compares a student's answer with a value it computes itself."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

__all__ = [
    "ExerciseResult",
    "check_answer",
    "check_parameter_count",
    "check_most_influential_feature",
    "check_batch_output",
    "check_blog_opset",
    "check_operator_count",
    "check_initializer_parameters",
    "check_frozen_parameters",
    "check_speedup",
    "check_fastest_backend",
    "check_quantized_size_ratio",
    "check_branch_outputs",
    "check_custom_op_output",
]


@dataclass(frozen=True)
class ExerciseResult:
    """The verdict on one exercise: ``passed`` is True, False, or None (not attempted yet)."""

    exercise: str
    passed: bool | None
    message: str

    def __str__(self) -> str:
        mark = {True: "✅ correct", False: "❌ not yet right", None: "⏳ not done yet"}[self.passed]
        return f"Exercise {self.exercise}: {mark}. {self.message}"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def __bool__(self) -> bool:
        return bool(self.passed)


def _not_done(answer: Any) -> bool:
    return answer is None or answer is Ellipsis


def check_answer(exercise: str, answer: Any, expected: Any, *, hint: str,
                 equal: Callable[[Any, Any], bool] | None = None) -> ExerciseResult:
    """Compare ``answer`` with ``expected``; None or ``...`` means the student has not answered yet."""
    if _not_done(answer):
        return ExerciseResult(exercise, None, "Replace the placeholder with your answer and run the cell again.")
    try:
        right = equal(answer, expected) if equal else bool(answer == expected)
    except Exception as exc:  # a wrong type of answer
        return ExerciseResult(exercise, False, f"Could not compare your answer ({type(exc).__name__}: {exc}). {hint}")
    return ExerciseResult(exercise, True, "Well done.") if right else ExerciseResult(exercise, False, hint)


def check_parameter_count(answer: Any, model: nn.Module, exercise: str = "01.1") -> ExerciseResult:
    """Exercise: how many trainable numbers does ``model`` hold?"""
    expected = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return check_answer(exercise, answer, expected,
                        hint="Count the weight matrix (out x in) and the bias (out) of every layer.")


def check_most_influential_feature(answer: Any, model: nn.Module, exercise: str = "01.2") -> ExerciseResult:
    """Exercise: which input feature has the largest absolute learned weight in the Linear model?"""
    weight = next(m for m in model.modules() if isinstance(m, nn.Linear)).weight.detach().abs().flatten()
    return check_answer(exercise, answer, int(weight.argmax()),
                        hint="Look at model.linear.weight: which column has the largest absolute value?")


def check_batch_output(answer: Any, model: nn.Module, inputs: torch.Tensor, exercise: str = "02.1") -> ExerciseResult:
    """Exercise: run ``inputs`` through the ONNX model; the answer is onnxruntime's output array."""
    with torch.no_grad():
        expected = model.eval()(inputs).numpy()

    def same(a: Any, b: np.ndarray) -> bool:
        a = np.asarray(a)
        return a.shape == b.shape and np.allclose(a, b, rtol=1e-3, atol=1e-5)

    return check_answer(exercise, answer, expected, equal=same,
                        hint=f"Expected an array of shape {expected.shape} equal to PyTorch's output on the same rows.")


def check_blog_opset(answer: Any, onnx_path: str | Path, exercise: str = "02.2") -> ExerciseResult:
    """Exercise: which ONNX opset did the blog's plain ``torch.onnx.export`` call write?"""
    from .export import load_onnx

    opset = next(o.version for o in load_onnx(onnx_path, check=False).opset_import if o.domain in ("", "ai.onnx"))
    return check_answer(exercise, answer, opset, hint="Load the file with onnx.load and read model.opset_import.")


def check_operator_count(answer: Any, onnx_path: str | Path, op_type: str, exercise: str) -> ExerciseResult:
    """Exercise: how many nodes of type ``op_type`` does the graph hold?"""
    from .export import load_onnx

    expected = sum(node.op_type == op_type for node in load_onnx(onnx_path, check=False).graph.node)
    return check_answer(exercise, answer, expected,
                        hint=f"Count the {op_type} nodes: summarize(...).operators lists every operator type.")


def check_initializer_parameters(answer: Any, onnx_path: str | Path, exercise: str) -> ExerciseResult:
    """Exercise: how many numbers are stored in the graph's initializers (its weights)?"""
    from .export import load_onnx

    model = load_onnx(onnx_path, check=False)
    expected = int(sum(np.prod(init.dims, dtype=np.int64) for init in model.graph.initializer))
    return check_answer(exercise, answer, expected, hint="Multiply out the dims of every initializer and add them up.")


def check_frozen_parameters(answer: Any, model: nn.Module, exercise: str) -> ExerciseResult:
    """Exercise: how many parameters are frozen (``requires_grad=False``) in ``model``?"""
    expected = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    return check_answer(exercise, answer, expected, hint="Sum p.numel() over parameters whose requires_grad is False.")


def check_speedup(answer: Any, baseline_ms: float, candidate_ms: float, exercise: str) -> ExerciseResult:
    """Exercise: the speed-up of ``candidate`` over ``baseline`` (their median latencies), to 5 %."""
    expected = baseline_ms / candidate_ms
    return check_answer(exercise, answer, expected, equal=lambda a, b: abs(float(a) - b) <= 0.05 * b,
                        hint="Speed-up = baseline median / candidate median.")


def check_fastest_backend(answer: Any, medians: dict[str, float], exercise: str) -> ExerciseResult:
    """Exercise: which backend has the smallest median latency?"""
    expected = min(medians, key=medians.get)
    return check_answer(exercise, answer, expected, hint=f"Compare the medians of: {', '.join(medians)}.")


def check_quantized_size_ratio(answer: Any, fp32_path: str | Path, int8_path: str | Path,
                               exercise: str) -> ExerciseResult:
    """Exercise: how many times smaller is the int8 file than the fp32 file (to 5 %)?"""
    expected = Path(fp32_path).stat().st_size / Path(int8_path).stat().st_size
    return check_answer(exercise, answer, expected, equal=lambda a, b: abs(float(a) - b) <= 0.05 * b,
                        hint="Divide the two file sizes (Path.stat().st_size).")


def check_branch_outputs(answer: Any, model: nn.Module, inputs: torch.Tensor, exercise: str) -> ExerciseResult:
    """Exercise: the output of ``model`` on ``inputs``, e.g. computed by onnxruntime from a fixed export."""
    with torch.no_grad():
        expected = model(inputs).numpy()
    return check_answer(exercise, answer, expected,
                        equal=lambda a, b: np.asarray(a).shape == b.shape and np.allclose(a, b, rtol=1e-3, atol=1e-5),
                        hint="Both branches must match PyTorch; did the export keep only one branch?")


def check_custom_op_output(answer: Any, model: nn.Module, inputs: torch.Tensor, exercise: str) -> ExerciseResult:
    """Exercise: onnxruntime's output of the exported custom-operator model on ``inputs``."""
    return check_branch_outputs(answer, model, inputs, exercise)
