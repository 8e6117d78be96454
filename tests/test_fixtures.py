"""helpers.fixtures: the files a notebook needs from an earlier one."""

from __future__ import annotations

import onnx
import pytest
import torch
from onnx import numpy_helper

import helpers
from helpers import fixtures


def _stored_weight(path) -> torch.Tensor:
    arrays = [numpy_helper.to_array(t) for t in onnx.load(str(path)).graph.initializer]
    return torch.from_numpy(next(a for a in arrays if a.size == 10).copy()).reshape(1, 10)


def test_the_exported_file_is_reused_while_it_holds_the_weights(tmp_path) -> None:
    path = helpers.ensure_linear_onnx(tmp_path)
    written = path.stat().st_mtime_ns
    assert helpers.ensure_linear_onnx(tmp_path) == path
    assert path.stat().st_mtime_ns == written


def test_the_file_follows_weights_retrained_after_the_export(tmp_path) -> None:
    # Notebook 01 run again (on another CPU) after notebook 02: linear.onnx holds the old numbers.
    path = helpers.ensure_linear_onnx(tmp_path)
    model, weights = helpers.ensure_trained_linear(tmp_path)
    with torch.no_grad():
        model.linear.weight.add_(1e-3)
    helpers.save_weights(model, weights, overwrite=True)  # retrained on purpose
    with pytest.warns(UserWarning, match="linear.replaced.onnx"):
        helpers.ensure_linear_onnx(tmp_path)
    assert torch.equal(_stored_weight(path), model.linear.weight.detach())


def test_a_damaged_file_is_exported_again(tmp_path) -> None:
    path = helpers.ensure_linear_onnx(tmp_path)
    path.write_bytes(path.read_bytes()[:40])
    assert fixtures._holds_weights(path, helpers.ensure_trained_linear(tmp_path)[0]) is False
    with pytest.warns(UserWarning, match="exported again"):
        helpers.ensure_linear_onnx(tmp_path)
    onnx.checker.check_model(str(path))


def test_a_students_own_linear_onnx_is_kept_under_a_new_name_not_overwritten(tmp_path) -> None:
    helpers.ensure_trained_linear(tmp_path)
    mine = tmp_path / "linear.onnx"
    torch.onnx.export(torch.nn.Linear(10, 1).eval(), (torch.randn(2, 10),), mine, dynamo=True, verbose=False)
    written = mine.read_bytes()
    for kept in ("linear.replaced.onnx", "linear.replaced-2.onnx"):  # twice: the first kept file stays too
        with pytest.warns(UserWarning, match=kept):
            helpers.ensure_linear_onnx(tmp_path)
        assert (tmp_path / kept).read_bytes() == written
        mine.write_bytes(written)


def test_untrained_weights_in_the_course_file_are_refused(tmp_path) -> None:
    """Pass 23: weights saved before training (notebook 01's training cell skipped) fed notebooks 02-05 silently."""
    model, path = helpers.ensure_trained_linear(tmp_path)
    assert helpers.ensure_trained_linear(tmp_path)[1] == path  # trained weights load again
    torch.manual_seed(0)
    torch.save(helpers.LinearRegressor().state_dict(), path)
    with pytest.raises(ValueError, match="saved before training"):
        helpers.ensure_trained_linear(tmp_path)
