"""ONNX-file basics every other module builds on: load and check a file, read its signature, walk its nodes.

The ground floor of ``helpers``: it imports no sibling but ``errors``. Notebooks 02 and 03 teach the raw
``onnx`` calls these functions wrap.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import onnx
from onnx import numpy_helper

from .errors import existing_file

__all__ = [
    "DERIVED_KEY",
    "is_plain_export",
    "own_export_ops",
    "refuse_another_models_export",
    "mark_derived",
    "refuse_to_replace_a_source",
    "DEFAULT_OPSET",
    "TensorInfo",
    "tensor_infos",
    "load_onnx",
    "default_opset",
    "format_shape",
    "iter_nodes",
    "strip_stack_traces",
]

DEFAULT_OPSET = 18


@dataclass(frozen=True)
class TensorInfo:
    """Name, element type and shape of a graph input or output; symbolic dimensions are strings."""

    name: str
    dtype: str
    shape: tuple[int | str | None, ...]

    def __str__(self) -> str:
        return f"{self.name}: {self.dtype}[{format_shape(self.shape)}]"


def format_shape(shape: tuple[int | str | None, ...], separator: str = ", ") -> str:
    """A shape as text: fixed sizes as numbers, symbolic ones by name, unknown ones as ``?``."""
    return separator.join("?" if d is None else str(d) for d in shape)


def _dtype_name(elem_type: int) -> str:
    try:
        return str(onnx.helper.tensor_dtype_to_np_dtype(elem_type))
    except (KeyError, ValueError, TypeError):
        return onnx.TensorProto.DataType.Name(elem_type).lower()


def _tensor_info(value: onnx.ValueInfoProto) -> TensorInfo:
    tensor_type = value.type.tensor_type
    dims: list[int | str | None] = []
    for dim in tensor_type.shape.dim:
        if dim.HasField("dim_value"):
            dims.append(dim.dim_value)
        elif dim.HasField("dim_param"):
            dims.append(dim.dim_param)
        else:
            dims.append(None)
    return TensorInfo(value.name, _dtype_name(tensor_type.elem_type), tuple(dims))


def tensor_infos(model: onnx.ModelProto) -> tuple[list[TensorInfo], list[TensorInfo]]:
    """The graph's real inputs (initializers excluded) and outputs as TensorInfo lists (a path is loaded first)."""
    model = model if isinstance(model, onnx.ModelProto) else load_onnx(model, check=False)  # pass 12: a path
    initializers = {init.name for init in model.graph.initializer}
    inputs = [_tensor_info(v) for v in model.graph.input if v.name not in initializers]
    return inputs, [_tensor_info(v) for v in model.graph.output]


def load_onnx(path: str | Path | onnx.ModelProto, *, check: bool = True) -> onnx.ModelProto:
    """Load an ONNX file (or pass a ModelProto through), with errors that say what went wrong."""
    if not isinstance(check, bool):
        raise TypeError(f"check is True or False, got {check!r}.")
    if isinstance(path, onnx.ModelProto):
        if check:
            _check_proto(path)
        return path
    path = existing_file(path, "load_onnx's path")
    try:
        model = onnx.load(str(path))
    except Exception as exc:  # protobuf DecodeError and friends
        missing = re.search(r"should be stored in (.+?), but it is not", str(exc))
        if missing:  # the graph refers to an external-data file that is not beside it
            raise FileNotFoundError(
                f"{path.name} keeps its weights in a separate file, {Path(missing.group(1)).name}, which is not in "
                f"{path.parent}: copy the .onnx file and its .data file together, or export with external_data=False "
                "(helpers.export_model does) to keep one file.") from exc
        raise ValueError(f"{path} is not a readable ONNX model ({type(exc).__name__}: {exc}). The file may be "
                         "truncated or of another type; export it again with helpers.export_model().") from exc
    if check:
        try:  # from the file: the checker then reads it itself, where a ModelProto would be serialized to bytes first
            onnx.checker.check_model(str(path))
        except onnx.checker.ValidationError as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else "empty model"
            raise ValueError(f"{path} is not a valid ONNX model ({first_line}). The file may be truncated or "
                             "of another type; export it again with helpers.export_model().") from exc
    return model


def _check_proto(model: onnx.ModelProto) -> None:
    """``onnx.checker`` on a model held in memory, with the course's kind of message."""
    try:
        onnx.checker.check_model(model)
    except onnx.checker.ValidationError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else "empty model"
        raise ValueError(f"The ModelProto given is not a valid ONNX model ({first_line}). Fix the graph (the "
                         "message names the node or field), or pass check=False to use it unchecked.") from exc
    except ValueError as exc:  # over 2 GB: the checker cannot serialize it in memory
        if "too large" not in str(exc):
            raise
        raise ValueError("The ModelProto is too large to check in memory (over 2 GB): save it with "
                         "onnx.save(model, path, save_as_external_data=True) and load that path, or pass "
                         "check=False.") from exc


def default_opset(model: onnx.ModelProto) -> int:
    """The version of the default (``ai.onnx``) operator set the model imports (a path is loaded first)."""
    model = model if isinstance(model, onnx.ModelProto) else load_onnx(model, check=False)  # pass 12: a path
    for opset in model.opset_import:
        if opset.domain in ("", "ai.onnx"):
            return opset.version
    if not model.opset_import and not model.graph.node:
        raise ValueError("The ModelProto is empty (no graph, no opset): load one with onnx.load(path) or build it "
                         "with onnx.helper.make_model(graph, opset_imports=[...]).")
    raise ValueError("The model imports no ai.onnx opset; is it an ONNX model of standard operators?")


def strip_stack_traces(onnx_path: str | Path) -> int:
    """Remove the exporter's ``pkg.torch.onnx.stack_trace`` node metadata (it holds absolute file paths)."""
    proto = onnx.load(str(onnx_path))
    removed = 0
    for node in _nodes_everywhere(proto):
        keep = [p for p in node.metadata_props if p.key != "pkg.torch.onnx.stack_trace"]
        removed += len(node.metadata_props) - len(keep)
        del node.metadata_props[:]
        node.metadata_props.extend(keep)
    if removed:
        onnx.save(proto, str(onnx_path))
    return removed


def iter_nodes(graph: onnx.GraphProto) -> Iterator[onnx.NodeProto]:
    """Every node of ``graph`` and, recursively, of its subgraphs (``If``/``Loop``/``Scan`` bodies)."""
    if isinstance(graph, onnx.ModelProto):  # pass 12: a raw AttributeError
        raise TypeError("iter_nodes takes a graph: pass model.graph, not the model.")
    for node in graph.node:
        yield node
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.GRAPH:
                yield from iter_nodes(attribute.g)
            elif attribute.type == onnx.AttributeProto.GRAPHS:
                for sub in attribute.graphs:
                    yield from iter_nodes(sub)


def _nodes_everywhere(model: onnx.ModelProto) -> Iterator[onnx.NodeProto]:
    """The nodes of the main graph, its subgraphs and the model's local functions."""
    yield from iter_nodes(model.graph)
    for function in model.functions:
        yield from function.node


DERIVED_KEY = "helpers.derived_by"  # metadata entry on every file a helper derives from another (optimised, int8, fp16)


_SOURCE_KEY = "helpers.derived_from"  # the source's architecture (node types, weight names and shapes), digested


def _architecture(source: Any) -> str:
    """A digest of a model's node types and stored tensors' names and shapes: the same model retrained keeps it."""
    graph = (source if isinstance(source, onnx.ModelProto) else onnx.load(str(source), load_external_data=False)).graph
    parts = [node.op_type for node in graph.node] + [f"{t.name}{list(t.dims)}" for t in graph.initializer]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def mark_derived(path: Path, how: str, source: Any = None) -> None:
    """Note in a written ``.onnx`` that a helper derived it (``how``), from which model (``source``), so a later call
    may replace it, and only it."""
    path = Path(path)
    if path.suffix.lower() != ".onnx" or not path.is_file():
        return
    model = onnx.load(str(path), load_external_data=False)  # any external data stays where it was written
    kept = [entry for entry in model.metadata_props if entry.key not in (DERIVED_KEY, _SOURCE_KEY)]  # the source's own
    del model.metadata_props[:]
    model.metadata_props.extend(kept)
    model.metadata_props.add(key=DERIVED_KEY, value=how)
    if source is not None:
        model.metadata_props.add(key=_SOURCE_KEY, value=_architecture(source))
    onnx.save(model, str(path))


def refuse_to_replace_a_source(path: Path, what: str, source: Any = None) -> None:
    """Refuse to write a derived graph over an existing ``.onnx`` that no helper derived (it carries no
    ``DERIVED_KEY`` note): it is someone's model, an int8 or float16 file made by hand too (pass 18); nor over one
    derived from another model than ``source`` (pass 21)."""
    path = Path(path)
    if path.suffix.lower() != ".onnx" or not path.is_file():
        return
    try:
        model = onnx.load(str(path), load_external_data=False)
        derived = any(e.key == DERIVED_KEY for e in model.metadata_props)
        origin = next((e.value for e in model.metadata_props if e.key == _SOURCE_KEY), None)
    except Exception:  # not an ONNX file at all: someone else's file
        derived, origin = False, None
    if derived and source is not None and origin is not None and origin != _architecture(source):
        raise FileExistsError(f"{what} {path} holds a file derived from another model than the one given: it "
                              f"was left untouched. Choose a new name, such as {path.stem}.new.onnx, or delete that "
                              "file first.")
    if not derived:
        raise FileExistsError(f"{what} {path} already exists and is not a file the course's helpers derived: it may "
                              "be a model you exported (were the two paths swapped?). It was left untouched; choose a "
                              f"new name, such as {path.stem}.new.onnx, or delete that file first.")


def is_plain_export(path: Path) -> bool:
    """Whether an existing ``.onnx`` is a PyTorch export (a cell run again may replace it), not a quantized, fp16
    or foreign model, which an exporter must never overwrite."""
    return _plain(onnx.load(str(path), load_external_data=False))


def _plain(model: onnx.ModelProto) -> bool:
    return model.producer_name == "pytorch" and not any(e.key == DERIVED_KEY for e in model.metadata_props)


def _signature(model: onnx.ModelProto, weights: bool) -> list[str]:
    """The node types, and with ``weights`` a digest of the stored tensors as a last entry ``"weights <digest>"``."""
    ops = [node.op_type for node in model.graph.node]
    stored = sorted(numpy_helper.to_array(tensor).tobytes() for tensor in model.graph.initializer)  # names aside
    return ops + [f"weights {hashlib.sha256(b''.join(stored)).hexdigest()[:16]}"] if weights else ops


def own_export_ops(path: Path) -> list[str] | None:
    """The node types of an existing ``.onnx`` that a PyTorch exporter wrote (``torch.onnx.export`` or
    ``helpers.export_model``): another model's export must not be replaced. None for any other file, or none.

    A file that still carries the exporter's stack traces was written by ``torch.onnx.export`` itself (export_model
    removes them), so by the user: its weights count too, and only the same model with the same weights replaces it."""
    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception:  # missing, unreadable, not ONNX: output_file's checks decide about it
        return None
    traced = any(p.key == "pkg.torch.onnx.stack_trace" for node in model.graph.node for p in node.metadata_props)
    if not _plain(model):
        return None
    if not traced:  # export_model's own file: replaced by the same graph, with a warning when its weights change
        return _signature(model, False) + [_signature(model, True)[-1].replace("weights ", "exported ")]
    try:  # pass 18: the user's own export is replaced by the same weights only
        return _signature(onnx.load(str(path)), True)
    except Exception:  # its .data is gone or damaged: nothing can match it, so it is kept
        return _signature(model, False) + ["weights unreadable"]


def refuse_another_models_export(path: Path, previous_ops: list[str] | None, new_path: Path) -> None:
    """``new_path`` was just exported in place of ``path``, an earlier PyTorch export: keep it only if it holds the
    same graph (a cell run again); another model's export (say exercise 02.1's answer) is not replaced."""
    if previous_ops is None or new_path == path:
        return
    exported = bool(previous_ops) and previous_ops[-1].startswith("exported ")
    new_ops = _signature(onnx.load(str(new_path), load_external_data=False),
                         bool(previous_ops) and previous_ops[-1].startswith(("weights ", "exported ")))
    if exported:
        new_ops[-1] = new_ops[-1].replace("weights ", "exported ")
        if new_ops[:-1] == previous_ops[:-1] and new_ops != previous_ops:  # pass 22: a re-created model, say
            warnings.warn(f"{path} held an export of this graph with other weights; it now holds this model's. To "
                          f"keep both, export to a new name, such as {path.stem}_2.onnx.", UserWarning, stacklevel=3)
            previous_ops = new_ops
    if new_ops[:-1] == previous_ops[:-1] and new_ops != previous_ops and previous_ops[-1].startswith("weights "):
        new_path.unlink(missing_ok=True)
        raise FileExistsError(f"{path} holds a torch.onnx.export of this graph with other weights (your own export, "
                              f"such as an exercise's answer?): it was left untouched. Choose a new name, such as "
                              f"{path.stem}_2.onnx, or delete that file first.")
    if new_ops != previous_ops:
        new_path.unlink(missing_ok=True)
        previous_ops = [op for op in previous_ops if not op.startswith(("weights ", "exported "))]
        counts = ", ".join(f"{previous_ops.count(op)} {op}" for op in dict.fromkeys(previous_ops))
        optimised = any(node.domain == "com.microsoft" for node in onnx.load(str(path), load_external_data=False).graph.node)
        raise FileExistsError(f"{path} already holds " + (  # pass 18 (K25): was "another model's export"
                              "a graph onnxruntime optimised (com.microsoft operators, as SessionOptions."
                              f"optimized_model_filepath writes; {counts})" if optimised else
                              f"another model's export ({counts})") + ": "
                              f"it was left untouched. Choose a new name, such as {path.stem}_2.onnx, or delete that "
                              "file first.")
    new_path.replace(path)
