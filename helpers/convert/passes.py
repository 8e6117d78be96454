"""Make an ONNX model convertible: IR-3 constants, opset upgrade, constant folding (notebook 04).

``import_to_pytorch`` runs these ONNX-to-ONNX passes in this order before onnx2pytorch sees the
graph; each is public so that a notebook can show what it does on its own. An initializer that is
also a graph input is a default a caller may feed: ``constants_not_inputs`` makes it a constant or,
when named in ``keep``, a plain input without its initializer, so no later pass folds it.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Iterator, Sequence

import onnx

from ..onnx_file import default_opset, iter_nodes, load_onnx
from .broadcast import legacy_broadcasts
from .support import _DEFAULT_DOMAINS, _unsupported_error, find_unsupported_operators

if TYPE_CHECKING:
    from onnxscript import ir

__all__ = [
    "MIN_OPSET",
    "UPGRADE_OPSET",
    "constants_not_inputs",
    "upgrade_opset",
    "fold_constants",
]

MIN_OPSET = 9  # onnx2pytorch's oldest opset; older models are upgraded first
# The opset older models are upgraded to. Targets 9 to 21 converted the same old-opset test cases
# (every opset-6 to 8 case that onnxruntime runs, tests/convert_models.py), so the lowest one wins:
# the fewest version-converter steps.
UPGRADE_OPSET = 9
# onnxscript's folder rewrites these into Unsqueeze/Split/Squeeze nodes with opset-13 inputs and scalar
# axes, which older opsets reject and onnx2pytorch misreads: hide them from it (onnx2pytorch runs them).
_HIDDEN_FROM_FOLDER = frozenset({"ConcatFromSequence", "SplitToSequence"})
_HIDDEN_DOMAIN = "helpers.convert.hidden"


def constants_not_inputs(model: onnx.ModelProto, keep: Sequence[str] = ()) -> tuple[onnx.ModelProto, list[str]]:
    """Stop listing initializers as graph inputs (the IR-3 convention), except the inputs named in ``keep``.

    The inputs in ``keep`` lose their initializer instead, and stay inputs of the module. Returns a
    copy of the model (the model itself when no input has an initializer) and the names of the
    inputs that became constants.
    """
    model = load_onnx(model, check=False)  # a path too (pass 12: a raw AttributeError)
    initializers = {init.name for init in model.graph.initializer}
    overridable = [i.name for i in model.graph.input if i.name in initializers]
    unknown = sorted(set(keep) - set(overridable))
    if unknown:
        raise ValueError(f"overridable_inputs names {unknown}, which are not graph inputs with an initializer; "
                         f"choose among {overridable[:10]}{' ...' if len(overridable) > 10 else ''}.")
    constants = [name for name in overridable if name not in keep]
    if not overridable:
        return model, constants
    model = onnx.ModelProto.FromString(model.SerializeToString())
    inputs = [i for i in model.graph.input if i.name not in constants]
    weights = [init for init in model.graph.initializer if init.name not in keep]
    del model.graph.input[:], model.graph.initializer[:]
    model.graph.input.extend(inputs)
    model.graph.initializer.extend(weights)
    model.ir_version = max(model.ir_version, 4)  # IR 3 required every initializer to be an input
    return model, constants


def upgrade_opset(model: onnx.ModelProto, target: int | None = None) -> tuple[onnx.ModelProto, int]:
    """Upgrade a model older than opset 9 (or, given ``target``, any model) with ``onnx.version_converter``; returns it
    and its old opset.

    Opset-6 broadcasts that the converter would lose (a per-channel PRelu slope, ``axis`` on Add, Mul,
    Pow, ...) are spelled out with Unsqueeze nodes first (``broadcast.legacy_broadcasts``).
    """
    if target is not None and (isinstance(target, bool) or not isinstance(target, int)):
        raise TypeError(f"target is an opset number, a whole number such as 20, got {target!r}.")
    model = load_onnx(model, check=False)  # a path too, with the course's messages
    source = default_opset(model)
    if target is not None and target < source:
        raise ValueError(f"upgrade_opset raises a model's opset, and {target} is below this model's {source}: for an "
                         "older runtime, use onnx.version_converter.convert_version and check the result (notebook 09).")
    if (target is None and source >= MIN_OPSET) or target == source:
        return model, source
    target = target or UPGRADE_OPSET  # pass 12: an explicit target above a new model's opset was ignored
    spelled_out = legacy_broadcasts(model, source)
    try:
        upgraded = onnx.version_converter.convert_version(spelled_out, target)
    except Exception as error:  # the converter raises RuntimeError, ValidationError, ...
        operators = find_unsupported_operators(model)
        if operators:
            raise _unsupported_error(operators, []) from error
        raise ValueError(f"onnx.version_converter could not upgrade the model from opset {source} to {target} "
                         f"({_first_line(error)}). Run it with onnxruntime instead (helpers.create_session), "
                         "or re-export it from PyTorch (helpers.export_model writes opset 18).") from error
    minimum = onnx.helper.find_min_ir_version_for(list(upgraded.opset_import), ignore_unknown=True)
    upgraded.ir_version = max(upgraded.ir_version, minimum)
    return upgraded, source


def _first_line(error: BaseException) -> str:
    """The first line of an error message (the converter's messages run on for pages)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _fold_weight_generators(node: ir.Node) -> bool | None:
    """Fold ConstantOfShape too (onnxscript keeps it to keep files small; here it computes weights)."""
    return True if node.op_type == "ConstantOfShape" and node.domain in _DEFAULT_DOMAINS else None


def fold_constants(model: onnx.ModelProto, max_elements: int = 250_000_000) -> tuple[onnx.ModelProto, int]:
    """Evaluate every node whose inputs are all constants and store its outputs as initializers.

    Weights produced by nodes (``Constant``, ``ConstantOfShape``, arithmetic on constants, ``Reshape``
    of constants, ``Shape`` of values with a static shape, ...) become plain initializers, which
    converters understand. Uses onnxscript's constant folder (the one behind ``torch.onnx.export``),
    which evaluates each node at its own opset. Returns a new model and the number of nodes removed.
    """
    import onnx_ir.passes.common as passes
    from onnxscript import ir, optimizer

    if isinstance(max_elements, bool) or not isinstance(max_elements, int) or max_elements < 0:  # pass 12: -1, "big"
        raise ValueError(f"max_elements is the largest constant to fold, a whole number of elements such as "
                         f"250_000_000, got {max_elements!r}.")
    model = load_onnx(model, check=False)  # a path too, with the course's messages
    ir_model = ir.serde.deserialize_model(_hide_from_folder(model))
    with _quiet_logs("onnxscript", "onnx_ir"):
        optimizer.fold_constants_ir(ir_model, onnx_shape_inference=True, input_size_limit=max_elements,
                                    output_size_limit=max_elements, should_fold=_fold_weight_generators)
        passes.RemoveUnusedNodesPass()(ir_model)
        passes.LiftConstantsToInitializersPass(lift_all_constants=True, size_limit=0)(ir_model)
    folded = ir.serde.serialize_model(ir_model)
    for node in iter_nodes(folded.graph):
        if node.domain == _HIDDEN_DOMAIN:
            node.domain = ""
    return folded, max(len(model.graph.node) - len(folded.graph.node), 0)


def _hide_from_folder(model: onnx.ModelProto) -> onnx.ModelProto:
    """A copy of ``model`` whose nodes in _HIDDEN_FROM_FOLDER sit in a domain the folder skips."""
    if not any(n.op_type in _HIDDEN_FROM_FOLDER and n.domain in _DEFAULT_DOMAINS for n in iter_nodes(model.graph)):
        return model
    model = onnx.ModelProto.FromString(model.SerializeToString())
    for node in iter_nodes(model.graph):
        if node.op_type in _HIDDEN_FROM_FOLDER and node.domain in _DEFAULT_DOMAINS:
            node.domain = _HIDDEN_DOMAIN
    return model


@contextlib.contextmanager
def _quiet_logs(*names: str) -> Iterator[None]:
    """Silence INFO/WARNING logs of the named libraries (onnxscript logs every node it skips)."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
