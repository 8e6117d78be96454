"""Colab's setup cell, run as Colab runs it: the cell's exact pip command, against the versions Colab ships.

The dry run happens in a fresh virtual environment holding Colab's preinstalled packages (the first block of
constraints-colab.txt: numpy, protobuf, matplotlib and tqdm installed, torch and torchvision as their metadata,
transformers named on the command line at Colab's version, as installed packages would be kept). Python is this machine's, not Colab's 3.13: the pins that matter here (onnx and its
protobuf floor) are the same wheels' metadata on both.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from helpers import course
from test_wheels import needs_pypi

ROOT = Path(__file__).resolve().parent.parent
# Installed as their metadata alone (a dist-info folder, which is all pip reads of an installed package): Colab's
# CPU-only torch has no CUDA libraries to resolve, while naming PyPI's torch would make pip read the metadata of
# its 3 GB of CUDA wheels. A requirement that wanted another version of one would list it, and the assert names it.
INSTALLED_AS_METADATA = {"torch", "torchvision"}
# Named on the command line at Colab's version, which pip must then keep, as it keeps installed ones: installing
# transformers with its dependencies would take this test 20 more CPU seconds, and its metadata's own requirements
# (tokenizers, huggingface_hub) must take part in the resolution. Another version wanted makes the resolution fail.
PASSED_ON_THE_COMMAND_LINE = {"transformers"}
# Installed in the venv: the rest of what the course's dependency tree reaches, among them protobuf, which a
# resolution may upgrade (the control below). The others Colab ships (Jupyter's, the test runner's) stay out of
# the venv to keep this test short; a resolution that wanted another version of one would still list it, and
# the assert below would name it.
IN_THE_COURSES_TREE = {"numpy", "protobuf", "matplotlib", "tqdm"}


def _colab_preinstalled() -> dict[str, str]:
    text = (ROOT / "constraints-colab.txt").read_text(encoding="utf-8")
    block = text.split("# --- preinstalled on Colab ---", 1)[1].split("# --- resolved", 1)[0]
    pins = [Requirement(line) for line in block.splitlines() if line.strip() and not line.startswith("#")]
    return {canonicalize_name(pin.name): next(iter(pin.specifier)).version for pin in pins}


def _cell_pip_arguments() -> list[str]:
    """The arguments after ``sys.executable`` in the setup cell's ``subprocess.run([...])``."""
    line = next(line for line in course.setup_cell_source().splitlines() if "'pip', 'install'" in line)
    call = ast.parse(line.strip()).body[0].value
    return [ast.literal_eval(argument) for argument in call.args[0].elts[1:]]


def test_the_cell_installs_the_colab_extra_from_the_branch_the_badges_open() -> None:
    arguments = _cell_pip_arguments()
    assert arguments[:3] == ["-m", "pip", "install"]
    assert arguments[-1] == f"{course.PACKAGE_NAME}[colab] @ git+{course.REPO_URL}@{course.BRANCH}"


def test_the_colab_extra_pins_the_versions_make_test_colab_runs() -> None:
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    pins = {canonicalize_name(Requirement(item).name): str(Requirement(item).specifier) for item in extra["colab"]}
    tested = {}
    for line in (ROOT / "constraints-colab.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            tested[canonicalize_name(requirement.name)] = str(requirement.specifier)
    assert pins == {name: tested[name] for name in pins}, "keep pyproject's colab extra equal to constraints-colab.txt"
    course_packages = {canonicalize_name(Requirement(line).name) for line in
                       (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
                       if line.strip() and not line.startswith("#")}
    assert {"onnx", "onnxruntime", "onnxscript"} <= set(pins) <= course_packages | {"onnx-ir"}


def _dry_run(python: Path, requirement: str, folder: Path) -> dict[str, str]:
    report = folder / "report.json"
    preinstalled = _colab_preinstalled()
    pinned = [f"{name}=={preinstalled[name]}" for name in sorted(PASSED_ON_THE_COMMAND_LINE)]
    subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "--dry-run", "--quiet",
                    "--report", str(report), requirement, *pinned], check=True, cwd=folder)
    items = json.loads(report.read_text(encoding="utf-8"))["install"]
    return {canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"] for item in items}


@pytest.mark.same_everywhere  # make test runs it; make test-colab would repeat the same answer
@needs_pypi
@pytest.mark.slow
def test_the_cells_pip_command_changes_nothing_colab_ships(tmp_path: Path) -> None:
    preinstalled = _colab_preinstalled()
    environment = tmp_path / "colab"
    subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True)
    python = environment / "bin" / "python"
    shipped = [f"{name}=={version}" for name, version in preinstalled.items() if name in IN_THE_COURSES_TREE]
    subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet", *shipped], check=True)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    for name in sorted(INSTALLED_AS_METADATA):
        info = site / f"{name}-{preinstalled[name]}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {preinstalled[name]}\n")
        (info / "INSTALLER").write_text("tests/test_colab_cell.py\n")
        (info / "RECORD").write_text("")
    requirement = _cell_pip_arguments()[-1].replace(f"git+{course.REPO_URL}@{course.BRANCH}", ROOT.as_uri())
    would_install = _dry_run(python, requirement, tmp_path)
    changed = {name: (preinstalled[name], version) for name, version in would_install.items()
               if name in preinstalled and version != preinstalled[name]}
    assert not changed, f"Colab's setup cell would change what Colab ships (was, would be): {changed}"
    assert would_install["onnx"] == "1.22.0"
    # The control: the same command without the extra upgrades Colab's protobuf, so this test can fail.
    unpinned = _dry_run(python, requirement.replace("[colab]", ""), tmp_path)
    assert unpinned.get("protobuf", preinstalled["protobuf"]) != preinstalled["protobuf"]
