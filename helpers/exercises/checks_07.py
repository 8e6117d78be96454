"""Checks for the exercises of notebook 07: a rule with a data-dependent branch (torch.cond), and an even batch."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..i18n import tr
from .artifacts import (_close, _load_checked, _load_unchecked, _onnx_path, _op_types, _ort_session, _random,
                        _require_own_export, _run)
from .verdict import ExerciseResult, _judge, _require, _Wrong

__all__ = ["check_cond_export", "check_pair_sum_export"]


# --- 07 · dynamic graphs and control flow ---


def check_cond_export(answer: Any, exercise: str = "07.1") -> ExerciseResult:
    """Exercise: "divide by the largest |value| if it exceeds 1, else keep x", exported with ``torch.cond``."""
    def reference(x: np.ndarray) -> np.ndarray:
        peak = np.abs(x).max()
        return x / peak if peak > 1 else x

    def check() -> None:
        path = _onnx_path(answer)
        checked = _load_checked(path)
        ops = set().union(*_op_types(path).values())
        _require("If" in ops, tr("The graph has no If node: the exercise asks for torch.cond in forward (a Python if "
                                 "keeps only the branch the example took, and a rule written without a branch has "
                                 "none)."))  # pass 12: a branch-free rule was told a branch was frozen in
        _require_own_export(checked)  # pass 24: the helper's file passed (after the If: another model's file first)
        session = _ort_session(path)
        batch = session.get_inputs()[0].shape[0]
        _require(not isinstance(batch, int), tr("The batch is fixed to {batch} in this file: export with "
                                                "dynamic_shapes=({{0: Dim('batch')}},).", batch=batch))  # pass 14
        shape = session.get_inputs()[0].shape
        _require(len(session.get_inputs()) == 1 and len(shape) == 2, tr(
            "This file's input is {signature}: the rule takes one input of rows, (batch, features).",
            signature=", ".join(f"{i.name}: {i.shape}" for i in session.get_inputs())))
        features = shape[1] if isinstance(shape[1], int) else 4  # the file's own width (pass 16: 4 was assumed)
        near = _random(4, features, seed=3)  # peaks just above and below 1 (pass 12: a threshold of 2.5 passed)
        negative = _random(2, features, seed=5)
        negative[0, 0] = -4.0  # the largest |value| is negative (pass 14: x.max() instead of x.abs().max() passed)
        inputs = (_random(3, features, scale=3.0), _random(5, features, seed=8, scale=0.1), negative,
                  *(near / np.abs(near).max() * peak for peak in (1.05, 0.95)))
        outputs = [_run(session, x) for x in inputs]
        _require(any(_close(y, x) or _close(y, x / np.abs(x).max()) for x, y in zip(inputs, outputs)), tr(
            "This file computes neither branch of the rule (x, or x divided by its largest |value|) on any input: "
            "it is another model's file. Export your ScaleDown and answer with that file."))  # pass 24: "both branches"
        for x, y in zip(inputs, outputs):
            _require(_close(y, reference(x)), tr("onnxruntime's output differs from the rule for a batch of {batch}: "
                                                 "check both branches.", batch=len(x)))
    return _judge(exercise, answer, check)


def check_pair_sum_export(answer: Any, exercise: str = "07.2") -> ExerciseResult:
    """Exercise: ``dynamic.PairSum`` exported with an even, dynamic batch (``2 * Dim``)."""
    def check() -> None:
        path = _onnx_path(answer)
        session = _ort_session(path)
        inputs = session.get_inputs()
        _require(len(inputs) == 1 and len(inputs[0].shape) == 2,  # pass 18: any width of rows is PairSum's
                 tr("This file's input is {signature}, not PairSum's rows (batch, features): export "
                    "dynamic.PairSum().", signature=", ".join(f"{i.name}: {i.shape}" for i in inputs)))
        width = inputs[0].shape[1] if isinstance(inputs[0].shape[1], int) else 3
        _require(not isinstance(inputs[0].shape[0], int),
                 tr("The batch is fixed to {batch} in this file: declare dynamic_shapes=({{0: 2 * Dim('half')}},) so "
                    "every even batch is allowed.", batch=inputs[0].shape[0]))
        for batch in (2, 6, 10):
            x = _random(batch, width, seed=batch)
            try:
                output = _run(session, x)
            except _Wrong:  # pass 18: a float64 file was told to declare 2 * Dim
                raise
            except Exception as error:
                raise _Wrong(tr("onnxruntime refuses a batch of {batch}: declare dynamic_shapes=({{0: 2 * "
                                "Dim('half')}},) so every even batch is allowed.", batch=batch)) from error
            _require(np.shape(output) == (batch // 2, width), tr(  # pass 18: a (batch, 10) model of another exercise
                "For {batch} rows this file returns {shape}, not PairSum's {expected} (the sums of pairs of rows): "
                "export dynamic.PairSum().", batch=batch, shape=np.shape(output), expected=(batch // 2, width)))
            _require(_close(output, x.reshape(-1, 2, width).sum(1)),
                     tr("Wrong sums at batch {batch}: export dynamic.PairSum().", batch=batch))
        _require_own_export(_load_unchecked(path))  # pass 23: export_model's file passed
        name = inputs[0].shape[0]
        _require(not re.fullmatch(r"(?!s\d+$)[A-Za-z_]\w*", str(name)), tr(  # pass 21: a plain Dim passed silently
            "Your file's batch is the plain dimension {name}, so the file does not show that the batch must be even: "
            "declare dynamic_shapes=({{0: 2 * Dim('half')}},). (torch.onnx.export does not refuse a plain dimension "
            "here: it applies torch.export's suggested fix, or infers the sizes, without a word.)", name=name))
    return _judge(exercise, answer, check)
