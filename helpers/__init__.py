"""helpers: the tested library behind the PyTorch <-> ONNX course notebooks.

One module per course stage: ``models`` (define and train), ``export`` (to ONNX), ``runtime``
(onnxruntime), ``inspection`` (graph summary, drawing, Netron), ``convert`` (ONNX back to PyTorch),
``bench`` (CPU vs GPU timing), ``optimize`` (graph levels, int8, fp16), ``dynamic`` (control flow and
dynamic shapes), ``custom_ops`` (custom operators); plus ``environment``, ``doctor``, ``course``,
``workshop`` and ``exercises``.
"""

from __future__ import annotations

from . import convert, custom_ops, dynamic, exercises, inspection, optimize  # bench, doctor, workshop: CLIs
from .convert import ImportedModule, UnsupportedOperatorError, import_to_pytorch
from .course import binder_url, colab_badge, colab_url, setup_notebook
from .environment import (EnvironmentReport, artifacts_dir, cpu_int8_features, describe_environment, detect_platform,
                          gpu_available)
from .export import DEFAULT_OPSET, ExportReport, TensorInfo, ensure_linear_onnx, export_model, load_onnx
from .inspection import GraphDrawing, GraphSummary, NetronView, draw_graph, show_in_netron, stop_netron, summarize
from .models import (
    SHAPE_CLASSES,
    ImageData,
    LinearRegressor,
    RegressionData,
    TrainingHistory,
    count_parameters,
    ensure_trained_linear,
    freeze_all_but_last,
    load_weights,
    accuracy,
    make_linear_model,
    make_mlp,
    make_regression_data,
    make_shapes_data,
    make_small_cnn,
    make_torchvision_model,
    plot_losses,
    save_weights,
    train_classifier,
    train_regressor,
)
from .runtime import Comparison, Session, compare_outputs, create_session, run, to_numpy

__all__ = [
    # modules
    "convert", "custom_ops", "dynamic", "exercises", "inspection", "optimize",
    # environment and course
    "EnvironmentReport", "describe_environment", "detect_platform", "gpu_available", "artifacts_dir", "cpu_int8_features",
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
]
