"""``import_to_pytorch`` and the ImportedModule it returns: ONNX back to PyTorch (notebook 04; also 06, 08).

The front door of ``helpers.convert``: prepare the graph (``passes``, ``rewrites``), refuse what
cannot convert in one error (``support``), convert it (``converter``), and check the module against
onnxruntime (``verification``). ``module.report`` says what was done.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import onnx
import torch
from torch import nn

from ..compare import DEFAULT_RTOL
from ..onnx_file import TensorInfo, default_opset, load_onnx, tensor_infos
from .broadcast import prelu_slope_errors
from .converter import _convert
from .passes import constants_not_inputs, fold_constants, upgrade_opset
from .rewrites import _computed_weights, _constant_data_as_activations, _gemm_as_matmul, _outputs_from_nodes
from .support import _unsupported_error, find_unsupported_operators, find_unsupported_values
from .verification import CONVERTED_ATOL, VerificationReport, _checked_examples, verify_against_onnxruntime

__all__ = [
    "ImportedModule",
    "ImportReport",
    "import_to_pytorch",
]


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
    ``verify=False``); ``report`` also says what was upgraded, folded and kept as constants. Graph
    inputs with an initializer that were kept as constants are not inputs of the module: feeding
    one raises TypeError naming ``overridable_inputs``, the import option that keeps it an input.
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
            raise TypeError(f"This module takes {len(self.input_infos)} input(s) ({names}); got {len(inputs)}."
                            + (self._constants_hint() if len(inputs) > len(self.input_infos) else ""))
        for value, info in zip(inputs, self.input_infos):
            _check_input(value, info)
        return self.converted(*inputs)

    def _constants_hint(self, fed: Sequence[str] = ()) -> str:
        """What to do when a caller feeds graph inputs that the import kept as constants (none: "")."""
        constants = self.report.constant_inputs if self.report else []
        named = [name for name in fed if name in constants] or constants
        if not named:
            return ""
        listed = ", ".join(map(repr, named[:5])) + (", ..." if len(named) > 5 else "")
        return (f" The graph input(s) {listed} have an initializer and were imported as constants (their stored "
                f"value, as onnxruntime uses when they are not fed); to feed them, import with "
                f"import_to_pytorch(..., overridable_inputs=[{', '.join(map(repr, named[:5]))}]).")

    def _inputs_by_name(self, positional: tuple, named: dict) -> tuple:
        """Merge keyword inputs (ONNX input names) into the positional order."""
        names = [info.name for info in self.input_infos]
        unknown = sorted(set(named) - set(names[len(positional):]))
        if unknown:
            raise TypeError(f"Unknown or repeated input name(s) {unknown}; this module's inputs are {names}."
                            + self._constants_hint(unknown))
        missing = [name for name in names[len(positional):] if name not in named]
        if missing:
            raise TypeError(f"Missing input(s) {missing}; this module's inputs are {names}.")
        return tuple(positional) + tuple(named[name] for name in names[len(positional):])

    def extra_repr(self) -> str:
        sig = ", ".join(str(i) for i in self.input_infos) + " -> " + ", ".join(str(o) for o in self.output_infos)
        upgraded = f" (upgraded from {self.report.source_opset})" if self.report and self.report.upgraded else ""
        return f"onnx opset {self.opset}{upgraded}: {sig}"


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
    slopes = prelu_slope_errors(prepared)
    if slopes:
        raise ValueError(f"Cannot convert {len(slopes)} PRelu node(s) whose slope does not broadcast to the input: "
                         f"{'; '.join(slopes)}. onnxruntime refuses such a model too: fix the slope's shape in the "
                         "file, or re-export it from PyTorch.")
    _constant_data_as_activations(prepared)
    _outputs_from_nodes(prepared)
    return prepared, ImportReport(source_opset, default_opset(prepared), folded, constants)


def _verify(module: ImportedModule, original: onnx.ModelProto, prepared: onnx.ModelProto, verify: bool | str,
            tolerances: tuple[float, float], example_inputs: Sequence[torch.Tensor] | None) -> None:
    """Compare with the original model (or the prepared one, if no runtime can run the original)."""
    rtol, atol = tolerances
    if example_inputs is not None:  # the caller's examples that cannot fit are the caller's error, said as such
        _checked_examples(getattr(module, "input_infos", None) or tensor_infos(original)[0], example_inputs)
    try:
        report = verify_against_onnxruntime(module, original, rtol=rtol, atol=atol, example_inputs=example_inputs)
    except Exception:  # e.g. opset-6 kernels that onnxruntime no longer ships: check the upgraded model
        try:
            report = verify_against_onnxruntime(module, prepared, rtol=rtol, atol=atol, example_inputs=example_inputs)
        except Exception as error:  # the inputs do not fit the model (sizes that depend on each other, ...)
            if str(error).startswith("Nothing to compare"):  # it ran, but on these examples proves nothing
                raise ValueError(f"The module converted, but on the example_inputs given the model's output proves "
                                 f"nothing ({error}) Pass examples with rows and finite values, e.g. torch.randn(2, "
                                 "...), or verify=False to skip the check.") from error
            which = ("the example_inputs given" if example_inputs is not None else
                     "made-up example inputs (every named dimension 2, integers 0-9)")
            raise ValueError(f"The module converted, but no runtime could run the model on {which} to verify it: "
                             f"{type(error).__name__}: {str(error).strip().splitlines()[0][:200]}. When input sizes "
                             "depend on each other (a key/value cache and its attention mask) or integers are "
                             "indices, pass example_inputs=[...] that fit together; verify=False skips the "
                             "check.") from error
        report.reference += " (on the upgraded model: no runtime ran the original)"
    module.verification = module.report.verification = report
    if verify is True and not report.ok:
        raise ValueError(f"The imported module does not reproduce the ONNX model: {report}. "
                         "Use verify='report' to inspect it anyway, or run the model with onnxruntime.")


_TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16, "int64": torch.int64,
                 "int32": torch.int32, "bool": torch.bool}


def _check_input(value: object, info) -> None:
    """A tensor of the graph input's type, rank and fixed sizes; else a TypeError/ValueError that names the input."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"Input {info} takes a torch tensor, got a {type(value).__name__}"
                        + (": convert it with torch.from_numpy(array)." if hasattr(value, "__array__") else "."))
    wanted = _TORCH_DTYPES.get(info.dtype)
    if wanted is not None and value.dtype != wanted:
        raise TypeError(f"Input {info} takes {info.dtype}, got {str(value.dtype).removeprefix('torch.')}: "
                        f"convert it with .to({wanted}).")
    fixed = [(axis, size) for axis, size in enumerate(info.shape) if isinstance(size, int)]
    if value.dim() != len(info.shape) or any(value.shape[axis] != size for axis, size in fixed):
        raise ValueError(f"Input {info} got shape {tuple(value.shape)}: the sizes given as numbers are fixed.")


def import_to_pytorch(model_or_path: str | Path | onnx.ModelProto, *, verify: bool | str = True,
                      rtol: float = DEFAULT_RTOL, atol: float = CONVERTED_ATOL, overridable_inputs: Sequence[str] = (),
                      example_inputs: Sequence[torch.Tensor] | None = None) -> ImportedModule:
    """Convert an ONNX model into a trainable PyTorch module, checked against onnxruntime.

    Models older than opset 9 are upgraded (to UPGRADE_OPSET) first; initializers also listed as
    graph inputs (IR-3 files of the classic model zoo) are constants; nodes that compute weights are
    folded. ``module.report`` says what was done.

    A graph input with an initializer is, in ONNX, a default that a caller may feed. The module uses
    its stored value, which is what onnxruntime computes when only the data inputs are fed (and all
    an IR-3 file allows in onnxruntime); it does not take such an input, and says so (TypeError) when
    a caller passes one. Name it in ``overridable_inputs`` to keep it an input: it then loses its
    initializer, so that no pass folds it or freezes it into the module.

    Args:
        model_or_path: an ``.onnx`` file or a loaded ModelProto.
        verify: True raises ValueError when outputs differ beyond tolerance; ``"report"`` only stores
            the VerificationReport in ``module.verification``; False skips the check.
        rtol, atol: tolerances of the check.
        overridable_inputs: graph inputs with an initializer that should stay inputs of the module
            (a value is then required on every call).
        example_inputs: tensors to verify with, one per module input (default: seeded random ones).

    Raises:
        UnsupportedOperatorError: listing every operator (domain, type, opset) and every input or output
            type (strings, sequences, ...) that cannot be converted.
        ValueError: for a model that no runtime can run as written (a PRelu slope that does not
            broadcast to its input, ...) or that onnx.version_converter cannot upgrade.
    """
    if not (isinstance(verify, bool) or verify == "report"):  # 1 == True, but a 1 would not raise on a mismatch
        raise ValueError(f"verify must be True, False or 'report', not {verify!r}.")
    if overridable_inputs is None:  # "none of them", as the empty default says
        overridable_inputs = ()
    if isinstance(overridable_inputs, str):
        raise TypeError(f"overridable_inputs takes a list of input names: overridable_inputs=[{overridable_inputs!r}].")
    for name, tolerance in (("rtol", rtol), ("atol", atol)):
        if isinstance(tolerance, bool) or not isinstance(tolerance, numbers.Real) or not 0 <= tolerance <= 1:
            raise ValueError(f"{name} must be a number from 0 to 1 (e.g. {name}=1e-4), got {tolerance!r}.")
    if isinstance(example_inputs, torch.Tensor):  # one input, as export_model takes it
        example_inputs = [example_inputs]
    # A file is checked; a ModelProto is taken as given (an old model zoo's graph may lack what the checker wants
    # and still convert): the verification against onnxruntime below is the check that matters.
    original = load_onnx(model_or_path, check=not isinstance(model_or_path, onnx.ModelProto))
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
