from __future__ import annotations

import pytest
import torch

import helpers
from helpers import custom_ops, dynamic


@pytest.fixture(scope="module")
def model() -> custom_ops.ScaledSwishNet:
    return custom_ops.ScaledSwishNet(beta=1.5).eval()


def test_the_custom_operator_matches_its_formula() -> None:
    x = torch.randn(5, 3)
    torch.testing.assert_close(torch.ops.course.scaled_swish(x, 2.0), x * torch.sigmoid(2.0 * x))


def test_export_without_translation_fails_with_a_named_operator(model, tmp_path) -> None:
    with pytest.raises(RuntimeError) as info:
        helpers.export_model(model, torch.randn(4, 8), tmp_path / "plain.onnx")
    summary = dynamic.explain_export_error(info.value)
    assert "course.scaled_swish" in " ".join(summary.reasons)


def test_standard_translation_runs_anywhere(model, tmp_path) -> None:
    report = helpers.export_model(model, torch.randn(4, 8), tmp_path / "std.onnx",
                                  custom_translation_table=custom_ops.translation_table("standard"))
    assert helpers.summarize(report.path).operators == {"Gemm": 2, "Mul": 2, "Sigmoid": 1}
    assert report.max_abs_diff < 1e-5 and report.dynamic_batch
    module = helpers.import_to_pytorch(report.path)  # standard operators come back to PyTorch too
    assert module.verification.ok


def test_contrib_node_needs_its_kernel(model, tmp_path) -> None:
    report = helpers.export_model(model, torch.randn(4, 8), tmp_path / "contrib.onnx", verify=False,
                                  custom_translation_table=custom_ops.translation_table("contrib"))
    summary = helpers.summarize(report.path)
    assert summary.operators == {"Gemm": 2, "ScaledSwish": 1} and custom_ops.CONTRIB_DOMAIN in summary.domains
    with pytest.raises(RuntimeError, match="custom_op_libraries") as info:
        helpers.create_session(report.path, device="cpu")
    assert "ScaledSwish" in str(info.value.__cause__)  # onnxruntime's own error is kept as the cause
    with pytest.raises(helpers.UnsupportedOperatorError, match="ScaledSwish"):
        helpers.import_to_pytorch(report.path)
    if not custom_ops.extensions_available():
        pytest.skip("onnxruntime-extensions is not installed")
    session = helpers.create_session(report.path, device="cpu",
                                     custom_op_libraries=[custom_ops.register_scaled_swish_kernel()])
    x = torch.randn(9, 8)
    assert helpers.compare_outputs(model(x), session.run(x)["prediction"]).ok


def test_unknown_translation_kind() -> None:
    with pytest.raises(ValueError, match="standard"):
        custom_ops.translation_table("fast")


def test_registering_the_kernel_twice_keeps_sessions_working(tmp_path) -> None:
    import onnxruntime as ort

    if not custom_ops.extensions_available():
        pytest.skip("onnxruntime-extensions is not installed")
    model = custom_ops.ScaledSwishNet()
    path = helpers.export_model(model, torch.randn(2, 8), tmp_path / "c.onnx", verify=False,
                                custom_translation_table=custom_ops.translation_table("contrib")).path
    for _ in range(2):  # a notebook cell run twice
        options = ort.SessionOptions()
        options.register_custom_ops_library(custom_ops.register_scaled_swish_kernel())
        ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
