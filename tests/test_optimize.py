from __future__ import annotations

import numpy as np
import onnx
import pytest
import torch

import helpers
from helpers import optimize


@pytest.fixture(scope="module")
def small_cnn(tmp_path_factory):
    """A small convolutional classifier: quick to quantise, same operators as the course networks."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
        torch.nn.Conv2d(8, 16, 3, stride=2, padding=1), torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(16, 10)).eval()
    path = tmp_path_factory.mktemp("opt") / "cnn.onnx"
    helpers.export_model(model, torch.randn(2, 3, 32, 32), path)
    return model, path


@pytest.mark.parametrize("level,fused", [("none", False), ("basic", False), ("extended", True), ("all", True)])
def test_optimisation_levels(small_cnn, tmp_path, level: str, fused: bool) -> None:
    _, path = small_cnn
    out = optimize.optimize_graph(path, level, tmp_path / f"{level}.onnx")
    summary = helpers.summarize(out)
    assert any(d.startswith("com.microsoft") for d in summary.domains) is fused
    assert summary.node_count <= helpers.summarize(path).node_count


def test_bad_level(small_cnn, tmp_path) -> None:
    with pytest.raises(ValueError, match="level must be"):
        optimize.optimize_graph(small_cnn[1], "max", tmp_path / "x.onnx")


def test_calibration_images_are_seeded() -> None:
    a, b = optimize.make_calibration_images(4, (3, 8, 8), seed=3), optimize.make_calibration_images(4, (3, 8, 8), seed=3)
    assert a.dtype == np.float32 and a.shape == (4, 3, 8, 8) and np.array_equal(a, b)
    with pytest.raises(ValueError, match="at least 1"):
        optimize.make_calibration_images(0)


@pytest.mark.parametrize("method", ["dynamic", "static"])
def test_int8_quantisation_shrinks_and_agrees(small_cnn, tmp_path, method: str) -> None:
    model, path = small_cnn
    target = tmp_path / f"{method}.onnx"
    if method == "dynamic":
        optimize.quantize_dynamic_int8(path, target)
    else:
        optimize.quantize_static_int8(path, target, optimize.make_calibration_images(8, (3, 32, 32)))
        assert "QuantizeLinear" in helpers.summarize(target).operators
    assert not list(tmp_path.glob("*.pre.onnx"))
    x = optimize.make_calibration_images(16, (3, 32, 32), seed=1)
    with torch.no_grad():
        reference = model(torch.from_numpy(x)).numpy()
    logits = helpers.create_session(target, device="cpu").run(x)["prediction"]
    agreement = optimize.compare_classifiers(reference, logits)
    assert agreement.max_abs_diff < 0.1 * agreement.reference_scale + 0.05
    assert target.stat().st_size < path.stat().st_size
    if method == "static":  # the two paths swapped: the float32 file is not replaced by a twice-quantized one
        before = path.read_bytes()
        with pytest.raises(ValueError, match="already quantized"):
            optimize.quantize_static_int8(target, path, optimize.make_calibration_images(8, (3, 32, 32)))
        assert path.read_bytes() == before


def test_static_quantisation_checks_calibration(small_cnn, tmp_path) -> None:
    with pytest.raises(ValueError, match="float32 shaped like the model's input"):
        optimize.quantize_static_int8(small_cnn[1], tmp_path / "q.onnx", np.arange(6, dtype=np.float32).reshape(2, 3))


def test_fp16_halves_the_weights_and_agrees(small_cnn, tmp_path) -> None:
    model, path = small_cnn
    fp16 = optimize.convert_to_fp16(path, tmp_path / "fp16.onnx")
    onnx.checker.check_model(onnx.load(fp16))
    assert all(i.data_type == onnx.TensorProto.FLOAT16 for i in onnx.load(fp16).graph.initializer
               if i.data_type in (onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16))
    x = optimize.make_calibration_images(4, (3, 32, 32), seed=2)
    logits = helpers.create_session(fp16, device="cpu").run(x)["prediction"]
    with torch.no_grad():
        reference = model(torch.from_numpy(x)).numpy()
    assert optimize.compare_classifiers(reference, logits).max_abs_diff < 1e-2


@pytest.mark.parametrize("candidate,top1", [([[1.0, 0.0], [0.0, 1.0]], 1.0), ([[0.0, 1.0], [0.0, 1.0]], 0.5)])
def test_compare_classifiers(candidate, top1: float) -> None:
    agreement = optimize.compare_classifiers(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array(candidate))
    assert agreement.top1_agreement == top1 and agreement.samples == 2 and "top-1" in str(agreement)
    with pytest.raises(ValueError, match="same shape"):
        optimize.compare_classifiers(np.zeros((2, 2)), np.zeros((3, 2)))
