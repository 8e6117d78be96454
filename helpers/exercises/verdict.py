"""The verdict on an exercise, shared by every notebook's checks: ``ExerciseResult``, ``check_answer``, pass/fail/hint."""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
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
    """Equality as a student means it: floats within rounding (0.1 + 0.2 is 0.3), arrays element by element."""
    if isinstance(answer, Real) and isinstance(expected, Real) and not isinstance(answer, bool) \
            and not isinstance(expected, bool):
        return math.isclose(answer, expected, rel_tol=1e-9, abs_tol=1e-12)
    if any(isinstance(v, np.ndarray) or hasattr(v, "detach") for v in (answer, expected)):
        a = np.asarray(answer.detach().cpu() if hasattr(answer, "detach") else answer)
        b = np.asarray(expected.detach().cpu() if hasattr(expected, "detach") else expected)
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-7, atol=1e-12, equal_nan=True))
    return bool(answer == expected)


def check_answer(exercise: str, answer: Any, expected: Any, *, hint: str,
                 equal: Callable[[Any, Any], bool] | None = None) -> ExerciseResult:
    """Compare ``answer`` with ``expected``; None or ``...`` means the student has not answered yet.

    Without ``equal``, numbers are equal within floating-point rounding and arrays or tensors element by
    element (same shape); anything else with ``==``.
    """
    if _not_done(answer):
        return ExerciseResult(exercise, None, tr("Replace the placeholder with your answer and run the cell again."))
    try:
        right = equal(answer, expected) if equal else _same(answer, expected)
    except Exception as exc:  # a wrong type of answer
        return ExerciseResult(exercise, False, tr("Could not compare your answer ({error_type}: {error}). {hint}",
                                                       error_type=type(exc).__name__, error=exc, hint=hint))
    return ExerciseResult(exercise, True, tr("Well done.")) if right else ExerciseResult(exercise, False, hint)


class _Wrong(Exception):
    """Raised inside a check: the artifact is wrong; the message says why and what to try next."""


def _judge(exercise: str, answer: Any, check: Callable[[], None], **given: Any) -> ExerciseResult:
    """Run ``check`` on the student's ``answer``; ``given`` are the notebook's own objects the check compares with.

    A missing notebook object (None: its cell did not run) is not the student's fault: the verdict says to run
    the cells above, and the answer is not judged.
    """
    missing = [name for name, value in given.items() if value is None]
    if missing:
        return ExerciseResult(exercise, None, tr("The check needs {names} from the cells above, and it is None: run "
                                                 "the notebook from the top, then this cell again.",
                                                 names=", ".join(missing)))
    if _not_done(answer):
        return ExerciseResult(exercise, None, tr("Replace the placeholder with your answer and run the cell again."))
    try:
        check()
    except _Wrong as wrong:
        return ExerciseResult(exercise, False, str(wrong))
    except Exception as error:  # the student's artifact made something fail: say what, do not crash the cell
        return ExerciseResult(exercise, False, tr("Checking your answer raised {error_type}: {error}",
                                                  error_type=type(error).__name__, error=str(error)[:300]))
    return ExerciseResult(exercise, True, tr("Well done."))


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise _Wrong(message)
