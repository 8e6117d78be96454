"""The checks of notebook 09's exercises: each accepts the real fix and rejects each half-fix with its own hint."""

from __future__ import annotations

import warnings

import onnx
import pytest
import torch
from onnx import version_converter
from torch.export import Dim

from helpers import exercises, troubleshoot


def _export(module: torch.nn.Module, path, width: int, dynamic: bool = True):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module.eval(), (torch.randn(4, width),), path, input_names=["x"], verbose=False,
                          dynamic_shapes=({0: Dim("batch")},) if dynamic else None, external_data=False)
    return path


class _Middle(torch.nn.Module):
    """MedianHead's head on one column of the sorted row: index 3 is torch.median's lower middle of 8."""

    def __init__(self, original: troubleshoot.MedianHead, index: int = 3, mean: bool = False) -> None:
        super().__init__()
        self.original, self.index, self.mean = original, index, mean

    def forward(self, x):
        picked = x.mean(-1, keepdim=True) if self.mean else x.sort(-1).values[:, self.index:self.index + 1]
        return self.original.head(picked)


@pytest.fixture(scope="module")
def median_head() -> troubleshoot.MedianHead:
    return troubleshoot.MedianHead().eval()


def test_median_head_is_refused_by_the_exporter_as_notebook_09_says(tmp_path, median_head) -> None:
    with pytest.raises(Exception, match="No ONNX function found"), troubleshoot.quiet_export_logs():
        _export(median_head, tmp_path / "plain.onnx", 8)


def test_median_check_accepts_a_rewrite_with_sort(tmp_path, median_head) -> None:
    result = exercises.check_median_export(_export(_Middle(median_head), tmp_path / "m.onnx", 8), median_head)
    assert result.passed, result.message


@pytest.mark.parametrize("shortcut, hint", [
    (dict(dynamic=False), "batch is fixed to 4"),
    (dict(mean=True), "mean, not its median"),
    (dict(index=4), "upper middle value"),
])
def test_median_check_rejects_each_half_fix(tmp_path, median_head, shortcut, hint) -> None:
    dynamic = shortcut.pop("dynamic", True)
    path = _export(_Middle(median_head, **shortcut), tmp_path / "m.onnx", 8, dynamic=dynamic)
    result = exercises.check_median_export(path, median_head)
    assert result.passed is False and hint in result.message, result.message


def test_median_check_rejects_another_models_weights_and_another_width(tmp_path, median_head) -> None:
    other = _export(_Middle(troubleshoot.MedianHead(seed=3)), tmp_path / "other.onnx", 8)
    assert "differ from PyTorch's" in exercises.check_median_export(other, median_head).message
    wide = _export(_Middle(troubleshoot.MedianHead(features=9), index=4), tmp_path / "wide.onnx", 9)
    assert "not (batch, 8)" in exercises.check_median_export(wide, median_head).message


@pytest.fixture(scope="module")
def standardize_file(tmp_path_factory):
    return _export(troubleshoot.Standardize(), tmp_path_factory.mktemp("std") / "standardize.onnx", 16)


def _converted(source, target: int = 15, ir: int | None = 8, drop_noop: bool = True) -> onnx.ModelProto:
    model = version_converter.convert_version(onnx.load(source), target)
    for node in model.graph.node:
        for attribute in [a for a in node.attribute if drop_noop and a.name == "noop_with_empty_axes"]:
            node.attribute.remove(attribute)
    if ir is not None:
        model.ir_version = ir
    return model


def test_old_runtime_check_accepts_a_converted_checked_file(tmp_path, standardize_file) -> None:
    onnx.save(_converted(standardize_file), tmp_path / "ok.onnx")
    result = exercises.check_old_runtime_file(tmp_path / "ok.onnx", troubleshoot.Standardize())
    assert result.passed, result.message


def test_old_runtime_check_rejects_each_half_fix(tmp_path, standardize_file) -> None:
    model = troubleshoot.Standardize()
    assert "convert it with onnx.version_converter" in exercises.check_old_runtime_file(standardize_file, model).message
    onnx.save(_converted(standardize_file, ir=None), tmp_path / "ir.onnx")
    assert "set model.ir_version = 8" in exercises.check_old_runtime_file(tmp_path / "ir.onnx", model).message
    onnx.save(_converted(standardize_file, drop_noop=False), tmp_path / "noop.onnx")
    message = exercises.check_old_runtime_file(tmp_path / "noop.onnx", model).message
    assert "noop_with_empty_axes" in message and "remove attributes" in message
    assert "18 or newer" not in message, message  # pass 23: advice against the exercise
    edited = onnx.load(standardize_file)
    for entry in edited.opset_import:
        entry.version = 15 if entry.domain in ("", "ai.onnx") else entry.version
    edited.ir_version = 8
    onnx.save(edited, tmp_path / "edited.onnx")
    assert "Editing opset_import by hand" in exercises.check_old_runtime_file(tmp_path / "edited.onnx", model).message


def test_old_runtime_check_rejects_a_fixed_batch_and_another_model(tmp_path) -> None:
    model = troubleshoot.Standardize()
    fixed = _export(troubleshoot.Standardize(), tmp_path / "fixed.onnx", 16, dynamic=False)
    onnx.save(_converted(fixed), tmp_path / "fixed15.onnx")
    assert "batch is fixed to 4" in exercises.check_old_runtime_file(tmp_path / "fixed15.onnx", model).message
    other = _export(troubleshoot.Standardize(eps=100.0), tmp_path / "other.onnx", 16)
    onnx.save(_converted(other), tmp_path / "other15.onnx")
    assert "computes something else" in exercises.check_old_runtime_file(tmp_path / "other15.onnx", model).message


def test_standardize_overflows_in_float16_and_the_float32_fix_does_not() -> None:
    rows = torch.randn(2, 16, generator=torch.Generator().manual_seed(1)) * 300 + 100
    reference = troubleshoot.Standardize()(rows)
    assert (troubleshoot.Standardize()(rows.half()).float() - reference).abs().max() > 1
    fixed = troubleshoot.Standardize(compute_in_float32=True)(rows.half())
    assert fixed.dtype == torch.float16 and (fixed.float() - reference).abs().max() < 2e-2


def test_troubleshoot_models_refuse_bad_arguments() -> None:
    with pytest.raises(ValueError, match="positive whole number"):
        troubleshoot.MedianHead(features=0)


def test_old_runtime_check_refuses_a_float16_file_and_an_ir_older_than_the_opset(tmp_path, standardize_file) -> None:
    from helpers import optimize  # pass 16: the float16 file converted for the customer passed as the float32 one

    model = troubleshoot.Standardize()
    half = optimize.convert_to_fp16(standardize_file, tmp_path / "standardize_fp16.onnx")
    onnx.save(_converted(half), tmp_path / "half15.onnx")
    message = exercises.check_old_runtime_file(tmp_path / "half15.onnx", model).message
    assert "computes in float16" in message and "standardize_path" in message, message
    onnx.save(_converted(standardize_file, ir=3), tmp_path / "ir3.onnx")  # pass 16: told opset was edited by hand
    message = exercises.check_old_runtime_file(tmp_path / "ir3.onnx", model).message
    assert "IR version is 3" in message and "ir_version = 8" in message and "by hand" not in message, message
