"""The verdict on an exercise, shared by every notebook's checks: ``ExerciseResult``, ``check_answer``, pass/fail/hint."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from numbers import Real
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..i18n import tr

__all__ = ["ExerciseResult", "check_answer"]


@dataclass(frozen=True)
class ExerciseResult:
    """The verdict on one exercise: ``passed`` is True, False, or None (not attempted yet)."""

    exercise: str
    passed: bool | None
    message: str

    def __str__(self) -> str:
        mark = {True: tr("✅ correct"), False: tr("❌ not yet right"), None: tr("⏳ not done yet")}[self.passed]
        return tr("Exercise {exercise}: {mark}. {message}", exercise=self.exercise, mark=mark, message=self.message)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def __bool__(self) -> bool:
        return bool(self.passed)


def _not_done(answer: Any) -> bool:
    return answer is None or answer is Ellipsis


def _same(answer: Any, expected: Any) -> bool:
    """Equality as a student means it: whole numbers exactly, other numbers within float32 rounding (0.1 + 0.2 is
    0.3, and a tensor's ``.item()`` counts), arrays and tensors element by element, lists, tuples and dicts item by item; a
    bool is not a number here (True is not the answer 1)."""
    answer, expected = (bool(v) if isinstance(v, np.bool_) else v for v in (answer, expected))  # pass 16: NumPy's bool
    if isinstance(answer, bool) or isinstance(expected, bool):
        return type(answer) is type(expected) and answer == expected
    if isinstance(answer, (Real, np.number)) and isinstance(expected, (Real, np.number)):
        if isinstance(expected, (int, np.integer)):  # a count: 1,000,001 parameters is not 1,000,000
            return float(answer) == float(expected)
        if math.isnan(float(expected)):  # NaN as the expected answer: a NaN answer is it, as for arrays
            return math.isnan(float(answer))
        return math.isclose(float(answer), float(expected), rel_tol=1e-6, abs_tol=1e-12)
    if any(isinstance(v, np.ndarray) or hasattr(v, "detach") for v in (answer, expected)):
        a = np.asarray(answer.detach().cpu() if hasattr(answer, "detach") else answer)
        b = np.asarray(expected.detach().cpu() if hasattr(expected, "detach") else expected)
        if np.issubdtype(b.dtype, np.integer) or b.dtype == np.bool_:  # ids and counts: exactly
            return a.shape == b.shape and bool(np.array_equal(a, b))
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-12, equal_nan=True))
    if isinstance(answer, (list, tuple)) and isinstance(expected, (list, tuple)):
        return len(answer) == len(expected) and all(_same(a, b) for a, b in zip(answer, expected))
    if isinstance(answer, dict) and isinstance(expected, dict):
        return answer.keys() == expected.keys() and all(_same(answer[k], expected[k]) for k in expected)
    return bool(answer == expected)


def check_answer(exercise: str, answer: Any, expected: Any, *, hint: str,
                 equal: Callable[[Any, Any], bool] | None = None) -> ExerciseResult:
    """Compare ``answer`` with ``expected``; None or ``...`` means the student has not answered yet.

    Without ``equal``, numbers are equal within float32 rounding, arrays or tensors element by element
    (same shape), lists, tuples and dicts item by item; anything else with ``==``.
    """
    if not isinstance(hint, str):
        raise TypeError(f"check_answer needs a hint: the sentence (a str) a student reads when the answer is wrong, "
                        f"got {hint!r}.")
    if _not_done(answer):
        return ExerciseResult(exercise, None, tr("Replace the placeholder with your answer and run the cell again."))
    if expected is None:  # the notebook's value was never computed: not the student's mistake
        return ExerciseResult(exercise, None, tr("The check needs {names} from the cells above, and it is None: run "
                                                 "the notebook from the top, then this cell again.", names="expected"))
    if isinstance(expected, Real) and not isinstance(expected, bool) and math.isnan(float(expected)):
        return ExerciseResult(exercise, None, tr("The check's expected value is NaN: the cell above that computes it "
                                                 "went wrong, so no answer can be judged. Run the notebook from the "
                                                 "top, then this cell again."))
    if isinstance(answer, str) and isinstance(expected, Real) and not isinstance(expected, bool):
        return ExerciseResult(exercise, False, tr("Your answer is the text {answer!r}: answer with a number, without "
                                                  "quotes.", answer=answer))
    try:
        right = equal(answer, expected) if equal else _same(answer, expected)
    except Exception as exc:  # a wrong type of answer
        return ExerciseResult(exercise, False, tr("Could not compare your answer ({error_type}: {error}). {hint}",
                                                       error_type=type(exc).__name__, error=exc, hint=hint))
    if right:
        return ExerciseResult(exercise, True, tr("Well done."))
    one_number = getattr(answer, "shape", None) is not None and int(np.prod(answer.shape)) == 1 and len(answer.shape) > 0
    if one_number and isinstance(expected, Real):  # tensor([3.]) for 3.0: the value may be right, the kind is not
        return ExerciseResult(exercise, False, tr("Your answer is an array of shape {shape}: answer with the number "
                                                  "itself, e.g. x.item(). {hint}", shape=tuple(answer.shape), hint=hint))
    return ExerciseResult(exercise, False, hint)


class _Wrong(Exception):
    """Raised inside a check: the artifact is wrong; the message says why and what to try next."""


# What the notebook's own objects must be, by the name a check gives them (an instructor's slip is not the student's).
def _is_module(value: Any) -> bool:
    return hasattr(value, "parameters") and hasattr(value, "eval") and not isinstance(value, type)


def _is_existing_file(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike)) and not isinstance(value, bool) and Path(value).is_file()


_FILE = ("the path of a file that exists (run the cell that writes it)", _is_existing_file)
_KINDS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "model": ("a torch.nn.Module", _is_module),
    "notebook_model": ("a torch.nn.Module", _is_module),
    "mlp": ("the notebook's torch.nn.Sequential", lambda v: _is_module(v) and type(v).__name__ == "Sequential"),
    "device": ("a helpers.bench.SimulatedGPU", lambda v: hasattr(v, "kernel_ms") and not isinstance(v, type)),
    "data": ("a helpers.RegressionData (its .x and .y tensors)",
             lambda v: hasattr(getattr(v, "x", None), "shape") and hasattr(getattr(v, "y", None), "shape")),
    "test": ("a helpers.ImageData (its .images and .labels)",
             lambda v: hasattr(getattr(v, "images", None), "shape") and hasattr(getattr(v, "labels", None), "shape")),
    "train": ("a helpers.ImageData (its .images and .labels)",
              lambda v: hasattr(getattr(v, "images", None), "shape") and hasattr(getattr(v, "labels", None), "shape")),
    "onnx_path": _FILE, "fp32_path": _FILE, "received_path": _FILE,
    "opset": ("a whole number such as 18", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "median_head": ("helpers.troubleshoot.MedianHead()", lambda v: type(v).__name__ == "MedianHead"),
    "standardize": ("helpers.troubleshoot.Standardize()", lambda v: type(v).__name__ == "Standardize"),
    "language_model": ("the notebook's Hugging Face model (LlamaForCausalLM)",
                       lambda v: _is_module(v) and hasattr(v, "generate") and hasattr(v, "config")),
    "cache_path": _FILE,
    "example": ("an array of inputs (a NumPy array of examples, as the cell above passes)",  # pass 18: ImageData gave a raw tensor(string)
                lambda v: hasattr(v, "shape") and hasattr(v, "dtype") and not isinstance(v, type)),
}


def _judge(exercise: str, answer: Any, check: Callable[[], None], *, fits: Callable[[], Any] | None = None,
           **given: Any) -> ExerciseResult:
    """Run ``check`` on the student's ``answer``; ``given`` are the notebook's own objects the check compares with.

    A missing notebook object (None: its cell did not run) is not the student's fault: the verdict says to run
    the cells above, and the answer is not judged.
    """
    missing = [name for name, value in given.items() if value is None]
    if missing:
        return ExerciseResult(exercise, None, tr("The check needs {names} from the cells above, and it is None: run "
                                                 "the notebook from the top, then this cell again.",
                                                 names=", ".join(missing)))
    for name, value in given.items():
        if name in _KINDS and _KINDS[name] is _FILE and isinstance(value, (str, Path)) and not _is_existing_file(value):
            return ExerciseResult(exercise, None, tr(  # pass 14: "must be the path of a file ..., not a str"
                "The check's {name} names no file ({path}): run the cell that writes it, or pass the notebook's own "
                "{name}, as the cell above was written.", name=name, path=str(value)))
        if name in _KINDS and not _KINDS[name][1](value):
            return ExerciseResult(exercise, None, tr("The check's {name} must be {kind}, not a {type_name}: pass the "
                                                     "notebook's own {name}, as the cell above was written.",
                                                     name=name, kind=tr(_KINDS[name][0]), type_name=type(value).__name__))
    if fits is not None:  # the notebook's objects must work together (a model and its example) before judging
        try:
            fits()
        except Exception as error:  # a shape or dtype mismatch inside PyTorch or onnxruntime
            return ExerciseResult(exercise, None, tr(
                "The check's {names} do not fit together ({error}): pass the notebook's own objects, as the cell "
                "above was written.", names=", ".join(given), error=str(error).strip().splitlines()[0][:160]))
    if _not_done(answer):
        return ExerciseResult(exercise, None, tr("Replace the placeholder with your answer and run the cell again."))
    try:
        check()
    except _Wrong as wrong:
        return ExerciseResult(exercise, False, str(wrong))
    except Exception as error:  # the student's artifact made something fail: say what, do not crash the cell
        return ExerciseResult(exercise, False, tr("Checking your answer raised {error_type}: {error}",
                                                  error_type=type(error).__name__, error=_shortened(str(error))))
    return ExerciseResult(exercise, True, tr("Well done."))


def _shortened(text: str, limit: int = 300) -> str:
    """A long library message with its start and its end (where the reason usually is), not cut mid-way."""
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[:limit // 2 - 2]} … {text[-(limit // 2 - 2):]}"


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise _Wrong(message)
