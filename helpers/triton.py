"""An ONNX file as a Triton Inference Server model repository (notebook 11): the folder layout and ``config.pbtxt``.

Triton's onnxruntime backend serves ``<repository>/<model name>/<version>/model.onnx`` described by
``<repository>/<model name>/config.pbtxt``. ``triton_config`` writes that description from the file's own inputs
and outputs (names, element types, shapes without the batch dimension), with dynamic batching; nothing here
needs Docker, a GPU or Triton itself: the notebook shows the command that would serve the folder.
"""

from __future__ import annotations

import inspect
import numbers
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import onnx

from .errors import as_path, existing_file, writable_folder
from .onnx_file import load_onnx

__all__ = ["TRITON_TYPES", "TritonRepository", "triton_config", "write_triton_repository"]

# ONNX element types -> Triton's data_type names (model_config.proto's DataType).
TRITON_TYPES = {onnx.TensorProto.FLOAT: "TYPE_FP32", onnx.TensorProto.FLOAT16: "TYPE_FP16",
                onnx.TensorProto.DOUBLE: "TYPE_FP64", onnx.TensorProto.INT64: "TYPE_INT64",
                onnx.TensorProto.INT32: "TYPE_INT32", onnx.TensorProto.INT8: "TYPE_INT8",
                onnx.TensorProto.UINT8: "TYPE_UINT8", onnx.TensorProto.BOOL: "TYPE_BOOL",
                onnx.TensorProto.BFLOAT16: "TYPE_BF16", onnx.TensorProto.STRING: "TYPE_STRING"}
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def _whole(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        raise ValueError(f"{what} must be a whole number from {low} to {high:,}, got {value!r}.")
    return value


def _tensors(values: Any, batched: bool, what: str) -> list[str]:
    blocks = []
    for value in values:
        kind = value.type.tensor_type
        if kind.elem_type not in TRITON_TYPES:
            raise ValueError(f"{what} {value.name!r} has ONNX element type {onnx.TensorProto.DataType.Name(kind.elem_type)}, "
                             f"which Triton's config cannot name.")
        dims = [d.dim_value if d.HasField("dim_value") else -1 for d in kind.shape.dim]
        if batched:
            if not dims or dims[0] > 0:
                raise ValueError(f"{what} {value.name!r} has a fixed first dimension {dims[:1]}: with max_batch_size > 0 "
                                 f"Triton adds the batch itself. Export with a dynamic batch (dynamic_shapes={{0: "
                                 f"Dim('batch')}}) or pass max_batch_size=0.")
            dims = dims[1:]
        # A tensor that is only a batch has no dims left: Triton wants dims [ 1 ] reshaped to a scalar per example.
        shape = f'    dims: [ {", ".join(map(str, dims))} ]\n' if dims else '    dims: [ 1 ]\n    reshape: { shape: [ ] }\n'
        blocks.append(f'  {{\n    name: "{value.name}"\n    data_type: {TRITON_TYPES[kind.elem_type]}\n{shape}  }}')
    return blocks


def triton_config(onnx_path: str | Path, model_name: str, *, max_batch_size: int = 32,
                  preferred_batch_sizes: tuple[int, ...] = (), max_queue_delay_us: int = 100,
                  instances: int = 1, kind: str = "KIND_CPU") -> str:
    """The ``config.pbtxt`` text that serves ``onnx_path`` in Triton's onnxruntime backend with dynamic batching.

    Dims leave out the batch dimension (Triton adds it when ``max_batch_size`` > 0); -1 marks a dynamic one.
    ``max_batch_size=0`` describes the file's shapes as they are, without batching. Triton's guide starts from
    plain ``dynamic_batching {}`` and a short queue delay, tuned with its perf_analyzer; ``preferred_batch_sizes``
    only when measurements show that some sizes run best.
    """
    if not isinstance(model_name, str) or not _NAME.match(model_name) or set(model_name) <= {"."}:
        raise ValueError(f"model_name is the model's folder name in the repository (letters, digits, _ . -), got "
                         f"{model_name!r}.")
    _whole(max_batch_size, "max_batch_size", 0, 1 << 20)
    _whole(max_queue_delay_us, "max_queue_delay_us", 0, 10_000_000)
    _whole(instances, "instances", 1, 1024)
    if kind not in ("KIND_CPU", "KIND_GPU"):
        raise ValueError(f"kind is 'KIND_CPU' or 'KIND_GPU' (Triton's instance kinds), got {kind!r}.")
    if preferred_batch_sizes and max_batch_size == 0:  # pass 12: dropped silently
        raise ValueError("preferred_batch_sizes need dynamic batching, which needs max_batch_size above 0 (such as 16).")
    if not isinstance(preferred_batch_sizes, (tuple, list)) or any(
            isinstance(b, bool) or not isinstance(b, numbers.Integral) or not 1 <= b <= max(max_batch_size, 1)
            for b in preferred_batch_sizes):
        raise ValueError(f"preferred_batch_sizes are whole numbers from 1 to max_batch_size ({max_batch_size}), got "
                         f"{preferred_batch_sizes!r}.")
    graph = load_onnx(existing_file(onnx_path, "triton_config's onnx_path"), check=False).graph
    initializers = {t.name for t in graph.initializer}
    inputs = _tensors([i for i in graph.input if i.name not in initializers], max_batch_size > 0, "input")
    outputs = _tensors(graph.output, max_batch_size > 0, "output")
    lines = [f'name: "{model_name}"', 'backend: "onnxruntime"', f"max_batch_size: {max_batch_size}",
             "input [\n" + ",\n".join(inputs) + "\n]", "output [\n" + ",\n".join(outputs) + "\n]",
             f"instance_group [\n  {{\n    count: {instances}\n    kind: {kind}\n  }}\n]"]
    if max_batch_size > 0:
        sizes = ", ".join(map(str, preferred_batch_sizes))
        preferred = f"  preferred_batch_size: [ {sizes} ]\n" if preferred_batch_sizes else ""
        lines.append(f"dynamic_batching {{\n{preferred}  max_queue_delay_microseconds: {max_queue_delay_us}\n}}")
    return "\n".join(lines) + "\n"


_MARKER = ".written-by-helpers"  # in a model folder this module wrote: it may rewrite that model


@dataclass(frozen=True)
class TritonRepository:
    """A model repository Triton can serve: ``config`` is ``<repository>/<name>/config.pbtxt``."""

    repository: Path
    model_name: str
    model_file: Path
    config: Path

    def tree(self) -> str:
        """The repository's files, one per line, relative to it."""
        return "\n".join(str(p.relative_to(self.repository)) for p in sorted(self.repository.rglob("*"))
                         if p.is_file() and not p.name.startswith("."))  # Triton reads no hidden file


def write_triton_repository(onnx_path: str | Path, repository: str | Path, model_name: str, *, version: int = 1,
                            **config: Any) -> TritonRepository:
    """Copy ``onnx_path`` to ``<repository>/<model_name>/<version>/model.onnx`` and write its ``config.pbtxt``.

    ``config`` goes to ``triton_config`` (max_batch_size, preferred_batch_sizes, ...). Another model's folder in the
    same repository is left alone; this model's config and version folder are rewritten.
    """
    _whole(version, "version", 1, 1 << 30)
    if isinstance(repository, (str, os.PathLike)) and isinstance(onnx_path, (str, os.PathLike)) and \
            Path(repository).suffix.lower() == ".onnx" and Path(onnx_path).suffix.lower() != ".onnx":  # pass 23
        raise ValueError(f"write_triton_repository takes the .onnx file first, then the repository folder; got "
                         f"{str(onnx_path)!r} and {str(repository)!r}: swap them, write_triton_repository("
                         f"{str(repository)!r}, {str(onnx_path)!r}, {model_name!r}).")
    known = [name for name in inspect.signature(triton_config).parameters if name not in ("onnx_path", "model_name")]
    unknown = sorted(set(config) - set(known))
    if unknown:
        raise TypeError(f"write_triton_repository has no option {', '.join(unknown)}: its config options are "
                        f"{', '.join(known)}.")
    text = triton_config(onnx_path, model_name, **config)  # every check before a file is written
    source = existing_file(onnx_path, "write_triton_repository's onnx_path")
    if source.with_name(source.name + ".data").exists():
        raise ValueError("This model keeps its weights in a .data file: export with external_data=False, or copy the "
                         ".data file into the version folder too (Triton loads it from beside model.onnx).")
    folder = as_path(repository, "write_triton_repository's repository") / model_name
    strangers = sorted(d.name for d in folder.parent.iterdir() if d.is_dir() and not d.name.startswith(".") and
                       d.name != model_name and not (d / "config.pbtxt").exists() and
                       not any(v.is_dir() and v.name.isdigit() for v in d.iterdir())) if folder.parent.is_dir() else []
    if strangers:  # pass 13: '.' was accepted, and Triton loads every folder of a repository as a model
        raise ValueError(f"{folder.parent} holds folders that are not models ({', '.join(strangers[:3])}): Triton loads "
                         "every folder of its repository as a model. Use a folder of its own, such as "
                         "'model_repository'.")
    if (folder / str(version) / "model.onnx").exists() and source.resolve() == (folder / str(version) / "model.onnx").resolve():
        raise ValueError(f"{source} is the repository's own copy: pass the exported file it was made from (the "
                         "repository is rewritten from it).")
    theirs = [path for path in (folder / "config.pbtxt", folder / str(version) / "model.onnx") if path.exists()]
    if theirs and not (folder / _MARKER).exists():
        raise FileExistsError(f"{theirs[0]} was not written by write_triton_repository: it would be replaced. "
                              "Choose another model_name or repository, or move that model away first.")
    config_file, marker = folder / "config.pbtxt", folder / _MARKER
    if config_file.exists() and marker.exists() and config_file.read_text(encoding="utf-8") not in \
            (marker.read_text(encoding="utf-8").partition("\n---\n")[2], text):  # edited by hand since it was written
        raise FileExistsError(f"{config_file} was changed since write_triton_repository wrote it (by hand?): it was "
                              "left untouched. Move it away (or delete it) to write it again, or keep editing it.")
    _check_other_versions(folder, version, model_name, text, config)
    writable_folder(folder / str(version), "write_triton_repository's repository")
    if not marker.exists():  # claims a new folder first; the marker gets the config's text last (pass 12: an
        _write(marker, _MARKER_HEAD)  # interrupted copy left a marker that made the next run cry "by hand?")
    model_file = folder / str(version) / "model.onnx"
    _write(model_file, source.read_bytes())
    _write(config_file, text)
    _write(marker, _MARKER_HEAD + text)
    return TritonRepository(folder.parent, model_name, model_file, config_file)


_MARKER_HEAD = "Written by helpers.triton.write_triton_repository, which rewrites this model.\n---\n"


def _write(path: Path, content: str | bytes) -> None:
    """Write ``path`` whole or not at all: a temporary file beside it, then a rename."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    os.replace(partial, path)


def _check_other_versions(folder: Path, version: int, model_name: str, text: str, config: dict) -> None:
    """One config.pbtxt serves every version folder: refuse a model whose config would not fit the others' files."""
    for other in sorted(p for p in folder.glob("*/model.onnx") if p.parent.name.isdigit()
                        and p.parent.name != str(version)):
        try:
            fits = triton_config(other, model_name, **config) == text
        except Exception:  # noqa: BLE001 - a file the config cannot describe does not fit either
            fits = False
        if not fits:  # pass 12: version 1 rewritten for another model while Triton served version 2's
            raise ValueError(f"{other} has other inputs or outputs than this model, and one config.pbtxt serves every "
                             f"version of {model_name} (Triton serves the newest, {other.parent.name} or above): "
                             "choose another model_name, or move the other version folders away first.")
