"""The verdict on an exercise, shared by every notebook's checks: ``ExerciseResult``, ``check_answer``, pass/fail/hint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

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


def check_answer(exercise: str, answer: Any, expected: Any, *, hint: str,
                 equal: Callable[[Any, Any], bool] | None = None) -> ExerciseResult:
    """Compare ``answer`` with ``expected``; None or ``...`` means the student has not answered yet."""
    if _not_done(answer):
        return ExerciseResult(exercise, None, tr("Replace the placeholder with your answer and run the cell again."))
    try:
        right = equal(answer, expected) if equal else bool(answer == expected)
    except Exception as exc:  # a wrong type of answer
        return ExerciseResult(exercise, False, tr("Could not compare your answer ({error_type}: {error}). {hint}",
                                                       error_type=type(exc).__name__, error=exc, hint=hint))
    return ExerciseResult(exercise, True, tr("Well done.")) if right else ExerciseResult(exercise, False, hint)


class _Wrong(Exception):
    """Raised inside a check: the artifact is wrong; the message says why and what to try next."""


def _judge(exercise: str, answer: Any, check: Callable[[], None]) -> ExerciseResult:
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
