"""Which onnxruntime build a machine with an NVIDIA GPU needs, and the pip commands that put it in place.

onnxruntime comes as two distributions that install the same Python package, ``onnxruntime``: the CPU build
(``pip install onnxruntime``, what the course installs) and ``onnxruntime-gpu``, which adds the
``CUDAExecutionProvider``. Installed together, one overwrites the other's files, so the CPU build is
uninstalled first. Each ``onnxruntime-gpu`` release on PyPI is built for one CUDA major version and needs CUDA
and cuDNN libraries of that major version: from the system, or the ones PyTorch's CUDA build brought (the
``nvidia-*`` wheels), which onnxruntime finds once ``import torch`` has loaded them or ``onnxruntime.preload_dlls()``
has (https://onnxruntime.ai/docs/execution-providers/CUDA-ExecutionProvider.html, "Compatibility with PyTorch").
So the build to install follows ``torch.version.cuda``; ``helpers.setup_notebook`` imports torch first.

Colab's setup cell calls ``use_onnxruntime_gpu()`` on a GPU runtime, before anything imports onnxruntime.
Standard library only: it runs right after pip installed the course.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from .environment import package_version

__all__ = ["ONNXRUNTIME_GPU_FOR_CUDA", "ONNXRUNTIME_GPU_MINIMUM", "InstallPlan", "plan_onnxruntime_gpu",
           "torch_cuda_version", "use_onnxruntime_gpu"]

# PyPI's newest onnxruntime-gpu for each CUDA major version: 1.22-1.26 are built for CUDA 12, 1.27 on for
# CUDA 13 (their wheels' optional dependencies name nvidia-cuda-runtime 12 or 13; tests/test_gpu_setup.py
# checks that pip resolves each for Colab's Python). 1.31.1 ran notebooks 05 and 06 on an H200 (the
# recording in helpers/recorded/).
ONNXRUNTIME_GPU_FOR_CUDA = {"12": "1.26.0", "13": "1.31.1"}
ONNXRUNTIME_GPU_MINIMUM = "1.26"  # the oldest of them: the doctor's floor for the GPU build
BUILDS = ("onnxruntime", "onnxruntime-gpu")


@dataclass(frozen=True)
class InstallPlan:
    """The pip commands to run (maybe none) and why, in one sentence."""

    commands: tuple[tuple[str, ...], ...]
    reason: str

    def __str__(self) -> str:
        steps = "\n".join("  $ " + " ".join(command[2:] if command[1:3] == ("-m", "pip") else command)
                          for command in self.commands)
        return self.reason + ("\n" + steps if steps else "")


def plan_onnxruntime_gpu(cuda: str | None, installed: Mapping[str, str | None],
                         python: str = sys.executable) -> InstallPlan:
    """What to run so that onnxruntime can use the GPU, given PyTorch's CUDA version and the installed builds.

    Args:
        cuda: ``torch.version.cuda`` where PyTorch sees a GPU (e.g. ``"12.8"``), else None.
        installed: the installed version of ``onnxruntime`` and ``onnxruntime-gpu`` (None: not installed).
        python: the interpreter whose pip runs.
    """
    if cuda is None:
        return InstallPlan((), "No CUDA GPU visible to PyTorch: onnxruntime stays the CPU build.")
    if isinstance(cuda, (int, float)) and not isinstance(cuda, bool):
        cuda = str(cuda)  # 12.8 typed as a number (pass 12: a raw AttributeError)
    if not isinstance(cuda, str) or not cuda.strip() or not cuda.split(".")[0].isdigit():
        raise ValueError(f"cuda is torch.version.cuda, a version such as '12.8' (or None: no GPU), got {cuda!r}.")
    if not isinstance(installed, Mapping):
        raise TypeError(f"installed maps 'onnxruntime' and 'onnxruntime-gpu' to their installed versions (None: not "
                        f"installed), such as {{'onnxruntime': '1.22.0', 'onnxruntime-gpu': None}}; got {installed!r}.")
    major = cuda.split(".")[0]
    wanted = ONNXRUNTIME_GPU_FOR_CUDA.get(major)
    if wanted is None:
        known = ", ".join(f"CUDA {m}: onnxruntime-gpu {v}" for m, v in ONNXRUNTIME_GPU_FOR_CUDA.items())
        return InstallPlan((), f"PyTorch uses CUDA {cuda}, and the course knows no onnxruntime-gpu build for it "
                               f"({known}): onnxruntime stays the CPU build, and runs on the CPU.")
    present = [name for name in BUILDS if installed.get(name)]
    if present == ["onnxruntime-gpu"] and installed["onnxruntime-gpu"] == wanted:
        return InstallPlan((), f"onnxruntime-gpu {wanted} (for CUDA {major}) is already installed.")
    pip = (python, "-m", "pip")
    commands = [pip + ("uninstall", "-y", *present)] if present else []  # never two builds at once
    commands.append(pip + ("install", "-q", f"onnxruntime-gpu=={wanted}"))
    return InstallPlan(tuple(commands), f"PyTorch uses CUDA {cuda}: installing onnxruntime-gpu {wanted}, "
                                        f"PyPI's newest build for CUDA {major}, in place of the CPU build.")


def torch_cuda_version() -> str | None:
    """``torch.version.cuda`` where PyTorch can use a GPU here, else None (also without PyTorch)."""
    try:
        import torch
    except ImportError:
        return None
    return torch.version.cuda if torch.cuda.is_available() else None


def use_onnxruntime_gpu(*, run: Callable[..., object] = subprocess.run, cuda: str | None = None,
                        detect: Callable[[], str | None] = torch_cuda_version) -> InstallPlan:
    """On a machine whose PyTorch sees a CUDA GPU, replace the CPU onnxruntime with the matching onnxruntime-gpu.

    Prints the plan, then runs its commands (``run`` is ``subprocess.run``; tests pass a recorder). Call it
    before anything imports onnxruntime: a process that already imported it keeps the old build until it restarts.
    """
    plan = plan_onnxruntime_gpu(cuda if cuda is not None else detect(),
                                {name: package_version(name) for name in BUILDS})
    print(plan)
    if plan.commands and "onnxruntime" in sys.modules:
        raise RuntimeError("onnxruntime is already imported in this process, so a new build would not be seen: "
                           "restart the runtime (Colab: Runtime > Restart session) and run the setup cell first.")
    for command in plan.commands:
        run(list(command), check=True)
    return plan


def _main(argv: Sequence[str] | None = None) -> int:
    """``python -m helpers.gpu_setup [--dry-run]``: print the plan for this machine, and run it unless --dry-run."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--dry-run"]:
        print(plan_onnxruntime_gpu(torch_cuda_version(), {name: package_version(name) for name in BUILDS}))
        return 0
    if "--help" in args or "-h" in args:  # pass 12: --help was an error; pass 18: beside --dry-run too
        print("usage: python -m helpers.gpu_setup [--dry-run]\n\nOn a GPU machine, replace the CPU onnxruntime with "
              "the onnxruntime-gpu build for PyTorch's CUDA.\n--dry-run prints what it would run, and runs nothing.")
        return 0
    if len(args) > 1 and set(args) == {"--dry-run"}:  # pass 17: "unrecognized arguments: --dry-run --dry-run"
        print("python -m helpers.gpu_setup: error: --dry-run was given twice: give it once.", file=sys.stderr)
        return 2
    if args:  # pass 13: the usage line alone did not say what was wrong
        print(f"usage: python -m helpers.gpu_setup [--dry-run]\npython -m helpers.gpu_setup: error: unrecognized "
              f"arguments: {' '.join(args)}", file=sys.stderr)
        return 2
    use_onnxruntime_gpu()
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
