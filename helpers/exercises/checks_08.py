"""Checks for the exercises of notebook 08: a custom operator exported with standard ops, and in its own domain."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import torch
from torch import nn

from ..i18n import tr
from .artifacts import (_close, _load_unchecked, _onnx_path, _op_types, _ort_session, _random, _require_ort_session, _run,
                        _torch_out)
from .verdict import ExerciseResult, _judge, _require, _Wrong

__all__ = ["check_custom_clip_op", "check_custom_op_session"]


# --- 08 · custom operators ---


def check_custom_clip_op(answer: Any, exercise: str = "08.1") -> ExerciseResult:
    """Exercise: a ``torch.library.custom_op`` clip with a fake, and a file that runs it with standard ONNX ops."""
    def check() -> None:
        _require(isinstance(answer, (tuple, list)) and len(answer) == 3, tr(  # pass 23: a fixed ±0.5 passed
            "Answer with three items: (your custom op, the custom_translation_table you exported with, the path of "
            "the exported file). The check runs your translation with another limit too."))
        op, table, path = answer
        if type(op).__name__ in ("OpOverload", "OpOverloadPacket"):  # pass 24: torch.ops.mylib.clip_to.default
            from torch._library import custom_ops  # the CustomOpDef that registered it (None for aten's own ops)

            schema = getattr(op, "_schema", None) or getattr(getattr(op, "default", None), "_schema", None)
            op = custom_ops.OPDEFS.get(schema.name, op) if schema is not None else op
        _require(type(op).__name__ == "CustomOpDef", tr("The first item must be what @torch.library.custom_op "
                                                        "returned (your decorated function)."))
        _require(op._abstract_fn is not None, tr("Register a fake implementation with @your_op.register_fake: "
                                                 "torch.export needs it to know the output's shape."))
        x = _random(6, 8, scale=2.0)
        parameters = [a.name for a in op._opoverload._schema.arguments] if hasattr(op, "_opoverload") else None
        _require(parameters is None or len(parameters) == 2, tr(
            "Your op takes ({parameters}): the exercise's op takes (x, limit) and clips to [-limit, limit].",
            parameters=", ".join(parameters or [])))
        limit_type = [str(a.type) for a in op._opoverload._schema.arguments][1:] if hasattr(op, "_opoverload") else []
        _require(not limit_type or limit_type[0] in ("float", "Tensor"), tr(  # pass 18 (K30): torch's raw cast error
            "Your op declares limit as {kind}, so limit=0.5 cannot be passed to it: annotate it limit: float.",
            kind=limit_type[0] if limit_type else ""))
        _require(_close(op(torch.from_numpy(x), 0.5).numpy(), np.clip(x, -0.5, 0.5)),
                 tr("In PyTorch, your op(x, 0.5) should equal x.clamp(-0.5, 0.5)."))
        domains = _op_types(_onnx_path(path))
        name = str(getattr(op, "_opoverload", ""))  # "mylib.clip_to.default"
        recorded = [p.value for node in _load_unchecked(_onnx_path(path)).graph.node for p in node.metadata_props
                    if p.key == "pkg.torch.onnx.fx_node"]  # what each node was translated from
        _require(not recorded or not name or any(name in value for value in recorded), tr(  # pass 12: x.clamp passed
            "No node of this file was translated from your op {name}: export a module whose forward calls your op, "
            "with custom_translation_table={{your op: its translation}}.", name=name))
        _require(set(domains) == {"ai.onnx"}, tr("The file uses {domains}: translate the op into standard "
                                                 "ONNX operators (onnxscript's op.Clip) in custom_translation_table.",
                                                 domains=sorted(domains)))
        batch = _ort_session(path).get_inputs()[0].shape[0]
        _require(not isinstance(batch, int), tr("The batch is fixed to {batch} in this file: export with "
                                                "dynamic_shapes=({{0: Dim('batch')}},).", batch=batch))  # pass 16
        features = _ort_session(path).get_inputs()[0].shape[-1]
        _require(not isinstance(features, int) or features == x.shape[-1], tr(  # pass 18: onnxruntime's raw error
            "This file takes rows of {features} values; the exercise's rows have {expected}: export from an example "
            "with that many columns.", features=features, expected=x.shape[-1]))
        output = _run(_ort_session(path), x)
        limits = [limit for limit in (1.0, 0.25, 2.0) if _close(output, np.clip(x, -limit, limit))]
        _require(not limits, tr(  # pass 18; pass 22: a translation with fixed bounds was told to pass limit=0.5
            "Your file clips to ±{limit}, not ±0.5: the module must call your op with limit=0.5, and the translation "
            "must use its limit argument (op.Constant(value_float=limit)), not a fixed bound.",
            limit=limits[0] if limits else None))
        _require(_close(output, np.clip(x, -0.5, 0.5)),
                 tr("onnxruntime's output is not x clipped to [-0.5, 0.5]: check the translation."))
        _require(isinstance(table, dict) and op._opoverload in table, tr(
            "The second item must be the custom_translation_table you exported with, a dict whose key is your op's "
            "overload ({name}) and whose value is its translation.", name=name))
        wider = _clip_through(op, table, x)
        _require(_close(wider, np.clip(x, -1.0, 1.0)), tr(
            "Your translation does not use its limit argument: a module that calls your op with limit=1.0, exported "
            "with your table, clips to ±{seen:.2g}. Build the bounds from limit: op.Constant(value_float=limit).",
            seen=float(np.abs(wider).max())))
    return _judge(exercise, answer, check)


def _clip_through(op: Any, table: dict, x: np.ndarray) -> np.ndarray:
    """``x`` through a file exported from a module that calls ``op`` with limit=1.0, translated with ``table``."""
    import tempfile
    import warnings

    class ClipOne(nn.Module):
        def forward(self, inputs: torch.Tensor) -> torch.Tensor:
            return op(inputs, 1.0)

    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = f"{folder}/clip_one.onnx"
        try:
            torch.onnx.export(ClipOne().eval(), (torch.from_numpy(x),), path, custom_translation_table=table,
                              external_data=False, verbose=False)
        except Exception as error:  # the translation itself fails, say a wrong signature: name the first cause
            cause = error
            while cause.__cause__ is not None:
                cause = cause.__cause__
            text = re.sub(r"\x1b\[[0-9;]*m", "", str(cause)).strip()
            raise _Wrong(tr("Exporting a module that calls your op with limit=1.0 through your table failed: "
                            "{error}", error=text.splitlines()[0] if text else type(cause).__name__)) from error
        return _run(_ort_session(path), x)


def _session_domains(session: Any) -> set[str] | None:
    """The operator domains of the model an InferenceSession was opened on (None where it cannot be read)."""
    import onnx

    source = getattr(session, "_model_path", None) or getattr(session, "_model_bytes", None)
    if source is None:
        return None
    try:
        model = onnx.load(source) if isinstance(source, str) else onnx.load_from_string(source)
    except Exception:  # a file changed or removed since the session opened it
        return None
    return {node.domain for node in model.graph.node}


def check_custom_op_session(answer: Any, model: nn.Module, exercise: str = "08.2", *,
                            notebook_session: Any = None) -> ExerciseResult:
    """Exercise: an InferenceSession that runs the custom-domain file, its kernel library registered (a new one:
    not ``notebook_session``, the one the notebook made above)."""
    import importlib.util
    import sys

    if answer is None and importlib.util.find_spec("onnxruntime_extensions") is None:
        return ExerciseResult(exercise, None, tr(
            "This exercise needs onnxruntime-extensions, which is not installed (it has no wheel for Python "
            "{python} yet): do it on Python 3.13 or on Colab.", python=f"{sys.version_info[0]}.{sys.version_info[1]}"))

    def check() -> None:
        _require_ort_session(answer)
        _require(answer is not notebook_session, tr(  # pass 16: the notebook's own session passed
            "That is the session the notebook made above (contrib_session): make your own, with SessionOptions and "
            "register_custom_ops_library."))
        domains = _session_domains(answer)
        _require(domains is None or any(d not in ("", "ai.onnx") for d in domains),
                 tr("This session's model has standard operators only: open the custom-domain file, whose node "
                    "needs the kernel library."))
        x = _random(5, 8)
        _require(type(model).__name__ == "ScaledSwishNet" or not isinstance(model, nn.Module), tr(  # the notebook's own
            "The check was given a {type_name} as the model: pass the notebook's model, the ScaledSwishNet the "
            "custom-domain file was exported from (model).", type_name=type(model).__name__))  # pass 18 (K31)
        _require(_close(_run(answer, x), _torch_out(model, x)),
                 tr("This session does not compute what the check's model does: open the custom-domain file, and "
                    "pass the notebook's model (the ScaledSwishNet it was exported from) to the check."))  # pass 20
    return _judge(exercise, answer, check, model=model)
