"""The course's one home for its repository URL, the notebooks' setup cell and their Colab badges.

Run ``python -m helpers.workshop sync`` after changing ``REPO_URL`` or adding a notebook: it rewrites
every notebook's setup cell and badge from this module, so the URL lives in exactly one place.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from .environment import EnvironmentReport, artifacts_dir, describe_environment

__all__ = [
    "REPO_URL",
    "BRANCH",
    "PACKAGE_NAME",
    "NOTEBOOKS_DIR",
    "colab_url",
    "colab_badge",
    "binder_url",
    "setup_cell_source",
    "setup_notebook",
    "list_notebooks",
    "sync_notebooks",
]

REPO_URL = "https://github.com/onnx-course/pytorch-onnx-course"
BRANCH = "main"
PACKAGE_NAME = "pytorch-onnx-course"
NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
_BADGE_RE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)")


def colab_url(notebook: str) -> str:
    """The link that opens ``notebooks/<notebook>`` of the course repository in Google Colab."""
    path = REPO_URL.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{path}/blob/{BRANCH}/notebooks/{notebook}"


def binder_url() -> str:
    """The mybinder.org link that builds the repository (binder/) and opens JupyterLab on notebooks/."""
    path = REPO_URL.removeprefix("https://github.com/")
    return f"https://mybinder.org/v2/gh/{path}/{BRANCH}?urlpath=lab/tree/notebooks"


def colab_badge(notebook: str) -> str:
    """Markdown for the 'Open in Colab' badge of one notebook."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(notebook)})"


def setup_cell_source() -> str:
    """The first code cell of every notebook: installs the course on Colab, then prepares the kernel."""
    return (
        "# Course setup, the same in every notebook (written by `python -m helpers.workshop sync`).\n"
        "# On Colab it installs the course package; elsewhere `make lab` has already done so.\n"
        "import importlib.util, subprocess, sys\n"
        "if 'google.colab' in sys.modules and importlib.util.find_spec('helpers') is None:\n"
        f"    subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', '{PACKAGE_NAME} @ git+{REPO_URL}'], check=True)\n"
        "import helpers\n"
        "helpers.setup_notebook();"
    )


def setup_notebook(seed: int = 0, *, quiet: bool = False) -> EnvironmentReport:
    """Seed every random generator, create the artifacts folder and print a one-line environment summary."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    artifacts_dir()
    report = describe_environment()
    if not quiet:
        print(report.short())
        problems = _blocking_problems(report)
        for problem in problems:
            print("⚠", problem)
    return report


def _blocking_problems(report: EnvironmentReport) -> list[str]:
    from .doctor import diagnose

    return [f"{check.name}: {check.detail}. {check.fix}" for check in diagnose(report) if check.verdict == "fail"]


def list_notebooks(directory: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The course notebooks, in order (``NN_name.ipynb``)."""
    return sorted(p for p in directory.glob("[0-9][0-9]_*.ipynb"))


def sync_notebooks(directory: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Rewrite each notebook's setup cell and Colab badge from this module; returns the files changed."""
    changed = []
    for path in list_notebooks(directory):
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
        code = next(c for c in nb["cells"] if c["cell_type"] == "code")
        code["source"] = _as_lines(setup_cell_source())
        title = nb["cells"][0]
        first = "".join(title["source"])
        badge = colab_badge(path.name)
        first = _BADGE_RE.sub(badge, first) if _BADGE_RE.search(first) else f"{badge}\n\n{first}"
        title["source"] = _as_lines(first)
        new_text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        if new_text != text:
            path.write_text(new_text, encoding="utf-8")
            changed.append(path)
    return changed


def _as_lines(text: str) -> list[str]:
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]
