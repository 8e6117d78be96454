"""Run every CUDA code path of helpers once and check its result against the CPU (tools/gpu-check.sh).

Prints one line per path: ``ok``, ``skipped: <why>`` or ``FAILED: <error>``; exits 1 if any failed.
Without a GPU every path is skipped with its reason, so this also runs (and says so) on a CPU machine.
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from pathlib import Path

import onnxruntime as ort
import torch

import helpers
from helpers import bench
from helpers.bench import backends


def _check(label: str, action) -> bool:
    try:
        outcome = action()
    except Exception:  # report every failure, keep going
        print(f"{label:<34} FAILED:\n{traceback.format_exc()}")
        return False
    print(f"{label:<34} {outcome}")
    return True


def check_runner(name: str, runner, expected) -> str:
    """Run one backend's runner once, wait for it, and compare its result with ``expected`` (a NumPy array)."""
    fn, sync = runner
    out = fn()
    if sync is not None:  # session.run with host arrays returns once the result is on the host
        sync()
    value = out[0] if isinstance(out, list) else out  # onnxruntime returns a list of outputs
    if isinstance(value, ort.OrtValue):  # I/O binding: the output stays on the device until copied
        value = value.numpy()
    else:
        value = helpers.to_numpy(value).astype("float32")
    tolerance = {"rtol": 1e-2, "atol": 1e-2} if "fp16" in name else {}
    comparison = helpers.compare_outputs(expected, value, **tolerance)
    assert comparison, comparison
    return f"ok ({comparison})"


def main(folder: str) -> int:
    with tempfile.TemporaryDirectory(dir=folder) as scratch:  # the ONNX file is not a result: removed after
        return _check_all(Path(scratch))


def _check_all(work: Path) -> int:
    model = helpers.make_linear_model()
    onnx_path = helpers.export_model(model, torch.randn(2, 10), work / "linear.onnx", verify=False).path
    x = torch.randn(8, 10)
    with torch.no_grad():
        expected = model(x).numpy()

    def cuda_session():
        if not helpers.onnxruntime_has_cuda():
            try:
                helpers.create_session(onnx_path, device="cuda")
            except RuntimeError as error:
                return f"skipped: refused as expected ({error})"
            raise AssertionError("create_session(device='cuda') did not refuse a CPU-only onnxruntime")
        session = helpers.create_session(onnx_path, device="cuda")
        assert session.provider == "CUDAExecutionProvider", session.note
        assert helpers.compare_outputs(expected, session.run(x)["prediction"])
        return f"ok ({session.note})"

    results = [_check("create_session(device='cuda')", cuda_session)]
    status = {b.name: b for b in bench.available_backends()}
    for name in bench.BACKENDS:
        if "-cuda" not in name:
            continue
        if not status[name].available:
            results.append(_check(name, lambda name=name: f"skipped: {status[name].reason}"))
            continue

        def run_backend(name=name):
            return check_runner(name, backends.make_runner(name, model, onnx_path, x, threads=1), expected)

        results.append(_check(name, run_backend))
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
