"""Student copies for instructors to hand out: each notebook with its solutions blanked, in a folder or on a branch."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Sequence

from ..course import BRANCH, NOTEBOOKS_DIR, STUDENT_BRANCH, all_notebooks, read_notebook
from ..errors import writable_folder

__all__ = ["SOLUTION_TAG", "STUDENT_COPY_KEY", "make_student_notebook", "write_student_copies", "publish_students"]

SOLUTION_TAG = "solution"
STUDENT_COPY_KEY = "course_student_copy"  # in a student copy's notebook metadata: written by this module
_MESSAGE_START = "Student copies of "  # every commit publish_students makes starts so
_ANSWER = re.compile(r"^(answer_\w+)\s*(?::[^=\n]+)?=(?!=)", re.M)  # answer_x = ..., answer_x: list = ...


def make_student_notebook(notebook: dict) -> dict:
    """A copy of ``notebook`` whose solution cells are blanked for students, with all outputs cleared.

    A solution cell keeps its leading comment lines (the instructions) and nothing else of its code:
    each ``answer_...`` it assigns becomes ``None``, so the check below it says "not done yet". Anything
    a student needs to start from belongs in an untagged cell before the solution cell.
    """
    if not isinstance(notebook, dict) or "cells" not in notebook:
        raise TypeError(f"make_student_notebook takes a notebook's JSON (a dict with 'cells'), got "
                        f"{type(notebook).__name__}: read it first, helpers.course.read_notebook(path).")
    student = copy.deepcopy(notebook)
    student.setdefault("metadata", {})[STUDENT_COPY_KEY] = True  # so that --overwrite replaces only such copies
    for cell in student["cells"]:
        if cell["cell_type"] != "code":
            continue
        cell["outputs"], cell["execution_count"] = [], None
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"])
            names = list(dict.fromkeys(_ANSWER.findall(source)))
            if not names:
                raise ValueError(f"A solution cell assigns no answer_... variable:\n{source}")
            lines = source.splitlines()
            comments = [line for line in lines[:next((i for i, l in enumerate(lines) if not l.startswith("#")),
                                                      len(lines))]]
            cell["source"] = "\n".join(comments + ["# your code here", ""]
                                       + [f"{name} = None  # your answer here" for name in names])
            cell["metadata"]["tags"] = [t for t in cell["metadata"]["tags"] if t != SOLUTION_TAG] + ["exercise"]
    return student


def write_student_copies(output: Path, notebooks: Sequence[Path] | None = None, *,
                         overwrite: bool = False) -> list[Path]:
    """Write student versions of the course notebooks (translations in subfolders) into ``output``; returns them.

    Refuses an ``output`` inside the course's own ``notebooks/`` (the copies would replace the solutions), and
    files already there unless ``overwrite=True``; both checks come before anything is written.
    """
    output = Path(output)
    blocking = next((p for p in (output, *output.parents) if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise NotADirectoryError(f"{output}: {blocking} is a file, so the student copies cannot go there. Choose a "
                                 "folder, e.g. --output student.")
    if output.resolve() == NOTEBOOKS_DIR.parent:  # the repository itself: git add -A would commit the copies
        raise ValueError(f"{output} is the course repository's own folder: student copies there sit beside README.md "
                         "and would be committed by the next 'git add'. Choose a folder, e.g. --output student.")
    if output.resolve() == NOTEBOOKS_DIR or output.resolve().is_relative_to(NOTEBOOKS_DIR):
        raise ValueError(f"{output} is inside the course's notebooks/ folder: student copies there would replace "
                         "the notebooks and their solutions. Choose another folder, e.g. --output student.")
    part = output.resolve().relative_to(NOTEBOOKS_DIR.parent).parts[:1] if output.resolve().is_relative_to(
        NOTEBOOKS_DIR.parent) else ()
    if part and part[0] in ("helpers", "tests", "tools", "docs", "binder", ".ci", ".github"):  # pass 17: from helpers/
        raise ValueError(f"{output} is inside the course's {part[0]}/ folder, among its own files: run the command "
                         "from the repository's top folder, or choose another folder, e.g. --output student.")
    sources = list(notebooks or all_notebooks())
    targets = [_target(output, path) for path in sources]
    existing = [str(t) for t in targets if t.exists()]
    foreign = [t for t in existing if not _is_student_copy(Path(t))]
    if foreign:  # a student's own notebook of that name, or any other file: never replaced, --overwrite or not
        raise FileExistsError(f"{len(foreign)} file(s) in {output} have the names of student copies but were not "
                              f"written as ones (e.g. {foreign[0]}): they were left untouched. Choose another "
                              "folder, or move them away first.")
    if existing and not overwrite:
        raise FileExistsError(f"{len(existing)} student copies already exist in {output} (e.g. {existing[0]}): "
                              "pass overwrite=True (--overwrite) to replace them, or choose another folder.")
    worked = [t for t in existing if _worked_on(Path(t))]
    if worked:  # pass 18: --overwrite wiped copies students had filled in
        raise FileExistsError(f"{len(worked)} student copies in {output} were run or edited since they were written "
                              f"(e.g. {worked[0]}): a student's work, which --overwrite does not replace. Move them "
                              "away (or delete them), or choose another folder.")
    students = [_student_of(read_notebook(path), path) for path in sources]  # all made before anything is written
    for student in students:
        student["metadata"][_DIGEST_KEY] = _sources_digest(student)
    writable_folder(output, "the student copies' folder")
    written = []
    for student, target in zip(students, targets):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(student, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    return written


_DIGEST_KEY = "course_student_copy_sources"  # a digest of the cells as written: an edited copy differs from it


def _sources_digest(notebook: dict) -> str:
    cells = [[c.get("cell_type"), "".join(c.get("source", ""))] for c in notebook.get("cells", [])]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()[:16]


def _worked_on(path: Path) -> bool:
    """A student copy that holds outputs, or whose cells differ from those written (copies written before the
    digest existed count as untouched unless they hold outputs)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    ran = any(c.get("outputs") or c.get("execution_count") for c in notebook.get("cells", []))
    digest = notebook.get("metadata", {}).get(_DIGEST_KEY)
    return ran or (digest is not None and digest != _sources_digest(notebook))


def _is_student_copy(path: Path) -> bool:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get(STUDENT_COPY_KEY) is True
    except (OSError, ValueError, AttributeError):  # unreadable, not JSON, not a notebook: not ours
        return False


def _student_of(notebook: dict, name: Any) -> dict:
    """``make_student_notebook`` of one notebook, whose failure names the notebook."""
    try:
        return make_student_notebook(notebook)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from error


def _target(output: Path, path: Path) -> Path:
    folder = path.resolve().parent
    return output / (folder.relative_to(NOTEBOOKS_DIR) if folder.is_relative_to(NOTEBOOKS_DIR) else "") / path.name


# --------------------------------------------------------------------------- student copies on a branch

def _git(repo: Path, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
         check: bool = True) -> str:
    """Run one git command in ``repo``; returns its output. A failure raises with git's own message."""
    done = subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True,
                          env={**os.environ, **(env or {})})
    if check and done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {repo}:\n{done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode("utf-8").strip() if done.returncode == 0 else ""


def _student_tree(repo: Path, source: str) -> str:
    """A git tree like ``source``'s, each course notebook replaced by its student copy; returns its id.

    Notebooks in subfolders of ``notebooks/`` (translations, say) are blanked too: none may keep a solution.
    """
    names = _git(repo, "ls-tree", "-r", "--name-only", source, "notebooks/").splitlines()
    notebooks = [name for name in names if re.fullmatch(r"notebooks/(?:[^/]+/)*\d\d_[^/]+\.ipynb", name)]
    if not notebooks:
        raise ValueError(f"{source} in {repo} has no notebooks/NN_*.ipynb: run this in the course repository.")
    with tempfile.TemporaryDirectory() as scratch:
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}  # leaves the repository's own index alone
        _git(repo, "read-tree", source, env=index)
        for name in notebooks:
            try:
                notebook = json.loads(_git(repo, "show", f"{source}:{name}"))
            except json.JSONDecodeError as error:  # a merge conflict committed, a cut-short file
                raise ValueError(f"{name} in {source} is not a notebook ({error}): fix it (git show {source}:{name}), "
                                 "commit, and publish again.") from error
            student = _student_of(notebook, name)
            text = json.dumps(student, indent=1, ensure_ascii=False) + "\n"
            blob = _git(repo, "hash-object", "-w", "--stdin", stdin=text.encode("utf-8"))
            _git(repo, "update-index", "--cacheinfo", f"100644,{blob},{name}", env=index)
        return _git(repo, "write-tree", env=index)


def _published_elsewhere(repo: Path, branch: str, remotes: list[str]) -> str:
    """The last student commit of ``<remote>/<branch>`` (a fresh clone has no local branch yet), or ''."""
    for remote in remotes:
        commit = _git(repo, "rev-parse", "--verify", "--quiet", f"refs/remotes/{remote}/{branch}^{{commit}}",
                      check=False)
        if commit:
            return commit
    return ""


def publish_students(repo: Path, branch: str = STUDENT_BRANCH, source: str = "HEAD") -> str | None:
    """Commit student copies of ``source``'s notebooks to ``branch``; returns the commit, or None if up to date.

    The commit holds ``source``'s whole tree with every notebook's solutions blanked and outputs cleared,
    so ``helpers/`` sits beside the notebooks. Only git objects change: the working tree, the index and
    the current branch stay as they are. Each commit's first parent is the branch's previous commit (in a
    fresh clone without the local branch, the remote's, e.g. ``origin/students``), so the branch only moves
    forward and nbgitpuller can merge it into students' copies; its second parent is ``source``. Nothing is
    pushed.
    """
    if not isinstance(branch, str) or not branch.strip():
        raise ValueError(f"branch must be a branch name such as {STUDENT_BRANCH!r}, got {branch!r}.")
    if branch.startswith("refs/") or branch == "HEAD":
        raise ValueError(f"Give the branch's short name (e.g. {STUDENT_BRANCH!r}), not {branch!r}: the commit "
                         "goes to refs/heads/<name>.")
    remotes = _git(repo, "remote", check=False).split()
    if branch.split("/")[0] in set(remotes) | {"origin", "upstream"} and "/" in branch:  # pass 17: no remote yet
        raise ValueError(f"{branch!r} names a branch of the remote {branch.split('/')[0]!r}: publish to a local "
                         f"branch (e.g. {branch.split('/', 1)[-1]!r}), then push it with git push.")
    try:
        _git(repo, "check-ref-format", "--branch", branch)
    except RuntimeError as error:
        raise ValueError(f"{branch!r} is not a valid branch name (no spaces, no '..', no trailing '/').") from error
    if _git(repo, "rev-parse", "--verify", "--quiet", f"refs/tags/{branch}", check=False):
        raise ValueError(f"{branch!r} is already a tag in {repo}: a branch of the same name would make "
                         f"'git push origin {branch}' ambiguous. Choose another branch name.")
    if _git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False) == branch:
        raise ValueError(f"{branch} is checked out in {repo}" + (  # pass 12: --branch main named main "its own"
            f", and it is the course's own branch ({branch}): publish the student copies to a branch of their own, "
            f"such as --branch {STUDENT_BRANCH}." if branch == BRANCH else
            ": switch to the course's own branch first."))
    worktrees = _git(repo, "worktree", "list", "--porcelain", check=False).split("\n\n")
    elsewhere = [w.splitlines()[0].removeprefix("worktree ") for w in worktrees if f"branch refs/heads/{branch}" in w]
    if elsewhere:
        raise ValueError(f"{branch} is checked out in the worktree {elsewhere[0]}: a commit made here would leave "
                         "that worktree behind its branch. Switch that worktree to another branch first.")
    local = _git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}", check=False)
    parent = local or _published_elsewhere(repo, branch, remotes)
    if parent and not _git(repo, "log", "-1", "--format=%s", parent).startswith(_MESSAGE_START):
        raise ValueError(f"{branch} holds other work (its last commit is not a student copy): publishing there "
                         "would put blanked notebooks on top of it. " + (  # pass 21: it named the branch it refused
                             f"Use the student branch ({STUDENT_BRANCH}) or a new branch name." if branch != STUDENT_BRANCH
                             else f"Move that work to a branch of its own (git branch -m {branch} <name>), or publish "
                                  "to a new branch name with --branch."))
    if not _git(repo, "rev-parse", "--verify", "--quiet", f"{source}^{{commit}}", check=False):
        raise ValueError(f"{source} names no commit in {repo}" + (": the repository has no commit yet. Commit the "
                         "course first (git add -A && git commit), then publish." if source == "HEAD" else
                         ". Give a branch, tag or commit of the course, e.g. main."))
    if not _git(repo, "var", "GIT_COMMITTER_IDENT", check=False):  # pass 20: git's raw "Author identity unknown"
        raise ValueError(f"git does not know who you are in {repo}, and a commit needs an author: run "
                         "git config user.name \"Your Name\" and git config user.email you@example.org there (add "
                         "--global for every repository), then publish again. Nothing was written.")
    tree = _student_tree(repo, source)
    if parent and _git(repo, "rev-parse", f"{parent}^{{tree}}") == tree:
        return None
    origin = _git(repo, "rev-parse", "--short", source)
    message = f"{_MESSAGE_START}{origin}: solutions blanked, outputs cleared"
    # the course commit is a second parent: the branch shares main's history, so git (and nbgitpuller) can
    # merge between the two instead of refusing "unrelated histories"
    source_commit = _git(repo, "rev-parse", f"{source}^{{commit}}")
    commit = _git(repo, "commit-tree", tree, "-m", message, *(["-p", parent] if parent else []), "-p", source_commit)
    _git(repo, "update-ref", "-m", "publish-students", f"refs/heads/{branch}", commit, local)  # '' = must not exist yet
    return commit
