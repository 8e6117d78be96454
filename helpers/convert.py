"""ONNX back to PyTorch: the real version of the blog's imaginary ``torch.onnx.import_to_pytorch``.

``import_to_pytorch`` builds on the maintained ``onnx2pytorch`` converter and adds what it lacks:
constant folding (weights computed by nodes), one error that lists every unsupported operator,
verification against onnxruntime, and a module that the default (dynamo) exporter can export again.
"""

from __future__ import annotations

import inspect as _inspect
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

from .export import TensorInfo, iter_nodes, load_onnx, tensor_infos

__all__ = [
    "ImportedModule",
    "VerificationReport",
    "UnsupportedOperatorError",
    "import_to_pytorch",
    "fold_constants",
    "find_unsupported_operators",
    "supported_operators",
    "verify_against_onnxruntime",
    "make_example_inputs",
]

MIN_OPSET = 9
_STATIC_REDUCE = {"ReduceMean": torch.mean, "ReduceSum": torch.sum, "ReduceMax": torch.amax, "ReduceMin": torch.amin}


class UnsupportedOperatorError(NotImplementedError):
    """The ONNX model uses operators that cannot be converted to PyTorch modules."""


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


class ImportedModule(nn.Module):
    """A PyTorch module converted from ONNX: trainable, and exportable again with ``torch.onnx.export``.

    Call it like the ONNX model: one tensor per graph input, in order. ``verification`` holds the
    comparison with onnxruntime made at import time (None when ``verify=False``).
    """

    def __init__(self, converted: nn.Module, inputs: list[TensorInfo], outputs: list[TensorInfo],
                 opset: int) -> None:
        super().__init__()
        self.converted = converted
        self.input_infos = inputs
        self.output_infos = outputs
        self.opset = opset
        self.verification: VerificationReport | None = None

    def forward(self, *inputs: torch.Tensor):
        if len(inputs) != len(self.input_infos):
            names = ", ".join(str(i) for i in self.input_infos)
            raise TypeError(f"This module takes {len(self.input_infos)} input(s) ({names}); got {len(inputs)}.")
        return self.converted(*inputs)

    def extra_repr(self) -> str:
        sig = ", ".join(str(i) for i in self.input_infos) + " -> " + ", ".join(str(o) for o in self.output_infos)
        return f"onnx opset {self.opset}: {sig}"


def supported_operators() -> frozenset[str]:
    """Operator types (default ONNX domain) that onnx2pytorch converts explicitly."""
    import onnx2pytorch.convert.operations as ops

    return frozenset(re.findall(r'node\.op_type == "(\w+)"', _inspect.getsource(ops)))


def _default_opset(model: onnx.ModelProto) -> int:
    for opset in model.opset_import:
        if opset.domain in ("", "ai.onnx"):
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
        if domain not in ("", "ai.onnx") or (supported and node.op_type not in supported):
            found.add((domain or "ai.onnx", node.op_type, versions.get(node.domain, versions.get("", 0))))
    return sorted(found)


def fold_constants(model: onnx.ModelProto, max_elements: int = 50_000_000) -> tuple[onnx.ModelProto, int]:
    """Evaluate every node whose inputs are all constants and store its outputs as initializers.

    Weights produced by nodes (``Constant``, ``ConstantOfShape``, arithmetic on constants, ``Reshape``
    of constants, ...) become plain initializers, which converters understand. Returns the new
    model and the number of nodes folded. Uses ``onnx.reference`` (pure NumPy) to evaluate.
    """
    from onnx.reference import ReferenceEvaluator

    model = onnx.ModelProto.FromString(model.SerializeToString())
    graph = model.graph
    constants = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    graph_inputs = {i.name for i in graph.input} - set(constants)
    kept, folded = [], 0
    for node in graph.node:
        inputs = [name for name in node.input if name]
        foldable = (node.domain in ("", "ai.onnx") and not any(a.type in (onnx.AttributeProto.GRAPH,
                    onnx.AttributeProto.GRAPHS) for a in node.attribute)
                    and all(name in constants and name not in graph_inputs for name in inputs)
                    and node.op_type not in ("RandomNormal", "RandomUniform", "RandomNormalLike",
                                             "RandomUniformLike", "Multinomial", "Bernoulli"))
        if foldable:
            try:
                values = ReferenceEvaluator(node).run(None, {name: constants[name] for name in inputs})
            except Exception:  # leave anything the reference cannot evaluate to the converter
                values = None
            if values is not None and all(np.asarray(v).size <= max_elements for v in values):
                for name, value in zip(node.output, values):
                    constants[name] = np.asarray(value)
                    graph.initializer.append(numpy_helper.from_array(np.asarray(value), name))
                folded += 1
                continue
        kept.append(node)
    del graph.node[:]
    graph.node.extend(kept)
    used = {name for node in iter_nodes(graph) for name in node.input} | {o.name for o in graph.output}
    unused = [init for init in graph.initializer if init.name not in used]
    for init in unused:
        graph.initializer.remove(init)
    return model, folded


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
    try:
        import onnxruntime as ort

        session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        return "onnxruntime", session.run(None, feeds)
    except Exception:  # e.g. an opset newer than this onnxruntime knows
        from onnx.reference import ReferenceEvaluator

        return "onnx.reference", ReferenceEvaluator(model).run(None, feeds)


def verify_against_onnxruntime(module: nn.Module, model: onnx.ModelProto, *, rtol: float = 1e-3,
                               atol: float = 1e-4, batch: int = 2, seed: int = 0) -> VerificationReport:
    """Run the ONNX model (onnxruntime, or onnx.reference if it cannot load it) and ``module`` on one seeded input."""
    inputs, _ = tensor_infos(model)
    examples = make_example_inputs(inputs, batch=batch, seed=seed)
    reference, expected = _reference_outputs(model, {i.name: t.numpy() for i, t in zip(inputs, examples)})
    with torch.no_grad():
        got = module(*examples)
    got_list = [got] if isinstance(got, torch.Tensor) else list(got)
    worst, ok = 0.0, len(got_list) == len(expected)
    for g, e in zip(got_list, expected):
        g = g.detach().numpy()
        if g.shape != np.shape(e):
            ok, worst = False, float("inf")
            continue
        diff = np.abs(g.astype(np.float64) - np.asarray(e, dtype=np.float64))
        worst = max(worst, float(diff.max(initial=0.0)))
        ok = ok and bool(np.all(diff <= atol + rtol * np.abs(np.asarray(e, dtype=np.float64))))
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


def import_to_pytorch(model_or_path: str | Path | onnx.ModelProto, *, verify: bool | str = True,
                      rtol: float = 1e-3, atol: float = 1e-4) -> ImportedModule:
    """Convert an ONNX model into a trainable PyTorch module, checked against onnxruntime.

    Args:
        model_or_path: an ``.onnx`` file or a loaded ModelProto (opset 9 or newer).
        verify: True raises ValueError when outputs differ beyond tolerance; ``"report"`` only stores
            the VerificationReport in ``module.verification``; False skips the check.
        rtol, atol: tolerances of the check.

    Raises:
        UnsupportedOperatorError: listing every operator (domain, type, opset) that cannot be converted.
    """
    if verify not in (True, False, "report"):
        raise ValueError(f"verify must be True, False or 'report', not {verify!r}.")
    model = load_onnx(model_or_path)
    opset = _default_opset(model)
    if opset < MIN_OPSET:
        raise ValueError(f"The model uses opset {opset}; convert it to opset >= {MIN_OPSET} first with "
                         "onnx.version_converter.convert_version(model, 13).")
    model, _ = fold_constants(model)
    unsupported = find_unsupported_operators(model)
    if unsupported:
        listed = ", ".join(f"{op} ({domain}, opset {version})" for domain, op, version in unsupported)
        raise UnsupportedOperatorError(
            f"Cannot convert {len(unsupported)} operator type(s) to PyTorch: {listed}. "
            "Run this model with onnxruntime instead (helpers.create_session), or re-export it from PyTorch.")
    from onnx2pytorch import ConvertModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # ConvertModel keeps the graph it is given and walks it in forward(): give it its own copy.
        converted = ConvertModel(onnx.ModelProto.FromString(model.SerializeToString()), experimental=True,
                                 enable_pruning=False)
    _freeze_constant_inputs(converted, {i.name: numpy_helper.to_array(i) for i in model.graph.initializer})
    inputs, outputs = tensor_infos(model)
    module = ImportedModule(converted, inputs, outputs, opset).eval()
    for parameter in module.parameters():
        parameter.requires_grad_(True)
    if verify:
        report = verify_against_onnxruntime(module, model, rtol=rtol, atol=atol)
        module.verification = report
        if verify is True and not report.ok:
            raise ValueError(f"The imported module does not reproduce the ONNX model: {report}. "
                             "Use verify='report' to inspect it anyway, or run the model with onnxruntime.")
    return module
