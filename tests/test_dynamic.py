from __future__ import annotations

import onnx
import pytest
import torch
from torch.export import Dim

import helpers
from helpers import dynamic


def test_loops_are_unrolled(tmp_path) -> None:
    for steps in (2, 4):
        path = helpers.export_model(dynamic.RepeatedScale(steps), torch.randn(2, 3), tmp_path / f"r{steps}.onnx").path
        assert helpers.summarize(path).operators == {"Mul": steps}


def test_legacy_tracer_freezes_the_branch(tmp_path) -> None:
    path = tmp_path / "traced.onnx"
    messages = dynamic.export_with_legacy_tracer(dynamic.SignGate(), torch.ones(2, 3), path)
    assert any("Python boolean" in m for m in messages)
    assert "If" not in helpers.summarize(path).operators
    session = helpers.create_session(path, device="cpu")
    negative = -torch.ones(2, 3)
    assert not helpers.compare_outputs(dynamic.SignGate()(negative), session.run(negative)["y"]).ok


def test_torch_cond_keeps_both_branches(tmp_path, machine_paths) -> None:
    report = helpers.export_model(dynamic.SignGateCond(), torch.ones(2, 3), tmp_path / "c.onnx",
                                  input_names=("x",), output_names=("y",))
    assert helpers.summarize(report.path).operators.get("If") == 1
    text = report.path.read_bytes().decode("latin-1")  # the If's branches are stripped too
    assert not [path for path in machine_paths if path in text]
    assert "pkg.torch.onnx.stack_trace" not in text
    session = helpers.create_session(report.path, device="cpu")
    for x in (torch.ones(3, 3), -torch.ones(1, 3), torch.randn(7, 3)):
        assert helpers.compare_outputs(dynamic.SignGate()(x), session.run(x)["y"]).ok


@pytest.mark.parametrize(
    "model,example,shapes,kind,fix",
    [
        (dynamic.SignGate(), torch.ones(2, 3), None, "GuardOnDataDependentSymNode", None),
        (dynamic.LargeBatchSmoothing(), torch.randn(4, 3), ({0: Dim("batch")},), "constraint violated",
         "batch = Dim('batch', max=8)"),
        (dynamic.PairSum(), torch.randn(4, 3), ({0: Dim("batch")},), "constraint violated", "batch = 2*_batch"),
        (helpers.make_linear_model(), torch.randn(1, 10), ({0: Dim("batch")},), "constraint violated", "batch = 1"),
    ],
)
def test_export_errors_are_explained(model, example, shapes, kind: str, fix: str | None) -> None:
    summary = dynamic.check_exportable(model, [example], dynamic_shapes=shapes)
    assert summary is not None and summary.kind.startswith(kind) and summary.reasons
    assert len(summary.reasons) == len(set(summary.reasons))
    if fix:
        assert fix in summary.suggested_fixes
    else:
        assert summary.code == "if x.sum() > 0:"
    assert "/" not in str(summary).split("reason:")[0]


@pytest.mark.parametrize("model,shapes", [(dynamic.LargeBatchSmoothing(), ({0: Dim("batch", max=8)},)),
                                          (dynamic.PairSum(), ({0: 2 * Dim("half")},)),
                                          (dynamic.SignGateCond(), None)])
def test_fixed_models_export(model, shapes) -> None:
    assert dynamic.check_exportable(model, [torch.randn(4, 3)], dynamic_shapes=shapes) is None


def test_explain_a_plain_error() -> None:
    summary = dynamic.explain_export_error(ValueError("something odd\nmore"))
    assert summary.kind == "ValueError" and summary.reasons == ["something odd"] and summary.code is None
