"""ONNX back to PyTorch (notebook 04): the real version of the blog's imaginary ``torch.onnx.import_to_pytorch``.

``import_to_pytorch`` builds on the maintained ``onnx2pytorch`` converter and adds what it lacks:
old opsets upgraded with ``onnx.version_converter``, initializers listed as graph inputs (the IR-3
convention of the classic model zoo) treated as constants, constant folding with onnxscript's folder
(weights computed by nodes), one error that lists everything that cannot be converted, verification
against onnxruntime, and a module that the default (dynamo) exporter can export again.

One module per job, each importing only the ones listed before it:
``support`` (what can be converted, UnsupportedOperatorError), ``broadcast`` (opset-6 PRelu and
``axis`` broadcasts spelled out before the upgrade, PRelu slopes that cannot broadcast), ``passes``
(IR-3 constants, opset upgrade, constant folding), ``verification`` (comparison with onnxruntime,
values and dtypes), ``rewrites`` (graph fixes for onnx2pytorch), ``converter`` (onnx2pytorch's
ConvertModel plus the layers it lacks, and an ONNX-typed Pow) and ``importer`` (``import_to_pytorch``
and ImportedModule).
"""

from __future__ import annotations

from .importer import ImportedModule, ImportReport, import_to_pytorch
from .passes import MIN_OPSET, UPGRADE_OPSET, constants_not_inputs, fold_constants, upgrade_opset
from .support import (TRAINING_DOMAINS, UnsupportedOperatorError, find_unsupported_operators, find_unsupported_values,
                      supported_operators)
from .verification import VerificationReport, make_example_inputs, verify_against_onnxruntime

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
# MIN_OPSET, UPGRADE_OPSET and TRAINING_DOMAINS are importable from here too, and stay out of ``__all__``,
# as in the single module this package replaced.
