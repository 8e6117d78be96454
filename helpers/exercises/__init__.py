"""Self-checking exercises for notebooks 01–08: each ``check_*`` inspects what a student built and says what is missing.

A check takes the artifact itself (a module, a file, a session), runs it against a reference, and returns
an ``ExerciseResult``: passed, not yet right (with a hint), or not done yet.

The notebooks call ``helpers.exercises.check_...``; the checks live in ``checks_01_04`` and ``checks_05_08``,
the verdict they return in ``verdict``, and the probes they share (load a file, run a session) in ``artifacts``.
"""

from __future__ import annotations

from .checks_01_04 import (check_fine_tuned_file, check_first_layer_trainable, check_hidden_output,
                           check_inference_session, check_linear_built_by_hand, check_onnx_export,
                           check_trained_regressor, check_weights_file)
from .checks_05_08 import (check_async_timing, check_cond_export, check_custom_clip_op, check_custom_op_session,
                           check_extended_optimized_file, check_pair_sum_export, check_session_options,
                           check_static_int8)
from .verdict import ExerciseResult, check_answer

__all__ = [
    "ExerciseResult",
    "check_answer",
    "check_trained_regressor",
    "check_weights_file",
    "check_onnx_export",
    "check_inference_session",
    "check_first_layer_trainable",
    "check_fine_tuned_file",
    "check_async_timing",
    "check_session_options",
    "check_static_int8",
    "check_extended_optimized_file",
    "check_cond_export",
    "check_pair_sum_export",
    "check_custom_clip_op",
    "check_custom_op_session",
    "check_linear_built_by_hand",
    "check_hidden_output",
]
