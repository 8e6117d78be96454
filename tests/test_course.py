"""The course's links and the notebooks' setup cell: Colab, a JupyterHub, the student branch, the docs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from helpers import course

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = course.list_notebooks()
GUIDE = ROOT / "INSTRUCTORS.md"
SETUP = ROOT / "docs" / "SETUP.md"

# Runs the setup cell's source as a notebook would, with `subprocess` replaced by a recorder: "pip install"
# makes the folder given as argv[2] importable, as a real install would, and nothing reaches the network.
HARNESS = """
import sys, types
calls = []
def run(command, check=False):
    calls.append(command)
    sys.path.insert(0, sys.argv[2])
sys.modules["subprocess"] = types.SimpleNamespace(run=run)
if sys.argv[1] == "colab":
    sys.modules["google"] = types.ModuleType("google")
    sys.modules["google.colab"] = types.ModuleType("google.colab")
try:
    exec(open(sys.argv[3], encoding="utf-8").read(), {"__name__": "__main__"})
except ModuleNotFoundError as exc:
    print("error:", exc)
print("pip:", calls)
"""


def _fake_package(folder: Path) -> Path:
    """A stand-in ``helpers`` package whose setup_notebook says where it was imported from."""
    (folder / "helpers").mkdir(parents=True)
    (folder / "helpers" / "__init__.py").write_text("def setup_notebook():\n    print('setup from', __file__)\n")
    (folder / "helpers" / "gpu_setup.py").write_text("def use_onnxruntime_gpu():\n    print('gpu_setup ran')\n")
    return folder


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> Path:
    """A Python without any package, so only what the setup cell arranges can be imported."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _run_setup_cell(python: Path, tmp_path: Path, *, colab: bool, installed: bool, repo_beside: bool) -> str:
    """Run the setup cell from a notebooks/ folder; returns what it printed."""
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    if repo_beside:
        _fake_package(repo)
    site = _fake_package(tmp_path / "site")  # where the "installed" package lives
    pip_target = _fake_package(tmp_path / "pip-target")  # where the fake pip "installs" it
    cell = tmp_path / "cell.py"
    cell.write_text(course.setup_cell_source(), encoding="utf-8")
    harness = tmp_path / "harness.py"
    harness.write_text(HARNESS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if installed:
        env["PYTHONPATH"] = str(site)
    done = subprocess.run([str(python), str(harness), "colab" if colab else "local", str(pip_target), str(cell)],
                          cwd=repo / "notebooks", env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("colab", [False, True])
def test_setup_cell_uses_an_installed_package_and_changes_nothing(bare_python, tmp_path, colab: bool) -> None:
    out = _run_setup_cell(bare_python, tmp_path, colab=colab, installed=True, repo_beside=True)
    assert f"setup from {tmp_path / 'site'}" in out and "pip: []" in out and "gpu_setup" not in out


def test_setup_cell_uses_the_repository_around_the_notebooks(bare_python, tmp_path) -> None:
    out = _run_setup_cell(bare_python, tmp_path, colab=False, installed=False, repo_beside=True)
    assert f"setup from {tmp_path / 'repo' / 'helpers'}" in out and "pip: []" in out


def test_setup_cell_installs_the_package_on_colab_only(bare_python, tmp_path) -> None:
    out = _run_setup_cell(bare_python, tmp_path, colab=True, installed=False, repo_beside=False)
    assert f"setup from {tmp_path / 'pip-target'}" in out and out.index("Installing the course") < out.index("pip:")
    assert f"'{course.PACKAGE_NAME}[colab] @ git+{course.REPO_URL}@{course.BRANCH}'" in out
    assert out.index("gpu_setup ran") < out.index("setup from")  # onnxruntime's build is settled before any import


def test_setup_cell_without_colab_installs_nothing(bare_python, tmp_path) -> None:
    out = _run_setup_cell(bare_python, tmp_path, colab=False, installed=False, repo_beside=False)
    assert "error: No module named 'helpers'" in out and "pip: []" in out


def test_setup_cell_is_short_and_ends_with_setup_notebook() -> None:
    lines = course.setup_cell_source().splitlines()
    assert len(lines) <= 12 and lines[-1].startswith("helpers.setup_notebook()")
    assert all(line.startswith("#") for line in lines[:2])  # it says what it does before doing it


@pytest.mark.parametrize(
    "hub,notebook,expected_path,urlpath",
    [
        ("https://hub.example.org", None, "/hub/user-redirect/git-pull", "lab/tree/pytorch-onnx-course/notebooks"),
        ("https://example.org/jupyter/", "01_define_and_train.ipynb", "/jupyter/hub/user-redirect/git-pull",
         "lab/tree/pytorch-onnx-course/notebooks/01_define_and_train.ipynb"),
    ],
)
def test_nbgitpuller_url(hub: str, notebook: str | None, expected_path: str, urlpath: str) -> None:
    url = urlsplit(course.nbgitpuller_url(hub, notebook=notebook))
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert url.path == expected_path
    assert query == {"repo": course.REPO_URL, "branch": course.STUDENT_BRANCH, "urlpath": urlpath}
    assert urlpath.split("/")[2] == course.REPO_URL.rsplit("/", 1)[1]  # nbgitpuller clones into the repo's name


def test_nbgitpuller_url_needs_the_hub_address() -> None:
    with pytest.raises(ValueError, match="hub's address"):
        course.nbgitpuller_url("hub.example.org")


def test_student_badge_points_at_the_student_branch_and_reads_differently() -> None:
    badge = course.student_colab_badge("01_define_and_train.ipynb")
    assert f"/blob/{course.STUDENT_BRANCH}/notebooks/01_define_and_train.ipynb)" in badge
    assert badge.startswith("[![Open the student copy in Colab]") and not course._BADGE_RE.search(badge)


def test_instructors_guide_lists_both_badges_of_every_notebook() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert course.colab_badge(path.name) in text, path.name
        assert course.student_colab_badge(path.name) in text, path.name


def test_every_image_in_the_guides_has_alt_text() -> None:
    for path in [ROOT / "README.md", GUIDE, *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"!\[\s*\]\(", text), f"{path.name}: an image without alt text"
        assert all(re.search(r"\balt=\"[^\"]+\"", tag) for tag in re.findall(r"<img\b[^>]*>", text)), path.name


@pytest.mark.parametrize("guide", [SETUP, GUIDE], ids=lambda p: p.name)
def test_guides_install_the_pinned_cpu_torch(guide: Path) -> None:
    pins = dict(re.findall(r"^(torch|torchvision)==(\S+)$", (ROOT / "constraints.txt").read_text(), re.M))
    cpu_index = r" --index-url https://download\.pytorch\.org/whl/cpu"
    commands = re.findall(r"pip install (torch==\S+ torchvision==\S+)" + cpu_index, guide.read_text(encoding="utf-8"))
    assert commands and set(commands) == {f"torch=={pins['torch']} torchvision=={pins['torchvision']}"}


def test_setup_guide_covers_every_platform() -> None:
    text = SETUP.read_text(encoding="utf-8")
    for heading in ("## Linux", "## macOS", "## Windows"):
        assert heading in text
    assert "--allow-root" in text and r".venv\Scripts\activate" in text


def test_readme_and_guide_link_the_setup_guide() -> None:
    for path in (ROOT / "README.md", GUIDE):
        assert "](docs/SETUP.md" in path.read_text(encoding="utf-8"), path.name


@pytest.mark.parametrize("notebook", [None, "", "01_define_and_train", "/abs/01.ipynb", 5])
def test_colab_url_refuses_what_is_not_a_notebook_path(notebook) -> None:
    with pytest.raises(ValueError, match="notebook must be"):
        course.colab_url(notebook)


def test_the_solutions_link_clones_into_a_folder_of_its_own() -> None:
    url = urlsplit(course.nbgitpuller_url("https://hub.example.org", branch=course.BRANCH))
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    folder = course.REPO_URL.rsplit("/", 1)[1] + "-" + course.BRANCH
    assert query["targetpath"] == folder and query["urlpath"] == f"lab/tree/{folder}/notebooks"
    assert query["branch"] == course.BRANCH


def test_binder_links_open_the_course_or_the_student_copies() -> None:
    assert course.binder_url().endswith(f"/{course.BRANCH}?urlpath=lab/tree/notebooks")
    assert course.binder_url(course.STUDENT_BRANCH).endswith(f"/{course.STUDENT_BRANCH}?urlpath=lab/tree/notebooks")
    with pytest.raises(ValueError, match="branch"):
        course.binder_url("two words")


def test_sync_points_the_documents_at_a_fork(tmp_path, monkeypatch) -> None:
    root = course.NOTEBOOKS_DIR.parent
    for name in course.DOCUMENTS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text((root / name).read_text(encoding="utf-8"), encoding="utf-8")
    assert course.sync_documents(tmp_path) == []  # the committed documents are in step with REPO_URL
    old = course.REPO_URL.removeprefix("https://github.com/")
    monkeypatch.setattr(course, "REPO_URL", "https://github.com/jane/onnx-fork")
    changed = course.sync_documents(tmp_path)
    assert {p.name for p in changed} == {"README.md", "README.ko.md", "INSTRUCTORS.md"}
    text = "\n".join((tmp_path / name).read_text(encoding="utf-8") for name in course.DOCUMENTS)
    assert old not in text and old.replace("/", "%2F") not in text
    assert "colab.research.google.com/github/jane/onnx-fork/blob/" in text and "mybinder.org/v2/gh/jane/onnx-fork/" in text
    assert course.nbgitpuller_url("https://hub.example.org") in text  # the example link, folder name included
    assert course.sync_documents(tmp_path) == []
