"""A one-page student handout with the links of one launch path (``python -m helpers.workshop handout``).

Every link comes from ``helpers.course`` (``REPO_URL``, ``BRANCH``, ``STUDENT_BRANCH``), so a fork that ran
``sync`` hands out its own links. Print it, or paste it into the course chat or learning platform.
"""

from __future__ import annotations

from typing import Sequence

from .. import course
from ..course import binder_url, check_repo_url, colab_url, list_notebooks, nbgitpuller_url
from ..machine_checks import INSTALL_GB, MIN_FREE_GB
from .agenda import notebook_outline

__all__ = ["LAUNCH_PATHS", "student_handout"]

LAUNCH_PATHS = {
    "hub": "the course's JupyterHub: nothing to install, your work is kept in your home folder",
    "colab": "Google Colab: nothing to install, a Google account, one notebook at a time",
    "binder": "mybinder.org: nothing to install, no account, nothing is kept when the session ends",
    "local": f"your own computer: Python 3.11 to 3.14 and about {INSTALL_GB + MIN_FREE_GB:g} GB of free disk, set up "
             "before the day (docs/SETUP.md)",
}

_START = {
    "hub": ["Open the first link below and log in. The hub copies the course into your home folder (the first "
            "time) and opens the notebook.",
            "Clicking a link again later brings the instructor's fixes and keeps your own edits."],
    "colab": ["Open a notebook's link below, then *Runtime → Run all*, or run the cells one by one. The first "
              "cell installs the course (about a minute, the first time in each session).",
              "To keep your work: *File → Save a copy in Drive*, before you close the tab."],
    "binder": ["Open the link below. Building or starting the session can take a few minutes; JupyterLab then "
               "opens on the `notebooks/` folder.",
               "Binder ends a session after about 10 minutes without activity and keeps nothing: download your "
               "notebooks (*File → Download*) before you leave."],
    "local": ["`git clone {repo}` and `cd` into it (or download the repository as a ZIP file).",
              "`make lab` installs the course into `.venv` and opens JupyterLab (without `make`: docs/SETUP.md).",
              "`python -m helpers.doctor` checks the installation: no row may say FAIL."],
}

# Notebooks whose kernel, with the CPU-only PyTorch, peaks above mybinder.org's 2 GB (INSTRUCTORS.md, sizing):
# Binder would restart their kernel. None today: make test keeps every notebook under sizing.BINDER_BUDGET_MB.
BINDER_TOO_BIG: tuple[str, ...] = ()

_WHILE = ["Run the cells from the top: each notebook runs on its own, even if you skipped the one before.",
          "Before opening the next notebook, shut down the kernel of the last one (*Kernel → Shut Down Kernel*; on "
          "Colab, *Runtime → Disconnect and delete runtime*): each running kernel holds 1 GB or more.",
          "An exercise's check cell says *not done yet* until you build what it asks for, and then says what is "
          "missing or that it passes."]


def student_handout(launch: str, hub_url: str | None = None, *, solutions: bool = False,
                    notebooks: Sequence[str] | None = None) -> str:
    """The handout, in Markdown, for one of ``LAUNCH_PATHS``; ``hub_url`` (https://...) is needed for ``hub``.

    Links open the student copies (solutions blanked, ``STUDENT_BRANCH``), or with ``solutions=True`` the
    full notebooks (``BRANCH``; on a hub in a folder of their own). ``notebooks`` lists the day's notebooks
    by number (``["01", "02", ...]``); by default, every one.
    """
    if launch not in LAUNCH_PATHS:
        raise ValueError(f"launch must be one of {', '.join(LAUNCH_PATHS)}, got {launch!r}.")
    if (launch == "hub") != (hub_url is not None):
        raise ValueError("launch='hub' needs the hub's address: hub_url='https://hub.example.org' (on the command "
                         "line, --hub-url)." if hub_url is None else f"hub_url is for launch='hub', not {launch!r}.")
    chosen = _chosen(notebooks)
    check_repo_url(course.REPO_URL)  # every link below is built from it (read now: a fork edits it, tests change it)
    branch = course.BRANCH if solutions else course.STUDENT_BRANCH
    if launch == "hub":
        nbgitpuller_url(hub_url, branch)  # checks the address before anything is written
    copies = "the full notebooks, with solutions" if solutions else "your copies of the notebooks (no solutions)"
    lines = ["# PyTorch ⇄ ONNX, hands-on: how to start", "",
             f"**Where:** {LAUNCH_PATHS[launch]}. The links open {copies}.", "", "## Start", ""]
    steps = [step.format(repo=course.REPO_URL) for step in _START[launch]]
    if launch == "local" and not solutions:
        steps.insert(1, f"`git switch {course.STUDENT_BRANCH}`: the copies without solutions.")
    lines += [f"{n}. {step}" for n, step in enumerate(steps, 1)]
    if launch == "binder":
        lines += ["", f"**Link:** {binder_url(branch)}"]
    lines += ["", "## The notebooks", "", "| # | Notebook | Open |", "|---|---|---|"]
    for path in chosen:
        title = notebook_outline(path)[0]
        if launch == "hub":
            link = f"[open]({nbgitpuller_url(hub_url, branch, path.name)})"
        elif launch == "colab":
            link = f"[open in Colab]({colab_url(path.name, branch)})"
        else:
            link = f"`notebooks/{path.name}`"
        lines.append(f"| {path.name[:2]} | {title} | {link} |")
    heavy = [path.name[:2] for path in chosen if path.name[:2] in BINDER_TOO_BIG]
    if launch == "binder" and heavy:
        lines += ["", f"Notebook {', '.join(heavy)} needs more memory than Binder gives (about 2 GB): open it on "
                      "Colab instead."]
    lines += ["", "## While you work", ""] + [f"- {tip}" for tip in _WHILE]
    lines += ["", f"Course repository: {course.REPO_URL}", ""]
    return "\n".join(lines)


def _chosen(notebooks: Sequence[str] | None) -> list:
    every = list_notebooks()
    if notebooks is None:
        return every
    if isinstance(notebooks, str):
        raise TypeError(f"notebooks takes a list of numbers, e.g. ['01', '02'], got {notebooks!r}.")
    numbers = {path.name[:2]: path for path in every}
    unknown = [n for n in notebooks if str(n).zfill(2) not in numbers]
    if unknown or not notebooks:
        joined = any("," in str(n) for n in unknown)  # --notebooks 01,02: one word
        raise ValueError(f"notebooks are numbers of the course's notebooks ({', '.join(numbers)}), got {list(notebooks)}"
                         + (": separate them with spaces, --notebooks 01 02." if joined else "."))
    return [numbers[n] for n in dict.fromkeys(str(n).zfill(2) for n in notebooks)]  # pass 12: "1 01" listed 01 twice

