"""ONNX back to PyTorch: the real version of the blog's imaginary ``torch.onnx.import_to_pytorch``.

``import_to_pytorch`` builds on the maintained ``onnx2pytorch`` converter and adds what it lacks:
old opsets upgraded with ``onnx.version_converter``, initializers listed as graph inputs (the IR-3
convention of the classic model zoo) treated as constants, constant folding with onnxscript's folder
(weights computed by nodes), one error that lists everything that cannot be converted, verification
against onnxruntime, and a module that the default (dynamo) exporter can export again.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import inspect as _inspect
import logging
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

import numpy as np
import onnx
import torch
from onnx import TensorProto, numpy_helper
from torch import nn
from torch.nn import functional as F

from .export import TensorInfo, iter_nodes, load_onnx, tensor_infos

if TYPE_CHECKING:
    from onnxscript import ir

__all__ = [
    "ImportedModule",
    "ImportReport",
    "VerificationReport",
    "UnsupportedOperatorError",
    "import_to_pytorch",
    "fold_constants",
    "upgrade_opset",
    "constants_not_inputs",
    "find_unsupported_operators",
    "find_unsupported_values",
    "supported_operators",
    "verify_against_onnxruntime",
    "make_example_inputs",
]

MIN_OPSET = 9  # onnx2pytorch's oldest opset; older models are upgraded first
# The opset older models are upgraded to. Targets 9 to 21 converted the same old-opset test cases
# (every opset-6 to 8 case that onnxruntime runs, tests/convert_models.py), so the lowest one wins:
# the fewest version-converter steps.
UPGRADE_OPSET = 9
TRAINING_DOMAINS = frozenset({"ai.onnx.preview.training"})
_DEFAULT_DOMAINS = ("", "ai.onnx")
_TORCH_ELEMENT_TYPES = frozenset({
    TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.FLOAT16, TensorProto.BFLOAT16, TensorProto.INT8,
    TensorProto.INT16, TensorProto.INT32, TensorProto.INT64, TensorProto.UINT8, TensorProto.BOOL,
    TensorProto.COMPLEX64, TensorProto.COMPLEX128,
})
_NON_TENSOR_KINDS = {"sequence_type": "a sequence", "map_type": "a map", "optional_type": "an optional",
                     "sparse_tensor_type": "a sparse tensor", "opaque_type": "an opaque value"}
# onnxscript's folder rewrites these into Unsqueeze/Split/Squeeze nodes with opset-13 inputs and scalar
# axes, which older opsets reject and onnx2pytorch misreads: hide them from it (onnx2pytorch runs them).
_HIDDEN_FROM_FOLDER = frozenset({"ConcatFromSequence", "SplitToSequence"})
_HIDDEN_DOMAIN = "helpers.convert.hidden"
# Operators that onnx2pytorch turns into layers (nn.Conv2d, nn.BatchNorm2d, ...): input 0 is the data,
# the inputs in the slice are weights that it reads from initializers only.
_LAYER_WEIGHTS = {"Conv": slice(1, 3), "ConvTranspose": slice(1, 3), "BatchNormalization": slice(1, 5),
                  "InstanceNormalization": slice(1, 3), "Gemm": slice(1, 3), "LSTM": slice(1, 4),
                  "GRU": slice(1, 4), "RNN": slice(1, 4)}
# With weights computed at run time these become _FunctionalLayer modules; the other layers are refused.
_FUNCTIONAL_LAYERS = frozenset({"Conv", "BatchNormalization", "InstanceNormalization"})
_OPERATOR_PATTERN = re.compile(r'node\.op_type == "(\w+)"')
_STATIC_REDUCE = {"ReduceMean": torch.mean, "ReduceSum": torch.sum, "ReduceMax": torch.amax, "ReduceMin": torch.amin}


class UnsupportedOperatorError(NotImplementedError):
    """The ONNX model uses operators or input/output types that cannot be converted to PyTorch.

    ``operators`` lists (domain, op type, opset) and ``values`` the graph inputs/outputs at fault.
    """

    def __init__(self, message: str, operators: Sequence[tuple[str, str, int]] = (),
                 values: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.operators = list(operators)
        self.values = list(values)


@dataclass
class VerificationReport:
    """How the imported module's outputs compare with the reference runtime on a generated input."""

    reference: str  # "onnxruntime" or "onnx.reference"
    max_abs_diff: float
    rtol: float
    atol: float
    ok: bool
    input_shapes: dict[str, tuple[int, ...]]

    def __str__(self) -> str:
        verdict = "match" if self.ok else "DIFFER"
        shapes = ", ".join(f"{k}{v}" for k, v in self.input_shapes.items())
        return (f"{verdict}: PyTorch vs {self.reference} on {shapes}: max |Δ| = {self.max_abs_diff:.1e} "
                f"(rtol={self.rtol:g}, atol={self.atol:g})")

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


@dataclass
class ImportReport:
    """What ``import_to_pytorch`` changed in the ONNX graph before converting it, and the verification."""

    source_opset: int
    opset: int
    folded: int  # nodes evaluated at import time and stored as initializers
    constant_inputs: list[str] = field(default_factory=list)  # graph inputs with an initializer
    verification: VerificationReport | None = None

    @property
    def upgraded(self) -> bool:
        """True when the model was upgraded to a newer opset before conversion."""
        return self.opset != self.source_opset

    def __str__(self) -> str:
        names = ", ".join(self.constant_inputs[:3]) + (", ..." if len(self.constant_inputs) > 3 else "")
        return "\n".join([
            f"opset          upgraded from opset {self.source_opset} to {self.opset}" if self.upgraded
            else f"opset          {self.opset} (no upgrade needed)",
            f"folded         {self.folded} node(s) evaluated into initializers (onnxscript constant folding)",
            f"constants      {len(self.constant_inputs)} graph input(s) with an initializer"
            + (f" kept as constants: {names}" if names else ""),
            f"verification   {self.verification if self.verification else 'skipped (verify=False)'}",
        ])

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


class ImportedModule(nn.Module):
    """A PyTorch module converted from ONNX: trainable, and exportable again with ``torch.onnx.export``.

    Call it like the ONNX model: one tensor per graph input, in order (or by name, as keyword
    arguments). ``verification`` holds the comparison with onnxruntime made at import time (None when
    ``verify=False``); ``report`` also says what was upgraded, folded and kept as constants.
    """

    def __init__(self, converted: nn.Module, inputs: list[TensorInfo], outputs: list[TensorInfo],
                 opset: int, report: ImportReport | None = None) -> None:
        super().__init__()
        self.converted = converted
        self.input_infos = inputs
        self.output_infos = outputs
        self.opset = opset
        self.report = report
        self.verification: VerificationReport | None = None

    def forward(self, *inputs: torch.Tensor, **named: torch.Tensor):
        """Run the converted graph; returns one tensor, or a list for several outputs."""
        if named:
            inputs = self._inputs_by_name(inputs, named)
        if len(inputs) != len(self.input_infos):
            names = ", ".join(str(i) for i in self.input_infos)
            raise TypeError(f"This module takes {len(self.input_infos)} input(s) ({names}); got {len(inputs)}.")
        return self.converted(*inputs)

    def _inputs_by_name(self, positional: tuple, named: dict) -> tuple:
        """Merge keyword inputs (ONNX input names) into the positional order."""
        names = [info.name for info in self.input_infos]
        unknown = sorted(set(named) - set(names[len(positional):]))
        if unknown:
            raise TypeError(f"Unknown or repeated input name(s) {unknown}; this module's inputs are {names}.")
        missing = [name for name in names[len(positional):] if name not in named]
        if missing:
            raise TypeError(f"Missing input(s) {missing}; this module's inputs are {names}.")
        return tuple(positional) + tuple(named[name] for name in names[len(positional):])

    def extra_repr(self) -> str:
        sig = ", ".join(str(i) for i in self.input_infos) + " -> " + ", ".join(str(o) for o in self.output_infos)
        upgraded = f" (upgraded from {self.report.source_opset})" if self.report and self.report.upgraded else ""
        return f"onnx opset {self.opset}{upgraded}: {sig}"


def supported_operators() -> frozenset[str]:
    """Operator types (default ONNX domain) that onnx2pytorch converts explicitly.

    Read from onnx2pytorch's source; raises RuntimeError (rather than accepting every operator) when
    that source no longer has the expected layout.
    """
    import onnx2pytorch.convert.operations as ops

    found = frozenset(_OPERATOR_PATTERN.findall(_inspect.getsource(ops)))
    if not found:
        version = importlib.metadata.version("onnx2pytorch")
        raise RuntimeError(f"Could not read which operators onnx2pytorch {version} converts: no "
                           f"'node.op_type == \"...\"' test in {ops.__file__}. Install the tested version "
                           "(pip install onnx2pytorch==0.6.0) or update helpers.convert.supported_operators.")
    return found


def _default_opset(model: onnx.ModelProto) -> int:
    """The version of the default ONNX domain the model imports."""
    for opset in model.opset_import:
        if opset.domain in _DEFAULT_DOMAINS:
            return opset.version
    raise ValueError("The model imports no default ONNX opset (domain ''), so it cannot be converted.")


def find_unsupported_operators(model_or_path: str | Path | onnx.ModelProto) -> list[tuple[str, str, int]]:
    """Every (domain, op type, opset) in the model, subgraphs included, that cannot be converted."""
    model = load_onnx(model_or_path, check=False)
    versions = {o.domain: o.version for o in model.opset_import}
    supported = supported_operators()
    found = set()
    for node in iter_nodes(model.graph):
        domain = node.domain or ""
        if domain not in _DEFAULT_DOMAINS or node.op_type not in supported:
            found.add((domain or "ai.onnx", node.op_type, versions.get(node.domain, versions.get("", 0))))
    return sorted(found)


def _unconvertible_type(type_proto: onnx.TypeProto) -> str | None:
    """Why a value of this type cannot be a PyTorch tensor, or None when it can."""
    kind = type_proto.WhichOneof("value")
    if kind != "tensor_type":
        return f"{_NON_TENSOR_KINDS.get(kind, 'an untyped value')}, not a tensor"
    element = type_proto.tensor_type.elem_type
    if element not in _TORCH_ELEMENT_TYPES:
        name = TensorProto.DataType.Name(element).lower() if element in TensorProto.DataType.values() else element
        return f"{name} tensor, which has no PyTorch dtype"
    return None


def find_unsupported_values(model_or_path: str | Path | onnx.ModelProto) -> list[str]:
    """Graph inputs and outputs that cannot be PyTorch tensors (strings, sequences, maps, ...)."""
    model = load_onnx(model_or_path, check=False)
    initializers = {init.name for init in model.graph.initializer}
    found = []
    for kind, values in (("input", model.graph.input), ("output", model.graph.output)):
        for value in values:
            reason = None if value.name in initializers else _unconvertible_type(value.type)
            if reason:
                found.append(f"{kind} {value.name!r} ({reason})")
    return found


def _unsupported_error(operators: list[tuple[str, str, int]], values: list[str],
                       computed: Sequence[str] = ()) -> UnsupportedOperatorError:
    """One error naming every unsupported operator, input/output and computed weight, and what to do instead."""
    parts = []
    if values:
        parts.append(f"Cannot convert {len(values)} graph input/output(s) to PyTorch tensors: {', '.join(values)}.")
    if operators:
        listed = ", ".join(f"{op} ({domain}, opset {version}{', training only' if domain in TRAINING_DOMAINS else ''})"
                           for domain, op, version in operators)
        parts.append(f"Cannot convert {len(operators)} operator type(s) to PyTorch: {listed}.")
    if computed:
        parts.append(f"Cannot convert {len(computed)} node(s) whose weights are computed at run time (onnx2pytorch "
                     f"makes layers from constant weights only): {', '.join(computed)}.")
    parts.append("Run this model with onnxruntime instead (helpers.create_session), or re-export it from PyTorch.")
    return UnsupportedOperatorError(" ".join(parts), operators, [*values, *computed])


def constants_not_inputs(model: onnx.ModelProto, keep: Sequence[str] = ()) -> tuple[onnx.ModelProto, list[str]]:
    """Stop listing initializers as graph inputs (the IR-3 convention), except the inputs named in ``keep``.

    The inputs in ``keep`` lose their initializer instead, and stay inputs of the module. Returns a
    copy of the model (the model itself when no input has an initializer) and the names of the
    inputs that became constants.
    """
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
    """Upgrade a model older than opset 9 with ``onnx.version_converter``; returns it and its old opset."""
    source, target = _default_opset(model), target or UPGRADE_OPSET
    if source >= MIN_OPSET:
        return model, source
    try:
        upgraded = onnx.version_converter.convert_version(model, target)
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


def make_example_inputs(inputs: list[TensorInfo], batch: int = 2, seed: int = 0) -> list[torch.Tensor]:
    """Seeded tensors matching each input's dtype and shape; symbolic dimensions become ``batch``."""
    gen = torch.Generator().manual_seed(seed)
    tensors = []
    for info in inputs:
        shape = tuple(d if isinstance(d, int) and d > 0 else batch for d in info.shape)
        dtype = getattr(torch, info.dtype, None)
        if dtype is None:
            raise TypeError(f"Input {info.name!r} has dtype {info.dtype}, which has no PyTorch equivalent.")
        if dtype.is_floating_point:
            tensors.append(torch.randn(shape, generator=gen).to(dtype))
        elif dtype == torch.bool:
            tensors.append(torch.randint(0, 2, shape, generator=gen).bool())
        else:
            tensors.append(torch.randint(0, 10, shape, generator=gen).to(dtype))
    return tensors


def _reference_outputs(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> tuple[str, list[np.ndarray]]:
    """The model's outputs from onnxruntime, or from onnx.reference when onnxruntime cannot run it."""
    try:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.log_severity_level = 3  # no warnings about IR-3 initializers or old opsets
        session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
        return "onnxruntime", session.run(None, feeds)
    except Exception:  # e.g. an opset newer than this onnxruntime knows
        from onnx.reference import ReferenceEvaluator

        return "onnx.reference", ReferenceEvaluator(model).run(None, feeds)


def _compare(got: list[torch.Tensor], expected: list, rtol: float, atol: float) -> tuple[float, bool]:
    """The largest absolute difference and whether every output is within tolerance (NaN matches NaN)."""
    worst, ok = 0.0, len(got) == len(expected)
    for g, e in zip(got, expected):
        g = np.asarray(g.detach().numpy() if isinstance(g, torch.Tensor) else g, dtype=np.float64)
        e = np.asarray(e, dtype=np.float64)
        if g.shape != e.shape:
            ok, worst = False, float("inf")
            continue
        same = (g == e) | (np.isnan(g) & np.isnan(e))
        diff = np.where(same, 0.0, np.nan_to_num(np.abs(g - e), nan=np.inf))
        worst = max(worst, float(diff.max(initial=0.0)))
        ok = ok and bool(np.all(same | (diff <= atol + rtol * np.abs(e))))
    return worst, ok


def verify_against_onnxruntime(module: nn.Module, model: onnx.ModelProto, *, rtol: float = 1e-3,
                               atol: float = 1e-4, batch: int = 2, seed: int = 0,
                               example_inputs: Sequence[torch.Tensor] | None = None) -> VerificationReport:
    """Run the ONNX model (onnxruntime, or onnx.reference if it cannot load it) and ``module`` on one input.

    The input is ``example_inputs`` or, by default, seeded random tensors (integer inputs get values
    0-9: pass ``example_inputs`` when they are shapes or indices that need other values).
    """
    inputs = getattr(module, "input_infos", None) or tensor_infos(model)[0]
    examples = list(example_inputs) if example_inputs is not None else make_example_inputs(inputs, batch, seed)
    feeds = {i.name: t.detach().numpy() for i, t in zip(inputs, examples)}
    reference, expected = _reference_outputs(model, feeds)
    with torch.no_grad():
        got = module(*examples)
    got_list = [got] if isinstance(got, torch.Tensor) else list(got)
    worst, ok = _compare(got_list, expected, rtol, atol)
    return VerificationReport(reference, worst, rtol, atol, ok, {i.name: tuple(t.shape) for i, t in zip(inputs, examples)})


class _StaticReduce(nn.Module):
    """A reduction over fixed axes (onnx2pytorch reads axes from a tensor, which torch.export cannot trace)."""

    def __init__(self, op_type: str, axes: tuple[int, ...], keepdim: bool) -> None:
        super().__init__()
        self.op_type, self.axes, self.keepdim = op_type, axes, keepdim

    def forward(self, data: torch.Tensor) -> torch.Tensor:
        return _STATIC_REDUCE[self.op_type](data, dim=self.axes, keepdim=self.keepdim)

    def extra_repr(self) -> str:
        return f"{self.op_type}, axes={self.axes}, keepdim={self.keepdim}"


class _FunctionalLayer(nn.Module):
    """Conv, BatchNormalization or InstanceNormalization with weights computed at run time (passed as inputs)."""

    def __init__(self, op_type: str, attributes: dict) -> None:
        super().__init__()
        self.op_type, self.attributes = op_type, attributes

    def forward(self, data: torch.Tensor, *weights: torch.Tensor | None) -> torch.Tensor:
        """Apply the layer with the weights given at call time (ONNX input order)."""
        epsilon = self.attributes.get("epsilon", 1e-5)
        if self.op_type == "BatchNormalization":
            scale, bias, mean, var = weights[:4]
            return F.batch_norm(data, mean, var, scale, bias, training=False, eps=epsilon)
        if self.op_type == "InstanceNormalization":
            return F.instance_norm(data, weight=weights[0], bias=weights[1], eps=epsilon)
        return self._convolution(data, weights[0], weights[1] if len(weights) > 1 else None)

    def _convolution(self, data: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        """ONNX Conv: pads (begin..., end...) or auto_pad, then torch's conv1d/2d/3d."""
        spatial = data.dim() - 2
        strides = self.attributes.get("strides", [1] * spatial)
        dilations = self.attributes.get("dilations", [1] * spatial)
        pads = self._pads(data.shape[2:], weight.shape[2:], strides, dilations)
        torch_pads = [p for i in reversed(range(spatial)) for p in (pads[i], pads[i + spatial])]
        convolution = (F.conv1d, F.conv2d, F.conv3d)[spatial - 1]
        return convolution(F.pad(data, torch_pads), weight, bias, strides, 0, dilations,
                           self.attributes.get("group", 1))

    def _pads(self, sizes, kernel, strides, dilations) -> list[int]:
        """Explicit ``pads``, or the SAME_UPPER/SAME_LOWER padding that keeps ceil(size / stride)."""
        auto_pad = self.attributes.get("auto_pad", b"NOTSET")
        auto_pad = auto_pad.decode() if isinstance(auto_pad, bytes) else auto_pad
        if auto_pad not in ("SAME_UPPER", "SAME_LOWER"):
            return self.attributes.get("pads", [0] * 2 * len(sizes)) if auto_pad == "NOTSET" else [0] * 2 * len(sizes)
        totals = [max((-(-int(n) // s) - 1) * s + (int(k) - 1) * d + 1 - int(n), 0)
                  for n, k, s, d in zip(sizes, kernel, strides, dilations)]
        small = [t // 2 for t in totals]
        large = [t - h for t, h in zip(totals, small)]
        return small + large if auto_pad == "SAME_UPPER" else large + small

    def extra_repr(self) -> str:
        return f"{self.op_type} with run-time weights"


def _freeze_constant_inputs(converted: nn.Module, constants: dict[str, np.ndarray]) -> None:
    """Turn constant shape/axes inputs into plain Python attributes, so torch.export sees no ``.item()``."""
    graph = converted.onnx_model.graph
    for node in graph.node:
        if (node.op_type not in _STATIC_REDUCE and node.op_type != "Reshape") or len(node.input) < 2 \
                or node.input[1] not in constants:
            continue
        name = converted.mapping[node.output[0]]
        op = getattr(converted, name, None)
        axes = tuple(int(v) for v in np.atleast_1d(constants[node.input[1]]))
        if node.op_type in _STATIC_REDUCE and axes:
            keepdims = next((a.i for a in node.attribute if a.name == "keepdims"), 1)
            setattr(converted, name, _StaticReduce(node.op_type, axes, bool(keepdims)))
        elif node.op_type == "Reshape" and hasattr(op, "shape"):
            op.shape = list(axes)  # for Reshape the constant is the target shape
        else:
            continue
        del node.input[1]


def _outputs_from_nodes(model: onnx.ModelProto) -> None:
    """Give graph outputs that no node computes (an input or a folded constant) an Identity node."""
    produced = {name for node in model.graph.node for name in node.output}
    for output in model.graph.output:
        if output.name not in produced:
            source, output.name = output.name, f"{output.name}__output"
            model.graph.node.append(onnx.helper.make_node("Identity", [source], [output.name]))


def _computed_inputs(node: onnx.NodeProto, constants: set[str]) -> list[str]:
    """The weight inputs of a layer node (Conv, BatchNormalization, ...) that are not constants."""
    weights = _LAYER_WEIGHTS.get(node.op_type) if node.domain in _DEFAULT_DOMAINS else None
    return [name for name in node.input[weights] if name and name not in constants] if weights else []


def _computed_weights(model: onnx.ModelProto) -> list[str]:
    """Layers that need constant weights but have computed ones, as "ConvTranspose 'name' (input 'w')"."""
    constants = {init.name for init in model.graph.initializer}
    found = []
    for node in model.graph.node:
        computed = _computed_inputs(node, constants)
        if computed and node.op_type not in _FUNCTIONAL_LAYERS:
            found.append(f"{node.op_type} {node.name or node.output[0]!r} (input{'s' * (len(computed) > 1)} "
                         f"{', '.join(map(repr, computed))})")
    return found


def _gemm_as_matmul(model: onnx.ModelProto) -> None:
    """Rewrite Gemm nodes whose B or C is computed at run time as Transpose, MatMul, Mul and Add.

    onnx2pytorch makes every Gemm an nn.Linear whose weight and bias must be initializers.
    """
    constants = {init.name for init in model.graph.initializer}
    nodes = []
    for node in model.graph.node:
        extra = node.input[1:3]
        if node.op_type == "Gemm" and node.domain in _DEFAULT_DOMAINS and any(n and n not in constants for n in extra):
            nodes.extend(_matmul_nodes(node, model.graph))
        else:
            nodes.append(node)
    del model.graph.node[:]
    model.graph.node.extend(nodes)


def _matmul_nodes(gemm: onnx.NodeProto, graph: onnx.GraphProto) -> list[onnx.NodeProto]:
    """alpha * A' @ B' + beta * C as plain nodes (A' and B' transposed when transA/transB say so)."""
    make, attributes = onnx.helper.make_node, {a.name: onnx.helper.get_attribute_value(a) for a in gemm.attribute}
    a, b, c = (list(gemm.input) + [""])[:3]
    prefix, nodes = f"{gemm.output[0]}__gemm", []
    for name, flag in ((a, "transA"), (b, "transB")):
        if attributes.get(flag, 0):
            nodes.append(make("Transpose", [name], [f"{prefix}_{flag}"], perm=[1, 0]))
    operands = [f"{prefix}_transA" if attributes.get("transA", 0) else a,
                f"{prefix}_transB" if attributes.get("transB", 0) else b]
    terms = [(f"{prefix}_ab", attributes.get("alpha", 1.0))] + ([(c, attributes.get("beta", 1.0))] if c else [])
    nodes.append(make("MatMul", operands, [terms[0][0]]))
    scaled = []
    for name, factor in terms:
        if factor != 1.0:  # a 0-d float32 factor keeps the other operand's dtype in PyTorch
            graph.initializer.append(numpy_helper.from_array(np.array(factor, np.float32), f"{name}__factor"))
            nodes.append(make("Mul", [name, f"{name}__factor"], [f"{name}__scaled"]))
            name = f"{name}__scaled"
        scaled.append(name)
    nodes.append(make("Add", scaled, gemm.output) if c else make("Identity", scaled, gemm.output))
    return nodes


def _constant_data_as_activations(model: onnx.ModelProto) -> None:
    """Route constants that onnx2pytorch would mistake for weights through Identity nodes.

    It reads the first initializer input of a layer or MatMul as its 2-D weight: a constant data
    input (input 0), or a MatMul constant that is not a 2-D right-hand side, must look computed.
    """
    dims = {init.name: len(init.dims) for init in model.graph.initializer}
    identities = {}
    for node in model.graph.node:
        if node.domain not in _DEFAULT_DOMAINS or (node.op_type not in _LAYER_WEIGHTS and node.op_type != "MatMul"):
            continue
        positions = [0] + ([1] if node.op_type == "MatMul" and dims.get(node.input[1], 2) != 2 else [])
        for position in (p for p in positions if node.input[p] in dims):
            name = node.input[position]
            identities.setdefault(name, onnx.helper.make_node("Identity", [name], [f"{name}__value"]))
            node.input[position] = f"{name}__value"
    for identity in reversed(list(identities.values())):
        model.graph.node.insert(0, identity)


def _prepare(model: onnx.ModelProto, overridable_inputs: Sequence[str]) -> tuple[onnx.ModelProto, ImportReport]:
    """Check, upgrade and fold the model; raise one UnsupportedOperatorError listing all that cannot convert."""
    values = find_unsupported_values(model)
    if values:
        raise _unsupported_error(find_unsupported_operators(model), values)
    prepared, constants = constants_not_inputs(model, overridable_inputs)
    prepared, source_opset = upgrade_opset(prepared)
    prepared, folded = fold_constants(prepared)
    _gemm_as_matmul(prepared)
    operators, computed = find_unsupported_operators(prepared), _computed_weights(prepared)
    if operators or computed:
        raise _unsupported_error(operators, [], computed)
    _constant_data_as_activations(prepared)
    _outputs_from_nodes(prepared)
    return prepared, ImportReport(source_opset, _default_opset(prepared), folded, constants)


def _convert(prepared: onnx.ModelProto) -> nn.Module:
    """onnx2pytorch's ConvertModel, with run-time-weight layers and constant shapes and axes handled."""
    from onnx2pytorch import ConvertModel

    # ConvertModel keeps the graph it is given and walks it in forward(): give it its own copy.
    graph_copy = onnx.ModelProto.FromString(prepared.SerializeToString())
    functional = _functional_placeholders(graph_copy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        converted = ConvertModel(graph_copy, experimental=True, enable_pruning=False)
    for node, layer in functional:
        setattr(converted, converted.mapping[node.output[0]], layer)
        node.op_type = layer.op_type
    _freeze_constant_inputs(converted, {i.name: numpy_helper.to_array(i) for i in prepared.graph.initializer})
    return converted


def _functional_placeholders(model: onnx.ModelProto) -> list[tuple[onnx.NodeProto, _FunctionalLayer]]:
    """Make each layer with computed weights a Neg node, which ConvertModel builds without weights.

    ConvertModel then passes every input of the node to its module; ``_convert`` swaps that module
    for the returned _FunctionalLayer and gives the node its op type back.
    """
    constants = {init.name for init in model.graph.initializer}
    found = []
    for node in model.graph.node:
        if node.op_type in _FUNCTIONAL_LAYERS and _computed_inputs(node, constants):
            attributes = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            found.append((node, _FunctionalLayer(node.op_type, attributes)))
            node.op_type = "Neg"
    return found


def _verify(module: ImportedModule, original: onnx.ModelProto, prepared: onnx.ModelProto, verify: bool | str,
            tolerances: tuple[float, float], example_inputs: Sequence[torch.Tensor] | None) -> None:
    """Compare with the original model (or the prepared one, if no runtime can run the original)."""
    rtol, atol = tolerances
    try:
        report = verify_against_onnxruntime(module, original, rtol=rtol, atol=atol, example_inputs=example_inputs)
    except Exception:  # e.g. opset-6 kernels that onnxruntime no longer ships: check the upgraded model
        report = verify_against_onnxruntime(module, prepared, rtol=rtol, atol=atol, example_inputs=example_inputs)
    module.verification = module.report.verification = report
    if verify is True and not report.ok:
        raise ValueError(f"The imported module does not reproduce the ONNX model: {report}. "
                         "Use verify='report' to inspect it anyway, or run the model with onnxruntime.")


def import_to_pytorch(model_or_path: str | Path | onnx.ModelProto, *, verify: bool | str = True,
                      rtol: float = 1e-3, atol: float = 1e-4, overridable_inputs: Sequence[str] = (),
                      example_inputs: Sequence[torch.Tensor] | None = None) -> ImportedModule:
    """Convert an ONNX model into a trainable PyTorch module, checked against onnxruntime.

    Models older than opset 9 are upgraded (to UPGRADE_OPSET) first; initializers also listed as
    graph inputs (IR-3 files of the classic model zoo) are constants; nodes that compute weights are
    folded. ``module.report`` says what was done.

    Args:
        model_or_path: an ``.onnx`` file or a loaded ModelProto.
        verify: True raises ValueError when outputs differ beyond tolerance; ``"report"`` only stores
            the VerificationReport in ``module.verification``; False skips the check.
        rtol, atol: tolerances of the check.
        overridable_inputs: graph inputs with an initializer that should stay inputs of the module.
        example_inputs: tensors to verify with, one per module input (default: seeded random ones).

    Raises:
        UnsupportedOperatorError: listing every operator (domain, type, opset) and every input or output
            type (strings, sequences, ...) that cannot be converted.
    """
    if verify not in (True, False, "report"):
        raise ValueError(f"verify must be True, False or 'report', not {verify!r}.")
    original = load_onnx(model_or_path)
    prepared, report = _prepare(original, overridable_inputs)
    inputs, outputs = tensor_infos(prepared)[0], tensor_infos(original)[1]
    module = ImportedModule(_convert(prepared), inputs, outputs, report.opset, report).eval()
    for parameter in module.parameters():
        parameter.requires_grad_(True)
    if verify:
        _verify(module, _overridable(original, overridable_inputs), prepared, verify, (rtol, atol), example_inputs)
    return module


def _overridable(model: onnx.ModelProto, overridable_inputs: Sequence[str]) -> onnx.ModelProto:
    """The model as a runtime must see it to take feeds for inputs with initializers (IR 4 or newer)."""
    if not overridable_inputs or model.ir_version >= 4:
        return model
    model = onnx.ModelProto.FromString(model.SerializeToString())
    model.ir_version = 4  # IR-3 runtimes treat every initializer as a constant and refuse such feeds
    return model
