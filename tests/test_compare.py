"""helpers.compare: the one output comparison, checked against numpy.allclose."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers import compare


@pytest.mark.parametrize("expected,actual", [
    ([1.0, 2.0], [1.0, 2.0 + 1e-6]),
    ([1.0, 100.0], [1.0, 100.05]),
    ([0.0], [2e-5]),
    ([np.nan, 1.0], [np.nan, 1.0]),
    ([np.inf, 1.0], [np.inf, 1.0]),
    ([np.inf, 1.0], [-np.inf, 1.0]),
    ([np.nan, 1.0], [0.0, 1.0]),
])
def test_compare_outputs_agrees_with_allclose(expected, actual) -> None:
    result = compare.compare_outputs(np.array(expected), np.array(actual))
    assert result.ok == np.allclose(actual, expected, rtol=compare.DEFAULT_RTOL, atol=compare.DEFAULT_ATOL,
                                    equal_nan=True)


def test_tensors_and_shapes() -> None:
    assert compare.compare_outputs(torch.ones(2, requires_grad=True), np.ones(2)).ok
    mismatch = compare.compare_outputs(np.ones((2, 1)), np.ones(2))
    assert not mismatch and str(mismatch) == "shapes differ: expected (2, 1), got (2,)"


def test_compare_all_keeps_the_worst_difference() -> None:
    result = compare.compare_all([np.zeros(2), np.ones(3)], [np.zeros(2), np.ones(3) + 0.5])
    assert not result.ok and result.max_abs_diff == pytest.approx(0.5)
    assert compare.compare_all([np.zeros(2)], [np.zeros(2), np.zeros(2)]).shapes_match is False
    assert compare.compare_all([np.zeros(2)], [np.zeros(2) + 1e-6]).ok


def test_helpers_compare_through_this_module() -> None:
    from helpers import runtime
    from helpers.convert import verification

    assert runtime.compare_outputs is compare.compare_outputs and runtime.DEFAULT_ATOL == compare.DEFAULT_ATOL
    assert verification.compare_all is compare.compare_all


@pytest.mark.parametrize("expected,actual,error,words", [
    (None, None, TypeError, "got None as expected"),
    (np.ones(2), None, TypeError, "got None as actual"),
    (np.array(["a", "b"]), np.ones(2), TypeError, "compares numbers"),
    (np.zeros((0, 3)), np.zeros((0, 3)), ValueError, "no elements"),
    (np.array([np.nan, np.nan]), np.array([np.nan, np.nan]), ValueError, "NaN or infinite"),
    (np.array([np.inf]), np.array([np.inf]), ValueError, "NaN or infinite"),
])
def test_a_comparison_that_proves_nothing_is_an_error_not_a_match(expected, actual, error, words) -> None:
    with pytest.raises(error, match=words):
        compare.compare_outputs(expected, actual)


def test_compare_all_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="nothing to compare"):
        compare.compare_all([], [])


def test_bfloat16_tensors_are_compared_as_floats() -> None:
    a = torch.randn(3).bfloat16()
    assert compare.compare_outputs(a, a).ok and compare.compare_outputs(a, a.float()).rtol > 0
    assert not compare.compare_outputs(torch.tensor([5000, 17]), torch.tensor([5001, 17])).ok  # integers: exactly
    # ids on one side, floats on the other (pass 8: ids [5000, 17] "matched" values [5000.3, 17.0]): exact too
    assert not compare.compare_outputs(np.array([5000, 17]), np.array([5000.3, 17.0], dtype=np.float32)).ok
    assert not compare.compare_outputs(np.array([5000.3, 17.0]), np.array([5000, 17])).ok
    assert compare.compare_outputs(np.array([5000, 17]), np.array([5000.0, 17.0])).ok
