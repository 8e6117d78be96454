"""Check an imported module against onnxruntime on one seeded input: values and dtypes (notebook 04).

``import_to_pytorch`` calls ``verify_against_onnxruntime`` on every import and keeps the
VerificationReport it returns in ``module.verification``. Of the course it imports only ``compare`` and ``onnx_file``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import onnx
import torch
from torch import nn

from ..compare import DEFAULT_RTOL, compare_all
from ..onnx_file import TensorInfo, load_onnx, tensor_infos

__all__ = [
    "VerificationReport",
    "verify_against_onnxruntime",
    "make_example_inputs",
    "CONVERTED_ATOL",
]

# A converted module re-implements each operator with other PyTorch kernels; through a deep network the
# float32 rounding adds up to more than the default atol, so imports are checked at 1e-4.
CONVERTED_ATOL = 1e-4


@dataclass
class VerificationReport:
    """How the imported module's outputs compare with the reference runtime on a generated input."""

    reference: str  # "onnxruntime" or "onnx.reference"
    max_abs_diff: float
    rtol: float
    atol: float
    ok: bool
    input_shapes: dict[str, tuple[int, ...]]
    dtypes: str = ""  # the outputs whose dtype differs from the reference's ("" when all agree)

    def __str__(self) -> str:
        verdict = "match" if self.ok else "DIFFER"
        shapes = ", ".join(f"{k}{v}" for k, v in self.input_shapes.items())
        return (f"{verdict}: PyTorch vs {self.reference} on {shapes}: max |Δ| = {self.max_abs_diff:.1e} "
                f"(rtol={self.rtol:g}, atol={self.atol:g})"
                + (f"; dtypes differ: {self.dtypes}" if self.dtypes else ""))

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def make_example_inputs(inputs: list[TensorInfo], batch: int = 2, seed: int = 0) -> list[torch.Tensor]:
    """Seeded tensors matching each input's dtype and shape; symbolic dimensions become ``batch``."""
    if isinstance(inputs, onnx.ModelProto) or not isinstance(inputs, (list, tuple)):  # pass 12: a raw TypeError
        raise TypeError(f"make_example_inputs takes the model's input infos, tensor_infos(model)[0], not a "
                        f"{type(inputs).__name__}.")
    if isinstance(batch, bool) or not isinstance(batch, numbers.Integral) or batch < 1:
        raise ValueError(f"batch is the size given to every named dimension: a whole number of at least 1, got "
                         f"{batch!r} (empty examples would prove nothing).")
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
        # The standard operators as written (no fusions, no re-laid-out weight copies), run once: no arena either.
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.enable_cpu_mem_arena = False
        session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
        return "onnxruntime", session.run(None, feeds)
    except Exception:  # e.g. an opset newer than this onnxruntime knows
        from onnx.reference import ReferenceEvaluator

        return "onnx.reference", ReferenceEvaluator(model).run(None, feeds)


def _dtype_mismatches(got: list[torch.Tensor], expected: list) -> str:
    """The outputs whose dtype differs from the reference's, as "output 0 float32 (expected float16)", or ""."""
    found = []
    for index, (value, reference) in enumerate(zip(got, expected)):
        is_tensor = isinstance(value, torch.Tensor)
        actual = str(value.dtype).removeprefix("torch.") if is_tensor else np.asarray(value).dtype.name
        if actual != np.asarray(reference).dtype.name:
            found.append(f"output {index} {actual} (expected {np.asarray(reference).dtype.name})")
    return ", ".join(found)


def _compare(got: list[torch.Tensor], expected: list, rtol: float, atol: float) -> tuple[float, bool]:
    """The largest absolute difference, and whether each output has the reference's dtype and values.

    Values agree within tolerance, NaN matching NaN.
    """
    comparison = compare_all(expected, got, rtol=rtol, atol=atol)
    return comparison.max_abs_diff, comparison.ok and not _dtype_mismatches(got, expected)


def _checked_examples(inputs: list[TensorInfo], example_inputs: Sequence[torch.Tensor]) -> list[torch.Tensor]:
    """The caller's example inputs, refused with the reason if the model cannot take them."""
    if isinstance(example_inputs, (torch.Tensor, np.ndarray)):  # list() would split one tensor into its rows
        raise TypeError(f"example_inputs takes a tuple of tensors, one per model input ({', '.join(str(i) for i in inputs)}), "
                        f"got one {type(example_inputs).__name__}: pass (torch.as_tensor(x),) with the comma.")
    examples = list(example_inputs)
    if len(examples) != len(inputs) or not all(isinstance(t, torch.Tensor) for t in examples):
        raise TypeError(f"example_inputs takes one tensor per model input ({', '.join(str(i) for i in inputs)}), "
                        f"got {[type(t).__name__ for t in examples]}.")
    for info, tensor in zip(inputs, examples):
        wanted = np.dtype(info.dtype) if info.dtype in np.sctypeDict else None
        if wanted is not None and tensor.detach().numpy().dtype != wanted:
            target = torch.from_numpy(np.zeros(0, wanted)).dtype
            raise TypeError(f"example input {info.name!r} is {tensor.dtype}, the model takes {info.dtype}: convert it, "
                            f"e.g. tensor.to({target}).")
        sizes = [(axis, size) for axis, size in enumerate(info.shape) if isinstance(size, int)]
        if tensor.dim() != len(info.shape) or any(tensor.shape[axis] != size for axis, size in sizes):
            raise ValueError(f"example input {info.name!r} has shape {tuple(tensor.shape)}, the model takes {info}: "
                             "give it that shape (named dimensions may take any size).")
    return examples


def verify_against_onnxruntime(module: nn.Module, model: onnx.ModelProto, *, rtol: float = DEFAULT_RTOL,
                               atol: float = CONVERTED_ATOL, batch: int = 2, seed: int = 0,
                               example_inputs: Sequence[torch.Tensor] | None = None) -> VerificationReport:
    """Run the ONNX model (onnxruntime, or onnx.reference if it cannot load it) and ``module`` on one input.

    The input is ``example_inputs`` or, by default, seeded random tensors (integer inputs get values
    0-9: pass ``example_inputs`` when they are shapes or indices that need other values).
    """
    if isinstance(model, nn.Module) and not isinstance(module, nn.Module):  # pass 12: a raw AttributeError
        raise TypeError("verify_against_onnxruntime takes the PyTorch module first, then the ONNX model: "
                        "verify_against_onnxruntime(module, model).")
    model = load_onnx(model, check=False)  # a path too (pass 12: onnx.reference's raw TypeError)
    inputs = getattr(module, "input_infos", None) or tensor_infos(model)[0]
    examples = _checked_examples(inputs, example_inputs) if example_inputs is not None else \
        make_example_inputs(inputs, batch, seed)
    feeds = {i.name: t.detach().numpy() for i, t in zip(inputs, examples)}
    reference, expected = _reference_outputs(model, feeds)
    with torch.no_grad():
        got = module(*examples)
    got_list = [got] if isinstance(got, torch.Tensor) else list(got)
    worst, ok = _compare(got_list, expected, rtol, atol)
    shapes = {i.name: tuple(t.shape) for i, t in zip(inputs, examples)}
    return VerificationReport(reference, worst, rtol, atol, ok, shapes, _dtype_mismatches(got_list, expected))
