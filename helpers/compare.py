"""The course's one answer to "do these outputs match?": a tolerance check that says by how much (notebook 02 on).

Every comparison in ``helpers`` (export parity, converted modules, exercise checks) goes through
``compare_outputs``, with the default tolerances below unless a caller names a reason to differ.
Imports no other helpers module.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Comparison", "compare_outputs", "compare_all", "to_numpy", "DEFAULT_RTOL", "DEFAULT_ATOL"]

# "The same output": float32 results of two runtimes, summed in different orders.
DEFAULT_RTOL, DEFAULT_ATOL = 1e-3, 1e-5


def to_numpy(value: Any) -> np.ndarray:
    """A NumPy array from a tensor (detached, on the CPU), an array or a nested list."""
    if hasattr(value, "detach"):
        value = value.detach().cpu()
        if str(value.dtype) == "torch.bfloat16":  # NumPy has no bfloat16; float32 holds every bfloat16 exactly
            value = value.float()
        return value.numpy()
    if isinstance(value, (str, bytes)):  # np.asarray would make a 0-d text array and compare it as text
        raise TypeError(f"to_numpy takes a tensor, an array or a list of numbers, got text {value[:40]!r}: pass the "
                        "output itself, not its name.")
    if value is None or isinstance(value, dict):  # np.asarray would make a 0-d object array of it
        hint = (f"pick one output by name, e.g. outputs[{next(iter(value))!r}]" if isinstance(value, dict) and value
                else "pass the output itself")
        raise TypeError(f"to_numpy takes a tensor, an array or a list of numbers, got {type(value).__name__}: {hint}.")
    try:
        array = np.asarray(value)
    except ValueError as error:  # rows of different lengths
        raise ValueError(f"to_numpy needs rows of equal length (a rectangular array); got a ragged "
                         f"{type(value).__name__}: {str(error).split('.')[0]}.") from error
    if array.dtype == object:  # a set, a generator, a model, a list of them: wrapped, not converted
        raise TypeError(f"to_numpy takes a tensor, an array or a list of numbers, got {type(value).__name__}: pass "
                        "numbers (e.g. list(values)), or run the model first and pass its output.")
    return array


@dataclass
class Comparison:
    """How closely two arrays agree, judged with ``numpy.allclose`` semantics (NaN matches NaN)."""

    max_abs_diff: float
    max_rel_diff: float
    shapes_match: bool
    rtol: float
    atol: float
    _within: bool = False
    expected_shape: tuple = ()
    actual_shape: tuple = ()
    note: str = ""  # what differs, where shapes say it badly (compare_all: the number of outputs)

    @property
    def ok(self) -> bool:
        """True when shapes match and every element satisfies |a - b| <= atol + rtol * |expected|."""
        return self.shapes_match and self._within

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if self.note:
            return self.note
        if not self.shapes_match:
            return f"shapes differ: expected {self.expected_shape}, got {self.actual_shape}"
        verdict = "match" if self.ok else "DIFFER"
        return f"{verdict}: max |Δ| = {self.max_abs_diff:.1e} (rtol={self.rtol:g}, atol={self.atol:g})"


def _numeric(value: Any, role: str) -> np.ndarray:
    """``value`` as a float64 array, or a TypeError that says what was passed instead."""
    if value is None:
        raise TypeError(f"compare_outputs got None as {role}: pass the array or tensor to compare "
                        "(did a function return nothing?).")
    if isinstance(value, (list, tuple)) and value and all(hasattr(v, "detach") or isinstance(v, np.ndarray)
                                                          for v in value):
        raise TypeError(f"compare_outputs got a {type(value).__name__} of {len(value)} arrays as {role}: compare one "
                        "output at a time, or use compare_all for lists of outputs.")
    if hasattr(value, "dtype") and "bfloat16" in str(value.dtype):  # NumPy has no bfloat16: widen it first
        value = value.float()
    array = to_numpy(value)
    if np.iscomplexobj(array):
        raise TypeError(f"compare_outputs compares real numbers; {role} is complex. Compare the real and imaginary "
                        "parts separately (array.real, array.imag).")
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise TypeError(f"compare_outputs compares numbers; {role} is {type(value).__name__} with dtype "
                        f"{array.dtype}. Pass one output tensor or array (for a dict of outputs, compare each value).")
    return array.astype(np.float64)


def _is_integer(value: Any) -> bool:
    """Whether ``value`` holds integers or booleans (token ids, class ids, counts), read from its dtype only."""
    dtype = getattr(value, "dtype", None)
    if dtype is None or isinstance(value, (list, tuple)):
        return False
    if hasattr(dtype, "is_floating_point"):  # a torch dtype (bfloat16 has no NumPy twin)
        return not (dtype.is_floating_point or dtype.is_complex)
    return np.issubdtype(dtype, np.integer) or dtype == np.bool_


def compare_outputs(expected: Any, actual: Any, *, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL) -> Comparison:
    """Compare ``actual`` with the reference ``expected`` (arrays or tensors) and return a Comparison.

    A comparison that would prove nothing is an error, not a match: ``expected`` with no elements, or with
    no finite element (all NaN or infinite), raises ValueError. Where either side holds integers (or booleans),
    such as token or class ids, the values must be equal: the tolerances apply to two floating-point outputs only
    (ids compared with floats, e.g. logits, match only where the floats are those exact whole numbers).
    """
    for name, tolerance in (("rtol", rtol), ("atol", atol)):
        if isinstance(tolerance, bool) or not isinstance(tolerance, numbers.Real) or not 0 <= tolerance <= 1:
            why = (": a larger tolerance would let any output match." if isinstance(tolerance, numbers.Real)
                   and not isinstance(tolerance, bool) else "; leave it out for the default.")
            raise ValueError(f"{name} must be a number from 0 to 1 (e.g. {name}=1e-5), got {tolerance!r}{why}")
    exact = any(_is_integer(v) for v in (expected, actual))
    a, b = _numeric(expected, "expected"), _numeric(actual, "actual")
    if exact:  # token ids, class ids, counts: 5000 and 5001 are different answers, whatever the tolerance
        rtol = atol = 0.0
    if a.size == 0:
        raise ValueError(f"Nothing to compare: the expected output has no elements (shape {a.shape}). "
                         "Run the model on at least one row.")
    if not np.isfinite(a).any():
        raise ValueError("Nothing to compare: every expected value is NaN or infinite, so any output would "
                         "'match'. Check the model's input and weights first.")
    if a.shape != b.shape:
        return Comparison(float("inf"), float("inf"), False, rtol, atol, False, a.shape, b.shape)
    same = (a == b) | (np.isnan(a) & np.isnan(b))  # equal infinities and NaN pairs match
    with np.errstate(invalid="ignore"):  # inf - inf is NaN: a mismatch, counted as an infinite difference
        gap = np.abs(a - b)
    diff = np.where(same, 0.0, np.where(np.isnan(gap), np.inf, gap))
    rel = diff / np.maximum(np.abs(np.nan_to_num(a)), np.finfo(np.float64).tiny)
    within = bool(np.all(same | (np.isfinite(diff) & (diff <= atol + rtol * np.abs(a)))))
    return Comparison(float(diff.max(initial=0.0)), float(rel.max(initial=0.0)), True, rtol, atol, within, a.shape,
                      b.shape)


def compare_all(expected: list, actual: list, *, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL) -> Comparison:
    """Compare several outputs pairwise; the result holds the worst difference and whether all matched."""
    if not expected:
        raise ValueError("compare_all got no expected outputs: there is nothing to compare.")
    parts = [compare_outputs(e, a, rtol=rtol, atol=atol) for e, a in zip(expected, actual)]
    if len(expected) != len(actual):
        return Comparison(float("inf"), float("inf"), False, rtol, atol, False, (len(expected),), (len(actual),),
                          f"expected {len(expected)} outputs, got {len(actual)}")  # pass 12: read as array shapes
    if not all(p.shapes_match for p in parts):
        bad = next(p for p in parts if not p.shapes_match)
        return Comparison(float("inf"), float("inf"), False, rtol, atol, False, bad.expected_shape, bad.actual_shape)
    return Comparison(max((p.max_abs_diff for p in parts), default=0.0), max((p.max_rel_diff for p in parts), default=0.0),
                      True, rtol, atol, all(p.ok for p in parts))
