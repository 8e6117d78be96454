"""Checks for the exercises of notebook 10 (a small language model, exported with its cache).

Each check runs the student's file or function in onnxruntime against the PyTorch model the notebook passes in,
and names the usual half-fix: logits for every position, a cache that is not fed back, prompts padded on the wrong
side or run one at a time, a model made again after training.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from ..i18n import tr
from ..language_model import greedy_reference, reference_step
from .artifacts import _close, _load_checked, _load_unchecked, _onnx_path, _ort_session
from .verdict import ExerciseResult, _judge, _require, _Wrong

__all__ = ["check_last_token_export", "check_batched_generation"]


# Notebook 10: the tiny language model. (batch, new tokens, past length) of the steps the cache file is run at.
_CACHE_STEPS = ((1, 4, 0), (2, 3, 5), (1, 1, 9))


def _cache_feeds(session: Any, model: nn.Module, batch: int, length: int, past_length: int, seed: int):
    config = model.config
    heads = config.num_key_value_heads
    size = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
    generator = torch.Generator().manual_seed(seed)
    ids = torch.randint(3, config.vocab_size, (batch, length), generator=generator)
    mask = torch.ones(batch, past_length + length, dtype=torch.long)
    past = [0.5 * torch.randn(batch, heads, past_length, size, generator=generator)
            for _ in range(2 * config.num_hidden_layers)]
    names = [i.name for i in session.get_inputs()]
    return ids, mask, past, dict(zip(names, [ids.numpy(), mask.numpy(), *(p.numpy() for p in past)]))


def _probabilities(values: Any) -> bool:
    values = np.asarray(values, dtype=np.float64)
    return values.ndim == 2 and bool((values >= 0).all()) and np.allclose(values.sum(-1), 1.0, atol=1e-3)


def _projects_every_position(path: Any, model: nn.Module) -> bool:
    """Whether the output layer (the MatMul reading a (hidden, vocab) weight) sees more than one position when four
    new tokens are fed: the whole logits tensor is computed, whatever is sliced from it later."""
    import onnx
    import onnxruntime as ort
    from onnx import numpy_helper

    proto = onnx.load(str(path))
    hidden, vocab = model.config.hidden_size, model.config.vocab_size
    shapes = {i.name: tuple(numpy_helper.to_array(i).shape) for i in proto.graph.initializer}
    heads = [n for n in proto.graph.node if n.op_type in ("MatMul", "Gemm") and
             any(shapes.get(name) in ((hidden, vocab), (vocab, hidden)) for name in n.input)]
    if not heads:
        return False
    proto.graph.output.append(onnx.helper.make_tensor_value_info(heads[-1].input[0], onnx.TensorProto.FLOAT, None))
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    feeds = _cache_feeds(session, model, 1, 4, 0, seed=11)[3]
    seen = session.run([heads[-1].input[0]], feeds)[0]
    return seen.ndim == 3 and seen.shape[1] > 1


def _model_matches(model: nn.Module, cache_path: Any) -> bool:
    """Whether ``model`` computes what ``cache_path`` (section 3's cache file, exported from the trained model)
    computes, on one step with a past: False for a model made again from its config after training."""
    session = _ort_session(cache_path)
    ids, mask, past, feeds = _cache_feeds(session, model, 1, 3, 2, seed=7)
    return _close(reference_step(model, ids, mask, past)[0].numpy(), session.run(None, feeds)[0], rtol=1e-3, atol=1e-4)


def _require_model_of(model: nn.Module, cache_path: Any) -> None:
    _require(cache_path is None or _model_matches(model, cache_path), tr(  # pass 21: an untrained model passed
        "The model given to the check computes other logits than cache_path, the file section 3 exported from the "
        "trained model: was the model's cell run again after training (new random weights)? Run the training cell "
        "again, then export and check."))


def check_last_token_export(answer: Any, model: nn.Module, exercise: str = "10.1", *,
                            cache_path: Any = None) -> ExerciseResult:
    """Exercise: the cache export that returns only the last position's logits, ``(batch, vocab)``.

    ``cache_path``: section 3's cache file, which the model given to the check must match (not one made again)."""
    def check() -> None:
        path = _onnx_path(answer)
        _load_checked(path)
        _require_model_of(model, cache_path)
        _require("MatMulNBits" not in {n.op_type for n in _load_unchecked(path).graph.node}, tr(  # pass 21
            "This file is quantized (MatMulNBits): its logits differ from the model's by design. Answer with the "
            "float32 export of your wrapper."))
        session = _ort_session(path)
        layers = model.config.num_hidden_layers
        inputs, outputs = session.get_inputs(), session.get_outputs()
        _require(len(inputs) == 2 + 2 * layers, tr(
            "This file has {count} inputs: a cache file takes input_ids, attention_mask and a key and a value for each "
            "of the {layers} layers. Export the cache wrapper of section 3, changed.", count=len(inputs), layers=layers))
        _require(len(outputs) == 1 + 2 * layers, tr(
            "This file has {count} outputs: return the logits, then each layer's present key and value.",
            count=len(outputs)))
        _require(len(outputs[0].shape) != 4 or len(outputs[-1].shape) == 4, tr(  # pass 21: "logits for every position"
            "The first output is shaped like a cache tensor (4 dimensions) and the last is not: return the logits "
            "first, then each layer's present key and value."))
        _require(len(outputs[0].shape) != 3 or outputs[0].shape[1] != 1, tr(  # pass 16: logits_to_keep=1 alone
            "The first output is shaped (batch, 1, vocab): logits_to_keep=1 keeps the sequence axis. Return "
            "logits[:, -1, :], shaped (batch, vocab)."))
        _require(len(outputs[0].shape) != 1, tr(  # pass 17: argmax given the position hint
            "The first output is shaped (batch,): token ids, not logits. Return the logits of the last position, "
            "logits[:, -1, :], shaped (batch, vocab); generation takes the argmax of them itself."))
        _require(len(outputs[0].shape) == 2, tr(
            "The first output has {rank} dimensions: these are logits for every position. Return only the last "
            "position's, logits[:, -1, :], shaped (batch, vocab).", rank=len(outputs[0].shape)))
        for seed, (batch, length, past_length) in enumerate(_CACHE_STEPS):
            ids, mask, past, feeds = _cache_feeds(session, model, batch, length, past_length, seed)
            try:
                got = session.run(None, feeds)
            except Exception as error:  # a dimension fixed at export time
                raise _Wrong(tr("onnxruntime refuses batch {batch}, {length} new tokens after {past} cached ones: keep "
                                "the dynamic dimensions of section 3 (batch, sequence, past_sequence, total_sequence).",
                                batch=batch, length=length, past=past_length)) from error
            logits, present = reference_step(model, ids, mask, past)
            _require(not _probabilities(got[0]), tr(  # pass 17: softmax given the position hint
                "The first output's rows are probabilities (each sums to 1): return the logits themselves, "
                "logits[:, -1, :], without softmax."))
            _require(not _probabilities(np.exp(np.asarray(got[0], np.float64))), tr(  # pass 18: log_softmax
                "The first output's rows are log-probabilities (their exponentials sum to 1): return the logits "
                "themselves, logits[:, -1, :], without log_softmax."))
            expected = logits[:, -1].numpy()
            scale = float(np.sum(got[0] * expected) / max(float(np.sum(expected * expected)), 1e-12))
            _require(abs(scale - 1) < 1e-3 or not _close(expected * scale, got[0], rtol=1e-3, atol=1e-4), tr(
                "The first output is the logits times {scale:.3f} (a temperature?): return the logits unscaled.",
                scale=scale))  # pass 18
            _require(length == 1 or not _close(logits[:, 0].numpy(), got[0], rtol=1e-3, atol=1e-4), tr(
                "The first output is the logits of the first new position: take the last one, logits[:, -1, :]."))
            same_cache = all(_close(p.numpy(), g, rtol=1e-3, atol=1e-4) for p, g in zip(present, got[1:]))
            _require(cache_path is None or same_cache or _close(expected, got[0], rtol=1e-3, atol=1e-4), tr(  # pass 23
                "Neither the logits nor the present keys and values match the model given to the check (batch "
                "{batch}, past length {past}): your file was exported from another model, say one made again from its "
                "config (new random weights). Wrap the trained model, export that, and check again.", batch=batch,
                past=past_length))
            _require(_close(logits[:, -1].numpy(), got[0], rtol=1e-3, atol=1e-4), tr(  # pass 18 (K35)
                "The logits differ from those of the model given to the check, at batch {batch}, past length {past}: "
                "export the trained model, and give the check the model the file was exported from (one made again "
                "from its config has new random weights).", batch=batch, past=past_length) if cache_path is None else
                tr("The logits differ from the model's last position at batch {batch}, past length {past}, though "
                   "the model is the one section 3 exported: return logits[:, -1, :] itself (no mean, no other "
                   "position).", batch=batch, past=past_length))  # pass 21: a mean was blamed on the weights
            _require(same_cache, tr(
                "The present keys and values differ from the model's: return them in the order of the inputs "
                "(layer 0 key, layer 0 value, layer 1 key, ...)."))
        _require(not _projects_every_position(path, model), tr(  # pass 22: a slice after the output layer passed
            "Your file applies the output layer to every position and slices afterwards, so it still computes all "
            "the logits: pass logits_to_keep=1 to the model, which projects the last position only (the Slice then "
            "sits before the last MatMul)."))
    return _judge(exercise, answer, check, language_model=model)


class _RecordingSession:
    """An onnxruntime session that notes the shape of input_ids at every run (the check reads how it is used).

    Anything else (``io_binding``, ``run_with_iobinding``, ...) goes to the session itself; bound runs are counted.
    """

    def __init__(self, session: Any) -> None:
        self._session, self.calls, self.first_mask, self.bound_runs = session, [], None, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)

    def run_with_iobinding(self, *args, **kwargs):
        self.bound_runs += 1
        return self._session.run_with_iobinding(*args, **kwargs)

    def get_inputs(self):
        return self._session.get_inputs()

    def get_outputs(self):
        return self._session.get_outputs()

    def run(self, output_names, feeds, *args, **kwargs):
        first, past = self._session.get_inputs()[0].name, self._session.get_inputs()[2].name
        types = {i.name: i.type.removeprefix("tensor(").rstrip(")") for i in self._session.get_inputs()}
        for name, value in (feeds.items() if isinstance(feeds, dict) else ()):  # pass 18: onnxruntime's raw error
            kind = {"float32": "float", "float64": "double"}.get(str(getattr(value, "dtype", "")), str(getattr(value, "dtype", "")))
            _require(name not in types or not kind or kind == types[name], tr(
                "{name} is {dtype}, and the file takes {expected}: build it with dtype=np.{numpy_type}.", name=name,
                dtype=getattr(value, "dtype", ""), expected=types.get(name),
                numpy_type={"float": "float32", "double": "float64"}.get(types.get(name), types.get(name))))
        if isinstance(feeds, dict) and first in feeds:
            self.calls.append(tuple(np.shape(feeds[first])))
            rows = np.shape(feeds[past])[0] if past in feeds and np.ndim(feeds[past]) == 4 else None
            _require(rows is None or rows == np.shape(feeds[first])[0], tr(  # pass 21: an empty past of batch 1
                "The past {name} has a batch of {rows}, input_ids {batch}: build the past with one row per prompt, "
                "np.zeros((len(prompts), heads, 0, head_dim)).", name=past, rows=rows,
                batch=np.shape(feeds[first])[0]))
            if {"attention_mask", past} <= set(feeds):  # pass 16: onnxruntime's GatherND error named nothing
                width, total = np.shape(feeds["attention_mask"])[-1], np.shape(feeds[past])[2] + np.shape(feeds[first])[-1]
                _require(len(self.calls) == 1 or np.shape(feeds[past])[2] > 0 or width == total, tr(
                    "Run {run} was given an empty past after the first: feed the present keys and values it returned "
                    "back as the past inputs (past = dict(zip(past_names, present))).", run=len(self.calls)))  # pass 17
                _require(width == total, tr(
                    "attention_mask has {width} columns, but the past ({past}) and the new tokens ({new}) make {total}: "
                    "add a column of 1 to the mask for every new token.", width=width, past=np.shape(feeds[past])[2],
                    new=np.shape(feeds[first])[-1], total=total))
            if self.first_mask is None and "attention_mask" in feeds:
                self.first_mask = np.asarray(feeds["attention_mask"])
        return self._session.run(output_names, feeds, *args, **kwargs)


def _as_token_lists(result: Any, prompts: list[list[int]]) -> list[list[int]]:
    if hasattr(result, "tolist"):
        result = result.tolist()
    _require(isinstance(result, (list, tuple)) and len(result) == len(prompts), tr(
        "Return one list of new token ids per prompt ({count} lists), got {result!r:.80}.",
        count=len(prompts), result=result))
    rows = [row.tolist() if hasattr(row, "tolist") else row for row in result]
    _require(all(isinstance(row, (list, tuple)) and all(isinstance(t, (int, np.integer)) for t in row) for row in rows),
             tr("Each prompt's result must be a list of token ids (ints)."))
    return [[int(t) for t in row] for row in rows]


def check_batched_generation(answer: Any, model: nn.Module, cache_path: Any, exercise: str = "10.2") -> ExerciseResult:
    """Exercise: ``answer(session, prompts, max_new_tokens)`` generates greedily for several prompts at once."""
    def check() -> None:
        _require(callable(answer), tr("Answer with your function itself (its name, without parentheses), not a "
                                      "{type_name}.", type_name=type(answer).__name__))
        generator = np.random.default_rng(10)
        vocab = model.config.vocab_size
        prompts = [generator.integers(3, vocab, size=n).tolist() for n in (5, 2, 8)]
        steps = 6
        plain = _ort_session(cache_path)
        _require("MatMulNBits" not in {n.op_type for n in _load_unchecked(_onnx_path(cache_path)).graph.node}, tr(
            "The check's cache_path is a quantized file (MatMulNBits): its tokens may differ from PyTorch's. Pass "
            "cache_path, the float32 cache file of section 3."))  # pass 18: int4_path
        ranks = [len(o.shape) for o in plain.get_outputs()]
        _require(len(plain.get_inputs()) <= 2 or ranks[0] != 3 or _model_matches(model, cache_path), tr(  # pass 21
            "The model given to the check computes other logits than cache_path, the file section 3 exported from the "
            "trained model: was the model's cell run again after training (new random weights)? Run the training cell "
            "again, then check."))
        _require(len(plain.get_inputs()) > 2 and ranks[0] == 3, tr(
            "The check's cache_path is not section 3's cache file (its outputs have ranks {ranks}; that file's logits "
            "are (batch, new tokens, vocabulary) and it takes the past keys and values): pass cache_path, not another "
            "exercise's file.", ranks=ranks))
        session = _RecordingSession(plain)
        try:
            result = answer(session, [list(p) for p in prompts], steps)
        except ValueError as error:  # pass 18: generate_greedy, which takes one prompt, given the list of them
            if "sequence" not in str(error):
                raise
            _require("inhomogeneous" not in str(error), tr(  # pass 21: numpy's ragged array, "one prompt"
                "Your function made one array of the prompts, which have different lengths ({lengths}): it gets a list "
                "of prompts, and must pad them on the left with the pad token to the longest first, marking the "
                "padding with 0 in attention_mask (a function for one prompt, as generate_greedy, is not enough).",
                lengths=", ".join(str(len(p)) for p in prompts)))
            raise _Wrong(tr("Your function treated the list of prompts as one prompt ({error}): it is called with "
                            "a list of prompts, each a list of token ids, and pads them into one batch.",
                            error=str(error)[:80])) from error
        except (TypeError, AttributeError) as error:  # the session used as the prompts, or the prompts as the session
            if "_RecordingSession" not in str(error) and "'list' object has no attribute" not in str(error):
                raise
            raise _Wrong(tr("Your function is called as {name}(session, prompts, max_new_tokens), and it used the session "
                            "as something else ({error}): put the parameters in that order.",
                            name=getattr(answer, "__name__", "answer"), error=error)) from error  # pass 16
        rows = _as_token_lists(result, prompts)
        _require(bool(session.calls) or session.bound_runs > 0, tr(
            "Your function never ran the session it was given: generate with session.run, not with the PyTorch "
            "model or another session."))
        _require(len(session.calls) + session.bound_runs >= steps, tr(
            "Your function ran the session {runs} time(s) for {steps} new tokens: each new token needs one run (the "
            "first reads the prompts, each later one the token before): loop max_new_tokens times, and generate with "
            "the session, not the PyTorch model.", runs=len(session.calls) + session.bound_runs, steps=steps))
        first_batch = session.calls[0][0] if session.calls else len(prompts)  # IOBinding runs are not recorded
        _require(first_batch == len(prompts), tr(
            "The first run had a batch of {batch}: put the {count} prompts in one batch (left-padded to the longest), "
            "not one at a time.", batch=first_batch, count=len(prompts)))
        mask = session.first_mask
        _require(mask is None or mask.ndim != 2 or not (np.diff(mask.astype(np.int64), axis=1) < 0).any(), tr(
            "The first attention_mask has padding after a prompt's tokens: pad on the left, so that every prompt's "
            "last token is in the last column, where the next token is read."))
        _require(all(shape[-1] == 1 for shape in session.calls[1:]), tr(
            "After the first run, input_ids should hold one new token per prompt: feed the present keys and values "
            "back as the past instead of the whole text."))
        lengths = [len(p) for p in prompts]
        _require(mask is None or mask.shape != (len(prompts), max(lengths)) or mask.sum(1).tolist() == lengths, tr(
            "The first attention_mask marks {marked} tokens per prompt, and the prompts have {lengths}: mark the "
            "padding with 0 (np.ones_like marks it as text).", marked=mask.sum(1).tolist() if mask is not None else None,
            lengths=lengths))  # pass 17: unmasked padding passed
        for number, (prompt, row) in enumerate(zip(prompts, rows), start=1):
            _require(len(row) == steps, tr(
                "Prompt {number} got {got} tokens, not {steps}: return only the new tokens, max_new_tokens of them.",
                number=number, got=len(row), steps=steps))
            expected = greedy_reference(model, prompt, steps)
            first = next((i for i, (a, b) in enumerate(zip(row, expected)) if a != b), None)
            _require(first is None, tr(
                "Prompt {number} (length {length}) differs from PyTorch's generate at new token {index}: pad on the "
                "left, mark padding with 0 in attention_mask, add a 1 for every new token, and take the argmax of the "
                "last position's logits (logits[:, -1]), as greedy generate does.",
                number=number, length=len(prompt), index=first))
    return _judge(exercise, answer, check, language_model=model, cache_path=cache_path)
