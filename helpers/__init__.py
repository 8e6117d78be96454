"""helpers: the tested library behind the PyTorch <-> ONNX course notebooks.

One module or subpackage per course stage: ``models`` (define and train, notebook 01), ``export`` (to ONNX,
02), ``runtime`` (onnxruntime, 02), ``inspection`` (graph summary, drawing, Netron, 03), ``convert`` (ONNX
back to PyTorch, 04), ``bench`` (CPU vs GPU timing, 05), ``optimize`` and ``shapes`` (graph levels, int8,
fp16, a small image task, 06), ``dynamic`` (control flow and dynamic shapes, 07), ``custom_ops`` (custom
operators, 08), ``troubleshoot`` (broken models for diagnosing failures, 09), ``language_model`` (the tiny language
model's text, cache names and references, 10), ``webpage``, ``serving`` and ``triton`` (the same file in a web
page, behind a server and in Triton's model repository, 11). Underneath them: ``onnx_file`` (ONNX-file basics), ``compare`` (the one output comparison),
``environment`` (versions, GPU, threads), ``errors``, ``i18n``, ``training``; beside them ``fixtures``
(files a notebook needs from an earlier one), ``exercises``, ``course``, ``doctor`` and ``workshop``.

Importing ``helpers`` imports nothing else: each module and name below is imported on first use
(PEP 562). That lets ``python -m helpers.doctor`` run, and explain what is missing, on a Python
without PyTorch or onnxruntime. ``helpers.setup_notebook()`` imports everything at once.
"""

from __future__ import annotations

import importlib
from typing import Any

# Where each public name lives, in the order the package used to import them.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "convert": ("ImportedModule", "UnsupportedOperatorError", "import_to_pytorch"),
    "course": ("binder_url", "colab_badge", "colab_url", "setup_notebook"),
    "environment": ("EnvironmentReport", "MemoryFreed", "artifacts_dir", "cpu_int8_features", "describe_environment",
                    "detect_platform", "free_memory", "gpu_available", "gpu_name", "onnxruntime_has_cuda"),
    "export": ("DEFAULT_OPSET", "ExportReport", "TensorInfo", "export_model", "load_onnx"),
    "fixtures": ("ensure_linear_onnx", "ensure_trained_linear"),
    "inspection": ("GraphDrawing", "GraphSummary", "NetronView", "draw_graph", "show_in_netron", "stop_netron",
                   "summarize"),
    "models": ("SHAPE_CLASSES", "ImageData", "LinearRegressor", "RegressionData", "TrainingHistory",
               "count_parameters", "freeze_all_but_last", "load_weights", "accuracy",
               "make_linear_model", "make_mlp", "make_regression_data", "make_shapes_data", "make_small_cnn",
               "make_torchvision_model", "plot_losses", "save_weights", "train_classifier", "train_regressor"),
    "runtime": ("Comparison", "Session", "compare_outputs", "create_session", "run", "to_numpy"),
    "i18n": ("set_language", "get_language"),
}
_LOCATION = {name: module for module, names in _EXPORTS.items() for name in names}
# Imported by ``import_all`` before anything else, as the package's first line used to.
_TEACHING_MODULES = ("convert", "custom_ops", "dynamic", "exercises", "inspection", "language_model", "optimize",
                     "troubleshoot")
_SUBMODULES = frozenset(_TEACHING_MODULES + tuple(_EXPORTS) + ("bench", "compare", "doctor", "errors", "onnx_file",
                                                                "serving", "shapes", "training", "triton", "webpage",
                                                                "workshop"))  # for dir()

__all__ = [
    # modules
    "convert", "custom_ops", "dynamic", "exercises", "inspection", "language_model", "optimize", "troubleshoot",
    # environment and course
    "EnvironmentReport", "describe_environment", "detect_platform", "gpu_available", "gpu_name",
    "onnxruntime_has_cuda", "artifacts_dir", "cpu_int8_features", "MemoryFreed", "free_memory",
    "setup_notebook", "colab_url", "colab_badge", "binder_url",
    # models
    "LinearRegressor", "RegressionData", "TrainingHistory", "make_linear_model", "make_regression_data",
    "train_regressor", "plot_losses", "save_weights", "load_weights", "make_mlp", "make_torchvision_model",
    "count_parameters", "freeze_all_but_last", "ensure_trained_linear",
    "ImageData", "SHAPE_CLASSES", "make_shapes_data", "make_small_cnn", "train_classifier", "accuracy",
    # export
    "TensorInfo", "ExportReport", "export_model", "load_onnx", "ensure_linear_onnx", "DEFAULT_OPSET",
    # runtime
    "Session", "create_session", "run", "Comparison", "compare_outputs", "to_numpy",
    # inspection
    "GraphSummary", "summarize", "GraphDrawing", "draw_graph", "NetronView", "show_in_netron", "stop_netron",
    # convert
    "ImportedModule", "UnsupportedOperatorError", "import_to_pytorch",
    # language of the messages students read
    "set_language", "get_language",
]


def __getattr__(name: str) -> Any:
    """Import a submodule, or the module that defines a public name, the first time it is asked for."""
    if name in _LOCATION:
        value = getattr(importlib.import_module(f"{__name__}.{_LOCATION[name]}"), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    if not name.startswith("__"):
        try:
            return importlib.import_module(f"{__name__}.{name}")  # any submodule, listed in _SUBMODULES or not
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise  # the submodule exists but needs a package that is missing: say which
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}; its public names are in helpers.__all__")


def __dir__() -> list[str]:
    return sorted(set(__all__) | _SUBMODULES | {"import_all"})


def import_all() -> None:
    """Import every module of the package now, in the order an eager ``import helpers`` used to.

    Some modules act when imported (``inspection`` teaches IPython to print an ``IFrame`` without its
    memory address), so a notebook calls this once, through ``setup_notebook``, before its first cell.
    """
    for module in _TEACHING_MODULES + tuple(_EXPORTS):
        importlib.import_module(f"{__name__}.{module}")
