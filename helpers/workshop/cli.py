"""The ``python -m helpers.workshop`` command line, for instructors: student copies, timings, schedule, sizing, sync.

    python -m helpers.workshop student [--output student]   # notebooks with solution cells blanked
    python -m helpers.workshop publish-students [--branch students]  # commit student copies to a branch
    python -m helpers.workshop timings [--notebooks NN ...] [--output INSTRUCTORS.md]  # execute, write agenda+schedule
    python -m helpers.workshop schedule [--output INSTRUCTORS.md]  # rewrite the schedule from the agenda's timings
    python -m helpers.workshop sizing [--notebooks ...] [--users 30]  # peak memory and CPU: JupyterHub sizing
    python -m helpers.workshop handout --launch hub --hub-url URL  # a student handout (hub, colab, binder, local)
    python -m helpers.workshop sync       # setup cells, Colab badges and the documents' links, from helpers.course
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from .. import course
from ..course import NOTEBOOKS_DIR, STUDENT_BRANCH, list_notebooks, sync_course
from ..errors import GivenOnce, cli_path
from .agenda import agenda_markdown, read_agenda, time_notebooks, update_agenda
from .handout import LAUNCH_PATHS, student_handout
from .schedule import schedule_markdown, update_schedule
from .sizing import measure_notebook, sizing_markdown, update_sizing
from .students import publish_students, write_student_copies

__all__ = ["main"]

# what ``--help`` prints, word for word as before the tooling was split into modules
_DESCRIPTION = "Workshop tooling: student copies without solutions, measured notebook timings, the instructor agenda."


def _parser() -> argparse.ArgumentParser:
    guide = NOTEBOOKS_DIR.parent / "INSTRUCTORS.md"
    parser = argparse.ArgumentParser(prog="python -m helpers.workshop", description=_DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)
    student = sub.add_parser("student", help="write student copies (solutions removed)")
    student.add_argument("--output", type=cli_path, default=Path("student"), action=GivenOnce)
    student.add_argument("--overwrite", action="store_true", help="replace student copies already in --output")
    publish = sub.add_parser("publish-students", help="commit student copies of HEAD to a branch (nothing is pushed)")
    publish.add_argument("--branch", default=STUDENT_BRANCH, action=GivenOnce)
    publish.add_argument("--repo", type=cli_path, default=Path.cwd(), action=GivenOnce, help="the course repository (default: here)")
    timings = sub.add_parser("timings", help="execute the notebooks (default: all), write the agenda (and, for all, the schedule) into a file")
    timings.add_argument("--notebooks", type=cli_path, nargs="+", default=None, action="extend", help="default: every course notebook")
    timings.add_argument("--output", type=cli_path, default=guide, action=GivenOnce)
    schedule = sub.add_parser("schedule", help="rewrite the schedule from the agenda's run times (executes nothing)")
    schedule.add_argument("--output", type=cli_path, default=guide, action=GivenOnce)
    sizing = sub.add_parser("sizing", help="execute notebooks, measure memory and CPU, write the JupyterHub sizing")
    sizing.add_argument("--notebooks", type=cli_path, nargs="+", default=None, action="extend", help="default: every course notebook")
    sizing.add_argument("--users", type=int, default=30, action=GivenOnce)
    sizing.add_argument("--output", type=cli_path, default=guide, action=GivenOnce)
    handout = sub.add_parser("handout", help="print a one-page student handout with the links of one launch path")
    handout.add_argument("--launch", choices=list(LAUNCH_PATHS), required=True, action=GivenOnce, help="where students run the course")
    handout.add_argument("--hub-url", action=GivenOnce, help="the hub's address, e.g. https://hub.example.org (with --launch hub)")
    handout.add_argument("--solutions", action="store_true", help="link the full notebooks instead of the copies")
    handout.add_argument("--notebooks", nargs="+", metavar="NN", action="extend", help="the day's notebooks by number (default: all)")
    sync = sub.add_parser("sync", help="rewrite the notebooks' setup cells and Colab badges, and the links in the "
                                       "README and guides, from helpers.course")
    sync.add_argument("--force", action="store_true", help="replace setup cells that hold uncommitted edits too")
    return parser


_MARKERS = {"timings": ("<!-- agenda:start -->", "<!-- agenda:end -->", "<!-- schedule:start -->",
                        "<!-- schedule:end -->"),
            "schedule": ("<!-- schedule:start -->", "<!-- schedule:end -->"),
            "sizing": ("<!-- sizing:start -->", "<!-- sizing:end -->")}


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse what cannot work before any notebook runs: a guide without its markers, nonsense numbers."""
    if args.command in _MARKERS:
        if not args.output.is_file():
            parser.error(f"--output {args.output} is not a file: give the instructor guide (default INSTRUCTORS.md), "
                         f"or create a file of your own holding these lines, each on its own line, and give that: "
                         f"{', '.join(_MARKERS[args.command])}.")  # pass 24: a new file was sent to the guide only
        if not os.access(args.output, os.W_OK):
            parser.error(f"--output {args.output} is read-only: make it writable first (the measurements would be "
                         "lost at the end).")
        try:
            text = args.output.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            parser.error(f"--output {args.output} is not a text file: give the instructor guide (default "
                         "INSTRUCTORS.md).")
        missing = [m for m in _MARKERS[args.command] if m not in text]
        if missing:
            parser.error(f"{args.output} has no {' or '.join(missing)} marker: is it the instructor guide?")
    if args.command == "sizing" and args.users < 1:
        parser.error(f"--users must be at least 1, got {args.users}.")
    if args.command in ("sizing", "timings"):  # pass 22: timings measured every notebook or none
        by_number = {p.name[:2]: p for p in list_notebooks()}  # pass 18: "01 02", as handout takes them
        args.notebooks = [by_number.get(str(p).zfill(2), p) if str(p).isdigit() and not p.exists() else p
                          for p in args.notebooks or []] or None
        absent = [str(p) for p in args.notebooks or [] if not p.is_file() or p.suffix != ".ipynb"]
        if absent:
            parser.error(f"no such notebook (an .ipynb file): {', '.join(absent)}.")
        names = [p.resolve() for p in args.notebooks or []]
        if len(set(names)) != len(names):
            parser.error("--notebooks lists a notebook more than once: each is measured once.")
        guide = NOTEBOOKS_DIR.parent / "INSTRUCTORS.md"
        if args.notebooks and args.output.resolve() == guide.resolve() and set(names) != {
                p.resolve() for p in list_notebooks()}:
            what = "sizing" if args.command == "sizing" else "agenda and schedule"
            parser.error(f"--notebooks measures {len(names)} notebook(s), but the {what} in {guide.name} covers every "
                         "course notebook and would lose the others' rows: write this measurement elsewhere with "
                         "--output FILE, a Markdown file holding each of these lines: "
                         f"{', '.join(_MARKERS[args.command])}; or leave --notebooks out.")


def _dirty(repo: Path) -> list[str]:
    """Uncommitted changes under notebooks/ and helpers/ (what student copies are made from)."""
    done = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--", "notebooks", "helpers"],
                          capture_output=True, text=True)
    return done.stdout.splitlines() if done.returncode == 0 else []


def _publish(repo: Path, branch: str) -> None:
    if not repo.is_dir():  # git -C on a file says only "cannot change to"
        raise NotADirectoryError(f"--repo {repo} is {'a file' if repo.exists() else 'missing'}: pass the folder of "
                                 "the course repository (the one holding notebooks/ and helpers/).")
    top = subprocess.run(["git", "-C", str(repo), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    if top.returncode != 0:
        raise ValueError(f"{repo} is not inside a git repository: run this in the course repository, or pass "
                         "--repo with its path.")
    repo = Path(top.stdout.strip())  # run from notebooks/ too: the repository's top level
    changes = _dirty(repo)
    if changes:
        print(f"note: {len(changes)} uncommitted change(s) under notebooks/ or helpers/ are NOT in the student "
              "copies, which are made from HEAD: commit them first and run this again to include them.")
    if branch != STUDENT_BRANCH:
        print(f"note: the hub and Colab links point at {STUDENT_BRANCH!r} (helpers.course.STUDENT_BRANCH), not "
              f"{branch!r}: publish there, or change STUDENT_BRANCH and run sync.")
    commit = publish_students(repo, branch)
    if commit is None:
        print(f"{branch} already holds the student copies of HEAD: nothing to commit.")
    else:
        print(f"committed {commit[:12]} to {branch}. Publish it with: git push origin {branch}")


def _timings(document: Path, notebooks: Sequence[Path] | None) -> None:
    measured = time_notebooks(notebooks=notebooks, on_measured=lambda t: print(f"{t.name}: {t.seconds:.1f} s", flush=True))
    update_agenda(document, agenda_markdown(measured))
    if notebooks:
        print("the schedule was left as it was: it plans the day from every notebook's time (timings without "
              "--notebooks measures them all)")
    else:
        update_schedule(document, schedule_markdown(measured))
    print("updated", document)


def _sizing(notebooks: Sequence[Path] | None, users: int, document: Path) -> None:
    usages = []
    for path in notebooks or list_notebooks():
        usages.append(measure_notebook(path))
        u = usages[-1]
        print(f"{u.name}: {u.seconds:.0f} s, {u.cpu_seconds:.0f} CPU s, peak {u.peak_mb:,.0f} MB", flush=True)
    update_sizing(document, sizing_markdown(usages, users))
    print("updated", document)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: see the module's docstring. A refused argument exits 2 with the reason, no traceback."""
    parser = _parser()
    args = parser.parse_args(argv)
    _check(parser, args)
    try:
        return _run(args)
    except KeyboardInterrupt:  # pass 17: nbclient's traceback, and no word on what was kept
        kept = "" if args.command not in _MARKERS else f" {args.output} was not changed."
        parser.exit(130, f"\n{parser.prog} {args.command}: interrupted.{kept}\n")
    except BrokenPipeError:  # `... | head` closed the pipe: the reader has what it wanted (pass 13: exit 2)
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        except (AttributeError, OSError, ValueError):  # a stdout without a file descriptor (tests, notebooks)
            pass
        return 0
    except (ValueError, OSError, RuntimeError) as error:  # the helpers' own refusals, written for the user
        parser.exit(2, f"{parser.prog} {args.command}: error: {error}\n")


def _uncommitted(path: Path) -> bool:
    """Whether git holds no committed copy of ``path`` as it is now (changed, new, or no git at all)."""
    done = subprocess.run(["git", "-C", str(path.parent), "status", "--porcelain", "--", path.name],
                          capture_output=True, text=True)
    return done.returncode != 0 or bool(done.stdout.strip())


def _setup_cells_to_rewrite(directory: Path = NOTEBOOKS_DIR) -> list[str]:
    """The notebooks whose setup cell differs from ``setup_cell_source()``: sync replaces each."""
    wanted, names = course.setup_cell_source(), []
    for path in course.all_notebooks(directory):
        try:
            cells = course.read_notebook(path)["cells"]
        except ValueError:  # sync_course names the broken notebook
            continue
        setup = next((c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).startswith(
            "# Course setup")), None)
        if setup is not None and "".join(setup["source"]) != wanted:
            names.append(path.relative_to(directory).as_posix())
    return names


def _note_unpublished(repo: Path, branch: str = STUDENT_BRANCH) -> bool:
    """Say on stderr when the handout's links open a student branch this clone has not seen (local or fetched);
    returns whether it said so. Outside a git clone (an installed package) nothing can be known: nothing is said."""
    try:
        done = subprocess.run(["git", "-C", str(repo), "for-each-ref", "--format=%(refname)", f"refs/heads/{branch}",
                               f"refs/remotes/*/{branch}"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    if done.returncode != 0 or done.stdout.strip():
        return False
    print(f"note: the links above open the {branch!r} branch, which this clone has neither made nor fetched: run "
          f"python -m helpers.workshop publish-students, then git push origin {branch}, before the students use them "
          f"(git fetch first if someone else published it).", file=sys.stderr)  # pass 24: links to nothing
    return True


def _run(args: argparse.Namespace) -> int:
    if args.command == "sync":
        course.check_repo_url(course.REPO_URL)  # read now: a fork edits it, tests change it
        rewritten = _setup_cells_to_rewrite()
        unsaved = [name for name in rewritten if _uncommitted(NOTEBOOKS_DIR / name)]
        if unsaved and not args.force:  # pass 21: an uncommitted hand edit was lost, "git diff" could not show it
            raise ValueError(f"the setup cell of {', '.join(unsaved)} differs from helpers.course.setup_cell_source(), "
                             "and the notebook has changes git does not hold yet: sync would replace them for good. "
                             "Commit them first (git diff then shows what sync changed), move lasting edits to "
                             "setup_cell_source() in helpers/course.py, or pass --force to replace them. Nothing "
                             "was written.")
        changed = sync_course()  # every file checked before any is written
        for path in changed:
            print("updated", path.relative_to(NOTEBOOKS_DIR.parent).as_posix())
        if rewritten:  # pass 20: a hand edit in a setup cell went with only "updated ..."
            print(f"The setup cell of {len(rewritten)} notebook(s) ({', '.join(rewritten)}) was replaced by "
                  "helpers.course.setup_cell_source(): after a new REPO_URL or BRANCH that is the point, but an edit "
                  "made by hand in a setup cell is gone (git diff notebooks/ shows it). Make lasting changes to the "
                  "setup cell in setup_cell_source() in helpers/course.py, then run sync.")
        if not changed:
            print(f"Everything already points at {course.REPO_URL} (branch {course.BRANCH!r}): nothing to update.")
    elif args.command == "handout":
        print(student_handout(args.launch, args.hub_url, solutions=args.solutions, notebooks=args.notebooks))
        if not args.solutions:
            _note_unpublished(NOTEBOOKS_DIR.parent)
    elif args.command == "student":
        for path in write_student_copies(args.output, overwrite=args.overwrite):
            print("wrote", path)
    elif args.command == "publish-students":
        _publish(args.repo, args.branch)
    elif args.command == "timings":
        _timings(args.output, args.notebooks)
    elif args.command == "schedule":
        before = Path(args.output).read_bytes() if Path(args.output).is_file() else None
        update_schedule(args.output, schedule_markdown(read_agenda(args.output)))
        print("updated" if Path(args.output).read_bytes() != before else "already up to date:", args.output)  # pass 22
    else:
        _sizing(args.notebooks, args.users, args.output)
    return 0
