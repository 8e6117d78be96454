from __future__ import annotations

import numpy as np
import pytest
import torch

import helpers
from helpers import exercises


@pytest.mark.parametrize("placeholder", [None, ...])
def test_placeholder_means_not_done_yet(placeholder) -> None:
    result = exercises.check_parameter_count(placeholder, helpers.make_linear_model())
    assert result.passed is None and "not done yet" in str(result) and not result


@pytest.mark.parametrize("answer,passed", [(11, True), (10, False), ("eleven", False)])
def test_parameter_count(answer, passed: bool) -> None:
    assert exercises.check_parameter_count(answer, helpers.make_linear_model()).passed is passed


def test_most_influential_feature_is_computed_from_the_model() -> None:
    model = helpers.make_linear_model()
    with torch.no_grad():
        model.linear.weight.zero_()
        model.linear.weight[0, 4] = -3.0
    assert exercises.check_most_influential_feature(4, model).passed
    assert not exercises.check_most_influential_feature(9, model).passed


def test_batch_output(linear_model, linear_session) -> None:
    x = torch.randn(7, 10)
    good = linear_session.run(x)["prediction"]
    assert exercises.check_batch_output(good, linear_model, x).passed
    assert not exercises.check_batch_output(good[:6], linear_model, x).passed
    assert not exercises.check_batch_output(good + 1, linear_model, x).passed


def test_opset_and_operator_counts(linear_onnx) -> None:
    assert exercises.check_blog_opset(18, linear_onnx).passed
    assert not exercises.check_blog_opset(20, linear_onnx).passed
    assert exercises.check_operator_count(1, linear_onnx, "Gemm", "x").passed
    assert exercises.check_operator_count(0, linear_onnx, "Relu", "x").passed
    assert exercises.check_initializer_parameters(11, linear_onnx, "x").passed


def test_tolerant_checks() -> None:
    assert exercises.check_speedup(2.04, 10.0, 5.0, "x").passed
    assert not exercises.check_speedup(2.5, 10.0, 5.0, "x").passed
    assert exercises.check_fastest_backend("ort", {"eager": 3.0, "ort": 1.0}, "x").passed


def test_a_wrong_type_is_reported_not_raised() -> None:
    result = exercises.check_batch_output(object(), helpers.make_linear_model(), torch.randn(2, 10))
    assert result.passed is False
    result = exercises.check_speedup("fast", 1.0, 1.0, "x")
    assert result.passed is False and "Could not compare" in result.message
