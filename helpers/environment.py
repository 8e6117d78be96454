"""Where the course runs: library versions, GPU availability, onnxruntime providers, platform."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "EnvironmentReport",
    "describe_environment",
    "detect_platform",
    "gpu_available",
    "package_version",
    "artifacts_dir",
    "cpu_int8_features",
]

COURSE_PACKAGES = ("torch", "torchvision", "onnx", "onnxruntime", "onnxscript", "onnx2pytorch",
                   "onnxruntime-extensions", "netron")


def package_version(name: str) -> str | None:
    """Installed version of a distribution, or None when it is not installed."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def detect_platform() -> str:
    """Where this kernel runs: 'colab', 'binder', 'jupyterhub' or 'local'."""
    if "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ:
        return "colab"
    if "BINDER_SERVICE_HOST" in os.environ or "BINDER_REQUEST" in os.environ or "BINDER_LAUNCH_HOST" in os.environ:
        return "binder"
    if "JUPYTERHUB_SERVICE_PREFIX" in os.environ:
        return "jupyterhub"
    return "local"


def gpu_available() -> bool:
    """True when PyTorch can use a CUDA GPU here."""
    import torch

    return bool(torch.cuda.is_available())


@dataclass
class EnvironmentReport:
    """Versions and capabilities of the machine the course runs on."""

    python: str
    platform: str
    packages: dict[str, str | None]
    gpu: str | None
    ort_providers: list[str] = field(default_factory=list)

    def short(self) -> str:
        """One line for a notebook's setup cell."""
        names = ("torch", "onnx", "onnxruntime", "onnxscript")
        versions = " · ".join(f"{n} {self.packages.get(n) or 'missing'}" for n in names)
        gpu = self.gpu or "none (CPU only)"
        return f"Python {self.python} · {versions} · GPU: {gpu} · running: {self.platform}"

    def __str__(self) -> str:
        rows = [("python", self.python), ("platform", self.platform)]
        rows += [(name, version or "not installed") for name, version in self.packages.items()]
        rows += [("GPU", self.gpu or "none"), ("onnxruntime providers", ", ".join(self.ort_providers) or "none")]
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def describe_environment() -> EnvironmentReport:
    """Collect versions, GPU and onnxruntime providers into an EnvironmentReport."""
    gpu = None
    try:
        import torch

        if torch.cuda.is_available():
            gpu = torch.cuda.get_device_name(0)
    except ImportError:
        pass
    try:
        import onnxruntime

        providers = list(onnxruntime.get_available_providers())
    except ImportError:
        providers = []
    return EnvironmentReport(
        python=platform.python_version(),
        platform=detect_platform(),
        packages={name: package_version(name) for name in COURSE_PACKAGES},
        gpu=gpu,
        ort_providers=providers,
    )


# CPU flags (as Linux names them in /proc/cpuinfo) that give onnxruntime fast int8 kernels.
INT8_CPU_FLAGS = {
    "avx512_vnni": "AVX-512 VNNI",
    "avx_vnni": "AVX-VNNI",
    "amx_int8": "AMX-INT8",
    "asimddp": "Arm dot product",
    "i8mm": "Arm int8 matrix multiply",
}


def cpu_int8_features(cpuinfo: str | None = None) -> list[str] | None:
    """The CPU's int8 dot-product instructions (VNNI, AMX, Arm dot product); None where they cannot be read.

    int8 inference is only faster than fp32 when the CPU multiplies int8 numbers natively, so print
    these next to any int8 speed-up. Reads ``/proc/cpuinfo`` (Linux) unless ``cpuinfo`` text is given.
    """
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None  # macOS and Windows keep these flags elsewhere
    flags: set[str] = set()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            flags.update(value.split())
    return [name for flag, name in INT8_CPU_FLAGS.items() if flag in flags]


def artifacts_dir(create: bool = True) -> Path:
    """The one folder (``artifacts/`` beside the notebook, git-ignored) where the course writes files."""
    path = Path(os.environ.get("COURSE_ARTIFACTS", "artifacts"))
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path
