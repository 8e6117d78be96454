"""The ways of running one model that a benchmark compares, on the CPU and on a CUDA GPU (notebooks 05–06).

A backend's name says what runs where: ``pytorch-cpu``, ``onnxruntime-cuda``, ``pytorch-cuda-fp16``.
On a GPU each comes in two timing modes:

- **data on the device** (``pytorch-cuda``): the input already sits in GPU memory and the result stays
  there. This is the GPU's own speed, as when the input comes from an earlier GPU step.
- **end to end** (``pytorch-cuda+copies``): a host (CPU) tensor goes in and a host result comes out, so
  the two copies over PCIe are timed too. This is what a CPU program that calls the GPU pays.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import onnxruntime as ort

from ..environment import gpu_available, onnxruntime_has_cuda
from ..runtime import create_session

__all__ = ["BACKENDS", "Backend", "BackendSpec", "parse_backend", "available_backends", "torch_runner",
           "onnxruntime_runner", "make_runner"]

COPIES = "+copies"
BACKENDS = (
    "pytorch-cpu",
    "onnxruntime-cpu",
    "pytorch-cuda",
    "pytorch-cuda" + COPIES,
    "pytorch-cuda-fp16",
    "pytorch-cuda-fp16" + COPIES,
    "onnxruntime-cuda",
    "onnxruntime-cuda" + COPIES,
)

Runner = tuple[Callable[[], object], Callable[[], None] | None]  # one inference, and how to wait for it


@dataclass(frozen=True)
class BackendSpec:
    """What a backend name means: the engine, the device, the precision and whether copies are timed."""

    engine: str  # "pytorch" or "onnxruntime"
    device: str  # "cpu" or "cuda"
    precision: str = "fp32"  # "fp32" or "fp16"
    copies: bool = False  # True: host tensor in, host result out (only meaningful on a GPU)


def parse_backend(name: str) -> BackendSpec:
    """Read a backend name such as ``pytorch-cuda-fp16+copies`` into a BackendSpec."""
    if name not in BACKENDS:
        raise ValueError(f"Unknown backend {name!r}; choose from {', '.join(BACKENDS)}.")
    parts = name.removesuffix(COPIES).split("-")
    return BackendSpec(parts[0], parts[1], parts[2] if len(parts) > 2 else "fp32", name.endswith(COPIES))


@dataclass(frozen=True)
class Backend:
    """One way of running the model, and whether it can run here (with the reason if not)."""

    name: str
    available: bool
    reason: str = ""


def available_backends() -> list[Backend]:
    """Every backend of ``BACKENDS``, each marked available or not with the reason."""
    cuda, ort_cuda = gpu_available(), onnxruntime_has_cuda()
    backends = []
    for name in BACKENDS:
        spec = parse_backend(name)
        if spec.device == "cpu":
            reason = ""
        elif not cuda:
            reason = "no CUDA GPU visible to PyTorch"
        elif spec.engine == "onnxruntime" and not ort_cuda:
            reason = "onnxruntime has no CUDAExecutionProvider (install onnxruntime-gpu instead of onnxruntime)"
        else:
            reason = ""
        backends.append(Backend(name, not reason, reason))
    return backends


def torch_runner(model, x, *, device: str = "cpu", precision: str = "fp32", copies: bool = False) -> Runner:
    """One PyTorch inference of a copy of ``model`` on ``device``, and the function that waits for it.

    ``copies=False`` moves ``x`` to the device once, beforehand; ``copies=True`` moves the host
    tensor ``x`` in and the result back to the host inside every call (fp16 casts included).
    """
    import torch  # heavy: only when a PyTorch backend is timed

    dtype = {"fp32": torch.float32, "fp16": torch.float16}[precision]
    on_device = copy.deepcopy(model).to(device=device, dtype=dtype).eval()  # the caller's model is untouched
    synchronize = torch.cuda.synchronize if device == "cuda" else None
    if copies:
        def run_end_to_end():
            with torch.inference_mode():
                return on_device(x.to(device, dtype)).to("cpu", torch.float32)

        return run_end_to_end, synchronize
    x_on_device = x.to(device, dtype)

    def run_on_device():
        with torch.inference_mode():
            return on_device(x_on_device)

    return run_on_device, synchronize


def onnxruntime_runner(onnx_path: str | Path, x, *, device: str = "cpu", io_binding: bool = False,
                       threads: int | None = None) -> Runner:
    """One onnxruntime inference of ``onnx_path`` on ``device``, and the function that waits for it.

    ``io_binding=False`` calls ``session.run`` with a host array: onnxruntime copies it to the device
    and the outputs back. ``io_binding=True`` places the input on the device once and binds the outputs
    there, so no copy is timed (the data-on-the-device mode); each call then returns the bound outputs
    as ``OrtValue`` objects still on the device (``.numpy()`` copies one to the host).
    """
    session = create_session(onnx_path, device=device, threads=threads)
    if device == "cuda" and session.provider != "CUDAExecutionProvider":
        raise RuntimeError(f"onnxruntime did not run on the GPU: {session.note}.")
    if len(session.inputs) != 1:
        raise ValueError(f"A benchmark feeds one input; {onnx_path} has {len(session.inputs)} "
                         f"({', '.join(i.name for i in session.inputs)}). Time it with bench.benchmark instead.")
    ort_session, name, host = session.ort_session, session.inputs[0].name, x.numpy()
    if not io_binding:
        feed = {name: host}
        return (lambda: ort_session.run(None, feed)), None
    binding = ort_session.io_binding()
    binding.bind_ortvalue_input(name, ort.OrtValue.ortvalue_from_numpy(host, device, 0))
    for output in session.outputs:
        binding.bind_output(output.name, device)

    def run_bound():
        ort_session.run_with_iobinding(binding)
        return binding.get_outputs()  # references to the device buffers: nothing is copied

    return run_bound, binding.synchronize_outputs


def make_runner(backend: str, model, onnx_path: str | Path, x, threads: int | None = None) -> Runner:
    """The runner of one backend for the PyTorch ``model`` or its ONNX file, on the host tensor ``x``."""
    spec = parse_backend(backend)
    if spec.engine == "pytorch":
        return torch_runner(model, x, device=spec.device, precision=spec.precision, copies=spec.copies)
    on_gpu_without_copies = spec.device == "cuda" and not spec.copies
    return onnxruntime_runner(onnx_path, x, device=spec.device, io_binding=on_gpu_without_copies, threads=threads)
