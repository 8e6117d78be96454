"""Checks for the exercises of notebook 09 (when the export fails or the numbers differ).

Each check runs the student's file in onnxruntime against the PyTorch model the notebook passes in, and names the
usual half-fix: a fixed batch, a mean for a median, an opset number edited by hand.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from ..i18n import tr
from ..onnx_file import tensor_infos
from .artifacts import _close, _load_checked, _load_unchecked, _onnx_path, _ort_session, _random, _run
from .verdict import ExerciseResult, _judge, _require, _Wrong

__all__ = ["check_median_export", "check_old_runtime_file"]

OLD_RUNTIME_OPSET, OLD_RUNTIME_IR = 15, 8  # ONNX 1.10's opset and IR version (onnx.helper.VERSION_TABLE)


def _rows_with_outliers(batch: int, features: int, seed: int) -> np.ndarray:
    x = _random(batch, features, seed=seed)
    x[:, 0] += 40.0  # one wild value per row: a mean moves, a median does not
    return x


def _run_batch(session: Any, x: np.ndarray) -> np.ndarray:
    try:
        return _run(session, x)  # a float64 file is named as such (pass 18)
    except _Wrong:
        raise
    except Exception as error:  # onnxruntime's InvalidArgument / Fail: a shape the file does not accept
        raise _Wrong(tr("onnxruntime refuses a batch of {batch}: export with dynamic_shapes=({{0: Dim('batch')}},) "
                        "so that any batch size is accepted.", batch=len(x))) from error


def _single_float_input(session: Any, features: int) -> None:
    inputs = session.get_inputs()
    _require(len(inputs) == 1 and len(inputs[0].shape) == 2 and inputs[0].shape[1] == features,
             tr("This file's input is {signature}, not (batch, {features}): export the model the exercise gives.",
                signature=", ".join(f"{i.name}: {i.shape}" for i in inputs), features=features))
    _require(not isinstance(inputs[0].shape[0], int),
             tr("The batch is fixed to {batch} in this file: export with dynamic_shapes=({{0: Dim('batch')}},).",
                batch=inputs[0].shape[0]))


def check_median_export(answer: Any, model: nn.Module, exercise: str = "09.1") -> ExerciseResult:
    """Exercise: ``troubleshoot.MedianHead`` exported (rewritten or translated) so that onnxruntime runs it."""
    def check() -> None:
        kinds = sorted({str(p.dtype) for p in model.parameters() if p.dtype != torch.float32})
        _require(not kinds, tr(  # pass 20: a student's .double() on a wrapper changed the shared model in place
            "The notebook's median_head now holds {dtypes} weights: a .double() or .half() on it (or on a module that "
            "wraps it) changes it in place. Run its cell again, and convert a copy (copy.deepcopy) if you need one.",
            dtypes=", ".join(kinds)))
        path = _onnx_path(answer)
        _load_checked(path)
        session = _ort_session(path)
        features = getattr(model, "features", 8)
        _single_float_input(session, features)
        for batch, seed in ((1, 1), (5, 2), (17, 3)):
            x = _rows_with_outliers(batch, features, seed)
            got = _run_batch(session, x)
            with torch.no_grad():
                values = torch.from_numpy(x)
                expected = model.eval()(values).numpy()
                mean_head = model.head(values.mean(-1, keepdim=True)).numpy()
                upper_head = model.head(values.sort(-1).values[:, features // 2:features // 2 + 1]).numpy()
            _require(got.shape == expected.shape, tr("The output has shape {got}, not {expected}: return the head's "
                                                     "three scores.", got=got.shape, expected=expected.shape))
            _require(not _close(mean_head, got), tr("These are the scores of the row's mean, not its median: one wild "
                                                    "value moves a mean. Take the middle value of the sorted row."))
            _require(features % 2 or not _close(upper_head, got),
                     tr("These are the scores of the upper middle value: torch.median takes the lower one for an "
                        "even count, index (n - 1) // 2 of the sorted row."))
            _require(_close(expected, got, rtol=1e-4, atol=1e-5),
                     tr("onnxruntime's scores differ from PyTorch's at batch {batch}: compare your rewrite or "
                        "translation with model(x) in PyTorch first.", batch=batch))
    return _judge(exercise, answer, check, median_head=model)


def check_old_runtime_file(answer: Any, model: nn.Module, exercise: str = "09.2") -> ExerciseResult:
    """Exercise: the Standardize file converted for a runtime that reads opset 15 and IR version 8 at most."""
    import onnx

    def check() -> None:
        path = _onnx_path(answer)
        proto = _load_unchecked(path)
        inputs = [list(info.shape) for info in tensor_infos(proto)[0]]  # the real inputs, initializers aside
        _require(len(inputs) == 1 and len(inputs[0]) == 2 and inputs[0][1] == 16, tr(  # pass 17: "convert it" first
            "This file's input is {inputs}, not (batch, 16): it is not the Standardize model. Convert standardize_path, "
            "the float32 file of section 7.", inputs=inputs))
        opset = next((entry.version for entry in proto.opset_import if entry.domain in ("", "ai.onnx")), None)
        _require(opset is not None and opset <= OLD_RUNTIME_OPSET,
                 tr("The file uses opset {opset}: convert it with onnx.version_converter.convert_version(model, "
                    "{target}).", opset=opset, target=OLD_RUNTIME_OPSET))
        half = [n.name or n.op_type for n in proto.graph.node if n.op_type == "Cast" and any(
            a.name == "to" and a.i == onnx.TensorProto.FLOAT16 for a in n.attribute)] + [
            i.name for i in proto.graph.initializer if i.data_type == onnx.TensorProto.FLOAT16]
        _require(not half, tr("This file computes in float16 ({names}): the customer asked for the float32 Standardize. "
                              "Convert standardize_path, the float32 file of section 7.", names=", ".join(half[:3])))
        needed = onnx.helper.find_min_ir_version_for(list(proto.opset_import), ignore_unknown=True)
        _require(proto.ir_version >= needed, tr(  # pass 16: IR 3 got the opset-edited-by-hand explanation
            "The file's IR version is {ir}, older than opset {opset} allows (IR {needed} goes with it): set "
            "model.ir_version = {needed}.", ir=proto.ir_version, opset=opset, needed=needed))
        _require(proto.ir_version <= OLD_RUNTIME_IR,
                 tr("The file's IR version is {ir}: the runtime reads IR {target} at most. The converter changes the "
                    "opset only; set model.ir_version = {target} yourself.", ir=proto.ir_version, target=OLD_RUNTIME_IR))
        try:  # the checker itself: _load_checked's "export at opset 18" advice contradicts this exercise (pass 23)
            try:
                onnx.checker.check_model(proto, full_check=True)
            except onnx.checker.ValidationError as error:
                raise _Wrong(tr("onnx.checker rejects {name}: {error}", name=path.name,
                                error=str(error).strip().splitlines()[0])) from error
        except _Wrong as wrong:
            raise _Wrong(tr("{problem} (Editing opset_import by hand leaves the original opset's nodes behind: "
                            "convert; and remove attributes the older operator does not have.)", problem=wrong)) from wrong
        session = _ort_session(path)
        _single_float_input(session, 16)
        for batch, seed in ((1, 4), (7, 5)):
            x = _random(batch, 16, seed=seed, scale=3.0)
            with torch.no_grad():
                expected = model.eval()(torch.from_numpy(x)).numpy()
            _require(_close(expected, _run_batch(session, x), rtol=1e-4, atol=1e-5),
                     tr("The converted file computes something else than Standardize at batch {batch}: convert the "
                        "float32 file from section 7.", batch=batch))
    return _judge(exercise, answer, check, standardize=model)
