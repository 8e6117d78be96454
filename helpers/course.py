"""The course's one home for its repository URL, the notebooks' setup cell and every link built from them.

Run ``python -m helpers.workshop sync`` after changing ``REPO_URL`` or ``BRANCH`` or adding a notebook: it rewrites
every notebook's setup cell and badge from this module, so the URL lives in exactly one place. The
student copies live on the ``STUDENT_BRANCH`` branch (``python -m helpers.workshop publish-students``);
``student_colab_badge`` and ``nbgitpuller_url`` link to them.
"""

from __future__ import annotations

import base64
import json
import numbers
import os
import random
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from . import import_all
from .doctor import diagnose
from .environment import (THREADS_VARIABLE, EnvironmentReport, artifacts_dir, default_threads, describe_environment,
                          silence_known_library_warnings)

__all__ = [
    "REPO_URL", "BRANCH", "STUDENT_BRANCH", "PACKAGE_NAME", "NOTEBOOKS_DIR", "colab_url", "colab_badge",
    "student_colab_badge", "binder_url", "nbgitpuller_url", "check_repo_url", "setup_cell_source", "setup_notebook",
    "silence_known_library_warnings", "list_notebooks", "all_notebooks", "translations", "sync_notebooks", "sync_course",
    "sync_documents", "read_notebook",
]

REPO_URL = "https://github.com/onnx-course/pytorch-onnx-course"
BRANCH = "main"  # Colab opens the notebooks and installs the package from it: a release tag freezes both
STUDENT_BRANCH = "students"  # written by `python -m helpers.workshop publish-students`
PACKAGE_NAME = "pytorch-onnx-course"
NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
_BADGE_RE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)")


def colab_url(notebook: str, branch: str = BRANCH) -> str:
    """The link that opens ``notebooks/<notebook>`` of the course repository (on ``branch``) in Google Colab."""
    if isinstance(notebook, os.PathLike):  # pass 12: Path("01_....ipynb"), or a path from list_notebooks()
        path = Path(notebook)
        notebook = (path.resolve().relative_to(NOTEBOOKS_DIR) if path.resolve().is_relative_to(NOTEBOOKS_DIR)
                    else path).as_posix()
    _check_notebook_and_branch(notebook, branch)
    path = REPO_URL.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{path}/blob/{branch}/notebooks/{notebook}"


def _check_notebook_and_branch(notebook: Any, branch: Any) -> None:
    """Refuse a link to a notebook the course does not have, or to no branch, before it reaches a student."""
    if not isinstance(notebook, str) or not notebook.endswith(".ipynb") or notebook.startswith("/") or \
            ".." in notebook.split("/") or "\\" in notebook:
        raise ValueError(f"notebook must be a notebook's path inside notebooks/, such as '01_define_and_train.ipynb' "
                         f"or 'ko/01_define_and_train.ipynb', got {notebook!r}.")
    if notebook.startswith("notebooks/"):
        raise ValueError(f"notebook is a path inside notebooks/: pass {notebook.removeprefix('notebooks/')!r}, "
                         f"not {notebook!r}.")
    if not (NOTEBOOKS_DIR / notebook).is_file():
        raise ValueError(f"There is no notebook {notebook!r} in the course; its notebooks are "
                         f"{', '.join(p.name for p in list_notebooks())} (and the same in ko/).")
    if not isinstance(branch, str) or not branch.strip() or any(c.isspace() for c in branch):
        raise ValueError(f"branch must be a git branch name such as 'main' (no spaces), got {branch!r}: check "
                         "the argument, or BRANCH and STUDENT_BRANCH in helpers/course.py.")


def binder_url(branch: str = BRANCH) -> str:
    """The mybinder.org link that builds ``branch`` of the repository (binder/) and opens JupyterLab on notebooks/.

    ``binder_url(STUDENT_BRANCH)`` opens the student copies (after ``publish-students`` and ``git push``).
    """
    _check_notebook_and_branch(list_notebooks()[0].name, branch)
    path = REPO_URL.removeprefix("https://github.com/")
    return f"https://mybinder.org/v2/gh/{path}/{branch}?urlpath=lab/tree/notebooks"


def colab_badge(notebook: str) -> str:
    """Markdown for the 'Open in Colab' badge of one notebook."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(notebook)})"


def student_colab_badge(notebook: str) -> str:
    """Markdown for a Colab badge that opens the student copy (solutions blanked) of one notebook.

    Its alt text differs from the full notebook's badge, so ``sync_notebooks`` never mistakes one for the other.
    """
    return f"[![Open the student copy in Colab]({BADGE_IMAGE})]({colab_url(notebook, STUDENT_BRANCH)})"


def check_repo_url(url: str) -> str:
    """``url`` if it is a GitHub repository's web address (https://github.com/OWNER/REPO), else a ValueError.

    Badges, Colab, Binder and nbgitpuller links are built from ``REPO_URL``: a ``git@`` or ``.git`` form
    would give links that open nothing, so the tools that write links check it first."""
    if not isinstance(url, str) or not re.fullmatch(r"https://github\.com/[A-Za-z0-9-]+/[A-Za-z0-9._-]+", url) \
            or url.endswith(".git"):
        raise ValueError(f"helpers/course.py's REPO_URL is {url!r}; the badges and links need the repository's web "
                         "address, https://github.com/OWNER/REPO (no .git, no git@ form): fix it first.")
    if url.split("/")[3] in ("YOU", "OWNER", "USER", "USERNAME"):  # pass 17: the guide's placeholder, copied as is
        raise ValueError(f"REPO_URL is {url!r}: replace {url.split('/')[3]} with your GitHub account or organisation.")
    return url


def nbgitpuller_url(hub_url: str, branch: str = STUDENT_BRANCH, notebook: str | None = None) -> str:
    """A link that makes a JupyterHub clone (or update) the course repository and open it in JupyterLab.

    The hub needs nbgitpuller installed. The student copies land in a folder named after the repository in
    each student's home, and any other branch (``branch="main"``: the notebooks with solutions) in a folder of
    its own, ``<repository>-<branch>``: nbgitpuller never switches a folder from one branch to another. The
    link opens ``notebooks/`` there or, given ``notebook``, that notebook.
    """
    if not isinstance(hub_url, str) or not hub_url.startswith(("https://", "http://")) or \
            any(c.isspace() for c in hub_url):
        raise ValueError(f"hub_url must be the hub's address, such as https://hub.example.org, got {hub_url!r}.")
    try:  # pass 8: 'https://' (no host) and 'https://hub:99999' made handouts of dead links
        host, _ = urlsplit(hub_url).hostname, urlsplit(hub_url).port
    except ValueError as exc:
        raise ValueError(f"hub_url {hub_url!r} has a port that is not a number from 0 to 65535: use the address "
                         "the hub's own page shows, such as https://hub.example.org:8443.") from exc
    if not host:
        raise ValueError(f"hub_url {hub_url!r} names no host: write the whole address, such as https://hub.example.org.")
    page = [part for part in urlsplit(hub_url).path.split("/") if part in ("hub", "user", "lab", "tree", "login")]
    if "#" in hub_url or hub_url.rstrip("/").endswith("?"):  # pass 12: 'https://hub.example.org#' linked nowhere
        raise ValueError(f"hub_url {hub_url!r} ends in a '#' or '?' part, which would swallow the link's path: write "
                         f"the hub's address only, such as {hub_url.split('#')[0].split('?')[0].rstrip('/')}.")
    if page or urlsplit(hub_url).query:
        raise ValueError(f"hub_url is the hub's address only, such as https://hub.example.org (or the folder a hub is "
                         f"served under, such as https://example.org/jupyter), not a page of it: {hub_url!r} has "
                         f"/{page[0] if page else '?'}... in it.")
    _check_notebook_and_branch(list_notebooks()[0].name if notebook is None else notebook, branch)
    folder = check_repo_url(REPO_URL).rsplit("/", 1)[1]
    if branch != STUDENT_BRANCH:
        folder = f"{folder}-{branch.replace('/', '-')}"
    target = f"lab/tree/{folder}/notebooks" + (f"/{notebook}" if notebook else "")
    query = urlencode({"repo": REPO_URL, "urlpath": target, "branch": branch,
                       **({"targetpath": folder} if branch != STUDENT_BRANCH else {})})
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def setup_cell_source() -> str:
    """The setup cell of every notebook: find (or on Colab install) the course package, then prepare the kernel.

    Where ``helpers`` is already importable (``make lab``, Binder, a hub with the package installed) it
    does nothing; where the repository sits around the notebooks (a hub clone) it adds the repository
    root, the notebooks' parent folder, to ``sys.path``; on Colab it installs the package from ``BRANCH`` with the
    ``colab`` extra (the versions ``make test-colab`` runs, which change nothing Colab ships) and, on a GPU
    runtime, replaces the CPU onnxruntime with the onnxruntime-gpu build for PyTorch's CUDA (``gpu_setup``).
    """
    return (
        "# Course setup, the same in every notebook (written by `python -m helpers.workshop sync`).\n"
        "# Uses the course package if installed, else the repository around this folder; Colab installs it.\n"
        "import importlib.util, os, subprocess, sys\n"
        "for root in ('..', '../..'):  # the repository root, around notebooks/ (or notebooks/ko/)\n"
        "    if importlib.util.find_spec('helpers') is None and os.path.isdir(os.path.join(root, 'helpers')):\n"
        "        sys.path.insert(0, os.path.abspath(root))\n"
        "if importlib.util.find_spec('helpers') is None and 'google.colab' in sys.modules:\n"
        "    print('Installing the course package (about a minute, once per runtime; nothing to restart)...')\n"
        f"    subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', '{PACKAGE_NAME}[colab] @ git+{REPO_URL}@{BRANCH}'], check=True)\n"
        "    from helpers import gpu_setup; gpu_setup.use_onnxruntime_gpu()  # GPU runtime: onnxruntime-gpu instead\n"
        "import helpers\n"
        "helpers.setup_notebook();"
    )


def setup_notebook(seed: int = 0, *, quiet: bool = False) -> EnvironmentReport:
    """Seed every random generator, create the artifacts folder and print a one-line environment summary.

    Where ``COURSE_THREADS`` is set (a shared hub), PyTorch's thread pool is capped to it as well.
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be a whole number from 0 to 2**32 - 1, got {seed!r}.")
    seed = int(seed)
    if not isinstance(quiet, bool):
        raise TypeError(f"quiet is True or False, got {quiet!r}.")
    import numpy as np
    import torch

    silence_known_library_warnings()  # before anything imports matplotlib, which may build its font cache
    import_all()  # before seeding, as the package's eager import used to be
    if os.environ.get(THREADS_VARIABLE):
        torch.set_num_threads(default_threads())
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
    return [f"{check.name}: {check.detail}. {check.fix}" for check in diagnose(report) if check.verdict == "fail"]


def list_notebooks(directory: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The course notebooks, in order (``NN_name.ipynb``)."""
    return sorted(p for p in Path(directory).glob("[0-9][0-9]_*.ipynb"))


def translations(directory: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The folders of translated notebooks inside ``directory`` (``notebooks/ko``, ...)."""
    directory = Path(directory)
    return sorted(p for p in directory.iterdir() if p.is_dir() and list_notebooks(p)) if directory.is_dir() else []


def all_notebooks(directory: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The course notebooks followed by every translation's (``notebooks/ko/NN_*.ipynb``)."""
    return list_notebooks(directory) + [p for folder in translations(directory) for p in list_notebooks(folder)]


def read_notebook(path: Path) -> dict:
    """A notebook file's JSON; a file that is not one (cut short, a merge conflict) is named, with the way back."""
    if Path(path).is_dir():
        raise ValueError(f"{path} is a folder; pass the path of a notebook (.ipynb) inside it.")
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not a text file, so not a notebook (.ipynb): pass a notebook's path.") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not a readable notebook ({exc}): it may be cut short or hold merge-conflict "
                         f"markers. Restore it with `git checkout -- {path}` or repair it, then run this again.") from exc


def sync_notebooks(directory: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Rewrite each notebook's setup cell and Colab badge from this module, translations included.

    Every notebook is read and checked before any is written. Returns the files changed.
    """
    return _write_all(_notebook_updates(directory))


def sync_course(directory: Path = NOTEBOOKS_DIR, root: Path = NOTEBOOKS_DIR.parent) -> list[Path]:
    """``sync_notebooks`` and ``sync_documents`` together, every file checked before any is written (pass 12: a
    notebook with a merge conflict stopped sync after six notebooks had been rewritten). Returns the files changed."""
    return _write_all(_notebook_updates(directory) + _document_updates(root))


def _write_all(updates: list[tuple[Path, str]]) -> list[Path]:
    for path, text in updates:
        path.write_text(text, encoding="utf-8")
    return [path for path, _ in updates]


def _notebook_updates(directory: Path) -> list[tuple[Path, str]]:
    changed = []
    for path in all_notebooks(directory):
        text = path.read_text(encoding="utf-8")
        nb = read_notebook(path)
        if not nb["cells"] or nb["cells"][0]["cell_type"] != "markdown":
            raise ValueError(f"{path.name}: the first cell must be the notebook's markdown title (# NN · Title), where "
                             "sync puts the Colab badge; add one, then run sync again.")
        setup = next((c for c in nb["cells"] if c["cell_type"] == "code"
                      and "".join(c["source"]).startswith("# Course setup")), None)
        if setup is None:  # a new notebook: its own first code cell is the author's, and stays
            setup = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
            nb["cells"].insert(1, setup)
        setup["source"] = _as_lines(setup_cell_source())
        title = nb["cells"][0]
        first = "".join(title["source"])
        badge = colab_badge(path.relative_to(directory).as_posix())  # "ko/01_....ipynb" for a translation
        first = _BADGE_RE.sub(badge, first) if _BADGE_RE.search(first) else f"{badge}\n\n{first}"
        title["source"] = _as_lines(first)
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                try:
                    _attach_images(cell)
                except FileNotFoundError as error:
                    raise FileNotFoundError(f"{path.name} shows {Path(error.filename).name}, which is not in "
                                            f"{IMAGES_DIR}: add the picture there, or fix the link.") from error
        new_text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        if new_text != text:
            changed.append((path, new_text))
    return changed


DOCUMENTS = ("README.md", "README.ko.md", "INSTRUCTORS.md", "docs/SETUP.md")
_LINKED_REPO_RE = re.compile(r"(?:colab\.research\.google\.com/github|mybinder\.org/v2/gh)/([\w.-]+/[\w.-]+)/")


def sync_documents(root: Path = NOTEBOOKS_DIR.parent) -> list[Path]:
    """Point every course link in the README, the guides and SETUP at ``REPO_URL`` (after forking the course).

    The repository a document links to is read from its Colab and Binder links; each ``github.com/<that>``
    (clone commands and nbgitpuller links included) becomes ``REPO_URL``'s. Returns the files changed.
    """
    return _write_all(_document_updates(root))


def _document_updates(root: Path) -> list[tuple[Path, str]]:
    new = REPO_URL.removeprefix("https://github.com/").rstrip("/")
    changed = []
    for name in DOCUMENTS:
        path = root / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        updated = text
        for old in set(_LINKED_REPO_RE.findall(text)) - {new}:
            end = r"(?=\.git\b|[^\w.-]|$)"  # the whole name: not the start of a longer one
            hosts = r"(github\.com/|colab\.research\.google\.com/github/|mybinder\.org/v2/gh/)"
            updated = re.sub(rf"{hosts}{re.escape(old)}{end}", lambda match: match.group(1) + new, updated)
            updated = re.sub(rf"github\.com%2F{re.escape(old.replace('/', '%2F'))}{end}",
                             lambda match: "github.com%2F" + new.replace("/", "%2F"), updated)
        updated = _HUB_LINK_RE.sub(_hub_link_again, updated)  # its folder is named after the repository too
        if updated != text:
            changed.append((path, updated))
    return changed


_HUB_LINK_RE = re.compile(r"(https?://[\w.:-]+)/hub/user-redirect/git-pull\?[^\s)`<\]]+")


def _hub_link_again(match: re.Match) -> str:
    query = parse_qs(urlsplit(match.group(0)).query)
    notebook = query.get("urlpath", [""])[0].rsplit("/", 1)[-1]
    return nbgitpuller_url(match.group(1), query.get("branch", [STUDENT_BRANCH])[0],
                           notebook if notebook.endswith(".ipynb") else None)


IMAGES_DIR = NOTEBOOKS_DIR / "images"
_IMAGE_RE = re.compile(r"\]\((?:\.\./)?images/([\w.-]+\.png)\)|\]\(attachment:([\w.-]+\.png)\)")


def _attach_images(cell: dict) -> None:
    """Carry each picture of ``notebooks/images/`` inside the cell (an attachment), where a link would break.

    Colab opens a single notebook from GitHub and cannot follow a relative link to ``images/``; an attachment
    travels with the notebook (and its student copy) to Colab, GitHub, nbviewer and JupyterLab alike.
    """
    text = "".join(cell["source"])
    names = sorted({a or b for a, b in _IMAGE_RE.findall(text)})
    if not names:
        return
    cell["source"] = _as_lines(_IMAGE_RE.sub(lambda m: f"](attachment:{m.group(1) or m.group(2)})", text))
    cell["attachments"] = {name: {"image/png": base64.b64encode((IMAGES_DIR / name).read_bytes()).decode("ascii")}
                           for name in names}


def _as_lines(text: str) -> list[str]:
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]
