"""Error messages that tell a student what to do next."""

from __future__ import annotations

import argparse
import os
import reprlib
from pathlib import Path
from typing import Any

from .i18n import tr

__all__ = ["missing_file_error", "CREATED_BY", "as_path", "existing_file", "writable_folder", "output_file",
           "require_instance", "GivenOnce"]

# Which notebook (or helper) creates each file the course reads.
CREATED_BY = {
    "linear_weights.pt": ("01_define_and_train.ipynb", "helpers.ensure_trained_linear()"),
    "linear.onnx": ("02_export_to_onnx.ipynb", "helpers.ensure_linear_onnx()"),
}


def missing_file_error(path: str | Path) -> FileNotFoundError:
    """A FileNotFoundError whose message names the notebook (and helper) that creates ``path``."""
    path = Path(path)
    hint = tr("Check the path, or create the file first.")
    if path.name in CREATED_BY:
        notebook, helper = CREATED_BY[path.name]
        hint = tr("Run notebook {notebook} first, or call {helper} to create it here.", notebook=notebook, helper=helper)
    return FileNotFoundError(tr("No file at {path}. {hint}", path=path, hint=hint))


def as_path(value: Any, what: str) -> Path:
    """``value`` as a Path, or a TypeError/ValueError naming ``what`` was passed instead (None, "", a number)."""
    if isinstance(value, (bytes, bytearray)):  # a model read into memory: never print its bytes
        raise TypeError(f"{what} must be a file path (a str or pathlib.Path), got {len(value):,} bytes. For a model "
                        "held in memory, pass onnx.load_model_from_string(data), a ModelProto, where one is accepted.")
    if hasattr(value, "parameters") and hasattr(value, "forward"):  # the PyTorch model itself
        raise TypeError(f"{what} must be a file path, got a PyTorch model ({type(value).__name__}): export it first, "
                        "e.g. helpers.export_model(model, example_input, 'model.onnx'), and pass that file.")
    if value is None or isinstance(value, bool) or not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{what} must be a file path (a str or pathlib.Path), got {reprlib.repr(value)}.")
    if str(value).strip() == "":
        raise ValueError(f"{what} is an empty path: pass the path of the file.")
    if str(value).startswith("~"):  # the shell's home folder; Path() would make a folder named "~"
        try:
            return Path(value).expanduser()
        except RuntimeError as exc:
            raise ValueError(f"{what} {str(value)!r} starts with ~, but no such user's home folder is known here: "
                             "write the full path.") from exc
    return Path(value)


def require_instance(value: Any, kind: type | tuple[type, ...], what: str, hint: str = "") -> Any:
    """``value`` if it is a ``kind``; otherwise a TypeError naming what was passed and, with ``hint``, what to pass."""
    if isinstance(value, kind):
        return value
    names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
    given = f"a list of {len(value)}" if isinstance(value, list) else f"{type(value).__name__} {reprlib.repr(value)}"
    raise TypeError(f"{what} must be a {names}, got {given}." + (f" {hint}" if hint else ""))


def cli_path(text: str) -> Path:
    """An ``argparse`` type for path flags: ``~`` is the home folder even where the shell left it (``--output=~/x``,
    which bash does not expand), and an empty value is refused rather than meaning the current folder."""
    try:
        return as_path(text, "the path")
    except (TypeError, ValueError) as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def require_bool(value: Any, what: str) -> bool:
    """``value`` if it is True or False; a string such as "no" would count as true, so it is refused."""
    if not isinstance(value, bool):
        raise TypeError(f"{what} is True or False, got {value!r}.")
    return value


def existing_file(value: Any, what: str) -> Path:
    """A path that exists and is a file; otherwise an error that says what is there instead."""
    path = as_path(value, what)
    try:
        exists, is_dir = path.exists(), path.is_dir()
    except OSError as exc:  # a name too long for the file system, and the like
        raise ValueError(f"{what} {str(path)[:80]}... cannot be a file here ({exc.strerror or exc}).") from exc
    if not exists:
        if str(value) != str(value).strip() and Path(str(value).strip()).is_file():
            raise FileNotFoundError(f"No file at {str(value)!r}: the path has a space at its start or end, and "
                                    f"{str(value).strip()!r} exists. Remove the space.")
        raise missing_file_error(path)
    if is_dir:
        raise IsADirectoryError(f"{path} is a folder; pass the path of a file inside it.")
    return path


def writable_folder(folder: Path, what: str) -> Path:
    """``folder``, created if missing, after checking that files can be written in it."""
    blocking = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        where = "" if blocking == folder else f", so {folder} cannot be one"
        raise NotADirectoryError(f"{what}: {blocking} is a file, not a folder{where}. Choose another folder, or "
                                 "remove the file.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PermissionError(f"{what}: cannot create the folder {folder} ({exc.strerror or exc}). Choose a folder "
                              "you can write to, such as one inside your home or the course's artifacts.") from exc
    if not os.access(folder, os.W_OK):
        raise PermissionError(f"{what}: {folder} is read-only. Choose a folder you can write to.")
    return folder


def output_file(value: Any, what: str, suffixes: tuple[str, ...], source: Any = None,
                replaceable: Any = None) -> Path:
    """A path to write a result to, checked before any work: not a folder, in a writable folder, not the
    ``source`` file being read, and not an existing file of another kind (a ``.pt`` where an ``.onnx`` goes).

    The name must end in one of ``suffixes``. An existing file with one of them is replaced (re-running a cell
    rewrites its own result), if ``replaceable(path)`` (when given) says it is such a result; any other existing
    file is the user's and is never overwritten.
    """
    path = as_path(value, what)
    if len(path.name.encode()) > 255:  # what Linux, macOS and Windows allow for one name
        raise ValueError(f"{what}: the file name is {len(path.name.encode())} bytes long; file systems allow 255. "
                         f"Choose a shorter name, such as {path.name[:40]}{path.suffix}.")
    if path.is_dir():
        raise IsADirectoryError(f"{what}: {path} is a folder; pass a file path such as {path / ('model' + suffixes[0])}.")
    if source is not None and path.exists() and path.resolve() == Path(source).resolve():
        raise ValueError(f"{what} is the file being read ({path}): writing there would replace it. "
                         f"Choose a new name, such as {path.with_name(path.stem + '.out' + suffixes[0]).name}.")
    if path.exists() and path.suffix.lower() not in suffixes:
        raise FileExistsError(f"{what}: {path} already exists and is not a {' or '.join(suffixes)} file; it was left "
                              f"untouched. Choose a name ending in {suffixes[0]}, or delete that file first.")
    if path.suffix.lower() not in suffixes:  # a .pt holding ONNX, an .onnx holding weights: the next reader is misled
        inside = [s for s in suffixes if s in path.name.lower()]  # a.onnx.data: a.onnx, not a.onnx.onnx
        better = (path.name[:path.name.lower().index(inside[0])] + inside[0] if inside
                  else path.with_suffix(suffixes[0]).name)
        raise ValueError(f"{what}: {path.name} does not end in {' or '.join(suffixes)}, the kind of file written "
                         f"here. Choose a name such as {better}.")
    if replaceable is not None and path.is_file() and not _safely(replaceable, path):
        raise FileExistsError(f"{what}: {path} already exists and is not a file this function wrote (it holds "
                              "something else, or your own work); it was left untouched. Choose a new name, or delete "
                              "that file first.")
    writable_folder(path.parent, what)
    return path


def _safely(check: Any, path: Path) -> bool:
    try:
        return bool(check(path))
    except Exception:  # unreadable, truncated, another format: not ours
        return False


class GivenOnce(argparse.Action):
    """A command-line flag given twice is a slip (which value was meant?): refuse it, rather than keep the last one
    silently (the course's CLIs use it for every single-valued flag)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        seen = getattr(namespace, "_given", set())
        if self.dest in seen:
            parser.error(f"{option_string} was given twice: give it once.")
        namespace._given = seen | {self.dest}
        setattr(namespace, self.dest, values)
