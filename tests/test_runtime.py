from __future__ import annotations

import os

import numpy as np
import onnxruntime
import pytest
import torch

import helpers
from helpers import runtime


@pytest.mark.parametrize("batch", [1, 32])
def test_session_matches_pytorch(linear_session, linear_model, batch: int) -> None:
    x = torch.randn(batch, 10)
    out = linear_session.run({"features": x})["prediction"]
    with torch.no_grad():
        expected = linear_model(x).numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    assert helpers.compare_outputs(expected, out).ok


def test_single_array_feed_and_numpy_input(linear_session) -> None:
    x = np.random.default_rng(0).standard_normal((3, 10), dtype=np.float32)
    assert linear_session.run(x)["prediction"].shape == (3, 1)


def test_auto_device_says_what_it_uses(linear_onnx) -> None:
    session = helpers.create_session(linear_onnx)
    expected = "CUDAExecutionProvider" if "CUDAExecutionProvider" in onnxruntime.get_available_providers() \
        else "CPUExecutionProvider"
    assert session.provider == expected and expected in session.note
    assert session.ort_session.get_providers()[0] == expected


def test_cuda_without_gpu_build_explains(linear_onnx) -> None:
    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        pytest.skip("this onnxruntime has CUDA")
    with pytest.raises(RuntimeError, match="onnxruntime-gpu"):
        helpers.create_session(linear_onnx, device="cuda")


@pytest.mark.parametrize("device,optimization", [("gpu", "all"), ("cpu", "max")])
def test_bad_options(linear_onnx, device: str, optimization: str) -> None:
    with pytest.raises(ValueError, match="must be"):
        helpers.create_session(linear_onnx, device=device, optimization=optimization)


def test_optimized_model_is_saved(linear_onnx, tmp_path) -> None:
    target = tmp_path / "opt.onnx"
    helpers.create_session(linear_onnx, device="cpu", optimization="basic", optimized_model_path=target)
    assert target.exists() and target.stat().st_size > 0


@pytest.mark.parametrize(
    "feed,error,message",
    [
        ({"x": np.zeros((2, 10), np.float32)}, ValueError, r"expected \['features'\], received \['x'\]"),
        ({}, ValueError, r"missing: \['features'\]"),
        (np.zeros((2, 9), np.float32), ValueError, r"expects shape \(batch, 10\); received \(2, 9\)"),
        (np.zeros((10,), np.float32), ValueError, r"2 dimensions\); received shape \(10,\)"),
        (np.zeros((2, 10), np.float64), TypeError, "expects dtype float32; received float64"),
        (torch.zeros(2, 10, dtype=torch.int64), TypeError, "received int64"),
    ],
)
def test_bad_feeds_say_expected_and_received(linear_session, feed, error, message: str) -> None:
    with pytest.raises(error, match=message):
        linear_session.run(feed)


def test_multi_input_model_needs_a_dict(tmp_path) -> None:
    class Add(torch.nn.Module):
        def forward(self, a, b):
            return a + b

    report = helpers.export_model(Add(), (torch.randn(2, 3), torch.randn(2, 3)), tmp_path / "add.onnx",
                                  input_names=("a", "b"), output_names=("s",))
    session = helpers.create_session(report.path)
    with pytest.raises(TypeError, match="pass a dict"):
        session.run(np.zeros((2, 3), np.float32))


@pytest.mark.parametrize(
    "expected,actual,ok",
    [
        ([1.0, 2.0], [1.0, 2.0], True),
        ([1.0, 2.0], [1.0, 2.0005], True),   # within rtol 1e-3
        ([1.0, 2.0], [1.0, 2.01], False),
        ([[1.0, 2.0]], [1.0, 2.0], False),   # shape mismatch
        ([0.0], [5e-6], True),               # within atol
    ],
)
def test_compare_outputs_agrees_with_numpy(expected, actual, ok: bool) -> None:
    result = helpers.compare_outputs(np.array(expected), np.array(actual))
    assert result.ok is ok and bool(result) is ok
    if result.shapes_match:
        assert result.ok == np.allclose(actual, expected, rtol=1e-3, atol=1e-5)
        assert result.max_abs_diff == pytest.approx(np.abs(np.subtract(expected, actual)).max())
    assert ("match" if ok else ("DIFFER" if result.shapes_match else "shapes differ")) in str(result)


@pytest.mark.skipif("CUDAExecutionProvider" in onnxruntime.get_available_providers(),
                    reason="needs an onnxruntime without CUDA, to fall back")
def test_a_cuda_fallback_says_why(tmp_path, monkeypatch) -> None:
    """Asking a CPU-only onnxruntime for CUDA: the session runs on the CPU and the note gives onnxruntime's words."""
    monkeypatch.setattr(runtime, "onnxruntime_has_cuda", lambda: True)  # as if this build offered CUDA
    path = helpers.export_model(helpers.make_linear_model(), torch.randn(2, 10), tmp_path / "l.onnx", verify=False).path
    with pytest.warns(UserWarning, match="CUDAExecutionProvider"):  # onnxruntime's own warning is still shown
        session = runtime.create_session(path, device="auto")
    assert session.provider == "CPUExecutionProvider"
    assert "fell back to CPUExecutionProvider" in session.note and "not in available provider names" in session.note


def test_library_messages_capture_native_output_and_give_it_back(capfd) -> None:
    with runtime._library_messages() as messages:
        os.write(2, b"[E:onnxruntime] Failed to create CUDAExecutionProvider\n")
    assert messages == ["[E:onnxruntime] Failed to create CUDAExecutionProvider"]
    assert "Failed to create CUDAExecutionProvider" in capfd.readouterr().err  # written back, not swallowed


def test_sessions_keep_to_course_threads_on_a_shared_hub(linear_onnx, monkeypatch) -> None:
    monkeypatch.setenv("COURSE_THREADS", "1")
    session = helpers.create_session(linear_onnx, device="cpu")
    assert session.ort_session.get_session_options().intra_op_num_threads == 1
    assert helpers.create_session(linear_onnx, device="cpu", threads=2).ort_session.get_session_options().intra_op_num_threads == 2
    monkeypatch.delenv("COURSE_THREADS")
    assert helpers.create_session(linear_onnx, device="cpu").ort_session.get_session_options().intra_op_num_threads == 0
