"""The checks of notebook 10's exercises: each accepts the real answer and rejects each shortcut with its own hint."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from torch.export import Dim

from helpers import exercises, language_model

transformers = pytest.importorskip("transformers")
PAD = 0


@pytest.fixture(scope="module")
def model():
    """A tiny one-layer Llama whose large random weights give clear argmaxes (padding cannot flip a greedy choice).

    One layer, not notebook 10's two: each of the six exports here costs half as long, and every shortcut below
    shows in one layer's inputs and outputs (nbval runs the checks on the notebook's own two-layer model)."""
    torch.manual_seed(0)
    config = transformers.LlamaConfig(vocab_size=48, hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                                      initializer_range=0.3, bos_token_id=1, eos_token_id=None, pad_token_id=PAD)
    return transformers.LlamaForCausalLM(config).eval()


class _WithCache(torch.nn.Module):
    """Notebook 10's cache wrapper; ``last`` keeps the last position's logits, ``position`` picks another one."""

    def __init__(self, lm, last: bool = False, position: int = -1, swap: bool = False, mean: bool = False,
                 presents_first: bool = False, after_head: bool = False) -> None:
        super().__init__()
        self.lm, self.last, self.position, self.swap = lm, last, position, swap
        self.mean, self.presents_first = mean, presents_first
        self.keep = 1 if last and position == -1 and not mean and not after_head else 0  # the solution's logits_to_keep

    def forward(self, input_ids, attention_mask, past):
        layers = self.lm.config.num_hidden_layers
        cache = transformers.DynamicCache(ddp_cache_data=[(past[2 * i], past[2 * i + 1]) for i in range(layers)])
        positions = (attention_mask.long().cumsum(-1) - 1).clamp(min=0)[:, -input_ids.shape[1]:]
        out = self.lm(input_ids=input_ids, attention_mask=attention_mask, position_ids=positions,
                      past_key_values=cache, use_cache=True, logits_to_keep=self.keep)
        logits = out.logits
        present = [t for layer in out.past_key_values.layers for t in (layer.keys, layer.values)]
        if self.swap:  # values before keys
            present = [present[i ^ 1] for i in range(len(present))]
        kept = logits.mean(1) if self.mean else logits[:, self.position, :] if self.last else logits
        return (*present, kept) if self.presents_first else (kept, *present)


def _export(module, path, *, cache: bool = True, dynamic: bool = True):
    config = module.lm.config if hasattr(module, "lm") else module.config
    layers, heads = config.num_hidden_layers, config.num_key_value_heads
    size = config.hidden_size // config.num_attention_heads
    names = language_model.cache_names(layers)
    batch, sequence, past_length, total = Dim("batch"), Dim("sequence"), Dim("past_sequence"), Dim("total")
    if cache:
        example = (torch.randint(3, 40, (2, 3)), torch.ones(2, 7, dtype=torch.long),
                   [torch.randn(2, heads, 4, size) for _ in names])
        shapes = ({0: batch, 1: sequence}, {0: batch, 1: total}, [{0: batch, 2: past_length}] * len(names))
        inputs = ["input_ids", "attention_mask", *names]
        outputs = ["logits", *language_model.cache_names(layers, "present")]
    else:
        example = (torch.randint(3, 40, (2, 3)), torch.ones(2, 3, dtype=torch.long))
        shapes = ({0: batch, 1: sequence}, {0: batch, 1: sequence})
        inputs, outputs = ["input_ids", "attention_mask"], ["logits"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module.eval(), example, path, input_names=inputs, output_names=outputs, verbose=False,
                          dynamic_shapes=shapes if dynamic else None, external_data=False)
    return path


class _NoCache(torch.nn.Module):
    def __init__(self, lm) -> None:
        super().__init__()
        self.lm = lm

    def forward(self, input_ids, attention_mask):
        return self.lm(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).logits


@pytest.fixture(scope="module")
def cache_path(model, tmp_path_factory):
    return _export(_WithCache(model), tmp_path_factory.mktemp("lm") / "cache.onnx")


@pytest.fixture(scope="module")
def last_path(model, tmp_path_factory):
    """The real answer to 10.1 (last position's logits); exported once, for the two tests that read it."""
    return _export(_WithCache(model, last=True), tmp_path_factory.mktemp("lm") / "last.onnx")


def test_last_token_check_accepts_last_position_logits(last_path, model) -> None:
    result = exercises.check_last_token_export(last_path, model)
    assert result.passed, result.message
    torch.manual_seed(1)  # pass 18 (K35): a model made again from the config, given to the check
    again = transformers.LlamaForCausalLM(model.config).eval()
    message = exercises.check_last_token_export(last_path, again).message
    assert "give the check the model the file was exported from" in message, message


def test_last_token_check_compares_the_model_with_section_3s_file(tmp_path, last_path, model, cache_path) -> None:
    """Pass 21: the model cell run again after training, exported and checked with that model, passed; a mean over
    positions and outputs in the wrong order were blamed on the weights and on "every position"."""
    assert exercises.check_last_token_export(last_path, model, cache_path=cache_path).passed
    torch.manual_seed(1)
    again = transformers.LlamaForCausalLM(model.config).eval()
    message = exercises.check_last_token_export(last_path, again, cache_path=cache_path).message
    assert "computes other logits than cache_path" in message, message
    mean = _export(_WithCache(model, last=True, mean=True), tmp_path / "mean.onnx")
    message = exercises.check_last_token_export(mean, model, cache_path=cache_path).message
    assert "though the model is the one section 3 exported" in message, message
    sliced = _export(_WithCache(model, last=True, after_head=True), tmp_path / "sliced.onnx")  # pass 22: it passed
    message = exercises.check_last_token_export(sliced, model, cache_path=cache_path).message
    assert "still computes all the logits" in message, message
    order = _export(_WithCache(model, last=True, presents_first=True), tmp_path / "order.onnx")
    message = exercises.check_last_token_export(order, model, cache_path=cache_path).message
    assert "return the logits first" in message, message
    message = exercises.check_batched_generation(lambda session, prompts, steps: [], again, cache_path).message
    assert "computes other logits than cache_path" in message, message
    untrained = _export(_WithCache(again, last=True), tmp_path / "untrained.onnx")  # pass 23: blamed the slicing
    message = exercises.check_last_token_export(untrained, model, cache_path=cache_path).message
    assert "exported from another model" in message, message


@pytest.mark.parametrize("shortcut, hint", [
    ("full logits", "logits for every position"),
    ("no cache", "a cache file takes input_ids"),
    ("fixed shapes", "onnxruntime refuses"),
    ("first position", "the first new position"),
    ("values first", "in the order of the inputs"),
])
def test_last_token_check_rejects_each_shortcut(tmp_path, model, cache_path, shortcut, hint) -> None:
    path = {
        "full logits": lambda: cache_path,
        "no cache": lambda: _export(_NoCache(model), tmp_path / "nocache.onnx", cache=False),
        "fixed shapes": lambda: _export(_WithCache(model, last=True), tmp_path / "fixed.onnx", dynamic=False),
        "first position": lambda: _export(_WithCache(model, last=True, position=0), tmp_path / "first.onnx"),
        "values first": lambda: _export(_WithCache(model, last=True, swap=True), tmp_path / "swap.onnx"),
    }[shortcut]()
    result = exercises.check_last_token_export(path, model)
    assert result.passed is False and hint in result.message, result.message


def _batched(session, prompts, max_new_tokens, *, left=True, together=True, cache=True, with_prompt=False,
             grow_mask=True, mark_padding=True, feed_back=True, mask_dtype=np.int64, past_dtype=np.float32,
             one_row_past=False):
    """Notebook 10's answer to 10.2, and (by its flags) each shortcut a student might take."""
    if not together:
        return [_batched(session, [p], max_new_tokens, left=left, cache=cache)[0] for p in prompts]
    config, width = session.get_inputs(), max(len(p) for p in prompts)
    names, heads, size = [i.name for i in config[2:]], config[2].shape[1], config[2].shape[3]
    pad = [[PAD] * (width - len(p)) for p in prompts]
    ids = np.array([(q + list(p)) if left else (list(p) + q) for p, q in zip(prompts, pad)], dtype=np.int64)
    mask = np.array([([0] * len(q) + [1] * len(p)) if left else ([1] * len(p) + [0] * len(q))
                     for p, q in zip(prompts, pad)], dtype=mask_dtype)
    mask = mask if mark_padding else np.ones_like(mask)
    empty = {n: np.zeros((1 if one_row_past else len(prompts), heads, 0, size), past_dtype) for n in names}
    past, text, new = dict(empty), ids, []
    for _ in range(max_new_tokens):
        feed_ids = ids if cache else text
        logits, *present = session.run(None, {"input_ids": feed_ids, "attention_mask": mask if cache else
                                              np.ones_like(text), **(past if cache else empty)})
        ids = logits[:, -1].argmax(-1).astype(np.int64)[:, None]
        new.append(ids[:, 0])
        text = np.concatenate([text, ids], axis=1)
        mask = np.concatenate([mask, np.ones_like(ids)], axis=1) if grow_mask else mask
        past = dict(zip(names, present)) if feed_back else past
    rows = np.stack(new, axis=1).tolist()
    return [list(p) + r for p, r in zip(prompts, rows)] if with_prompt else rows


def test_batched_generation_check_accepts_the_left_padded_batch(model, cache_path) -> None:
    result = exercises.check_batched_generation(_batched, model, cache_path)
    assert result.passed, result.message


@pytest.mark.parametrize("shortcut, hint", [
    (dict(together=False), "not one at a time"),
    (dict(cache=False), "one new token per prompt"),
    (dict(left=False), "pad on the left"),
    (dict(with_prompt=True), "return only the new tokens"),
    (dict(grow_mask=False), "add a column of 1 to the mask"),  # pass 16: onnxruntime's GatherND error
    (dict(mark_padding=False), "mark the padding with 0"),  # pass 17: np.ones_like as in generate_greedy passed
    (dict(feed_back=False), "feed the present keys and values it returned"),  # pass 17: "add a column to the mask"
    (dict(mask_dtype=np.int32), "attention_mask is int32, and the file takes int64"),  # pass 18: raw InvalidArgument
    (dict(past_dtype=np.float64), "is float64, and the file takes float"),
    (dict(one_row_past=True), "build the past with one row per prompt"),  # pass 21: broadcast, accepted silently
])
def test_batched_generation_check_rejects_each_shortcut(model, cache_path, shortcut, hint) -> None:
    def answer(session, prompts, max_new_tokens):
        return _batched(session, prompts, max_new_tokens, **shortcut)
    result = exercises.check_batched_generation(answer, model, cache_path)
    assert result.passed is False and hint in result.message, result.message


def test_batched_generation_check_needs_the_session_it_gives(model, cache_path) -> None:
    def pytorch_instead(session, prompts, max_new_tokens):
        return [language_model.greedy_reference(model, p, max_new_tokens) for p in prompts]
    result = exercises.check_batched_generation(pytorch_instead, model, cache_path)
    assert result.passed is False and "never ran the session" in result.message
    called = exercises.check_batched_generation("generate_batch", model, cache_path)
    assert called.passed is False and "your function itself" in called.message


def test_batched_generation_check_names_parameters_in_the_wrong_order(model, cache_path) -> None:
    def swapped(prompts, session, max_new_tokens):  # pass 16: "'_RecordingSession' object is not iterable"
        return _batched(session, prompts, max_new_tokens)
    result = exercises.check_batched_generation(swapped, model, cache_path)
    assert result.passed is False and "swapped(session, prompts, max_new_tokens)" in result.message, result.message


def test_last_token_check_names_logits_to_keep_without_the_slice(tmp_path, model) -> None:
    path = _export(_WithCache(model, last=True, position=slice(-1, None)), tmp_path / "kept.onnx")  # (batch, 1, vocab)
    result = exercises.check_last_token_export(path, model)
    assert result.passed is False and "keeps the sequence axis" in result.message, result.message  # pass 16


def test_batched_generation_check_without_the_notebook_objects_is_not_judged(model) -> None:
    assert exercises.check_batched_generation(_batched, model, None).passed is None
    assert exercises.check_batched_generation(_batched, torch.nn.Linear(2, 2), "x.onnx").passed is None


def _bound(session, prompts, max_new_tokens):
    """The left-padded batch with onnxruntime's IOBinding, as a production loop would run it."""
    inputs, width = session.get_inputs(), max(len(p) for p in prompts)
    names, heads, size = [i.name for i in inputs[2:]], inputs[2].shape[1], inputs[2].shape[3]
    ids = np.array([[PAD] * (width - len(p)) + list(p) for p in prompts], dtype=np.int64)
    mask = np.array([[0] * (width - len(p)) + [1] * len(p) for p in prompts], dtype=np.int64)
    past, new = {n: np.zeros((len(prompts), heads, 0, size), np.float32) for n in names}, []
    for _ in range(max_new_tokens):
        binding = session.io_binding()
        for name, value in {"input_ids": ids, "attention_mask": mask, **past}.items():
            binding.bind_cpu_input(name, value)
        for output in session.get_outputs():
            binding.bind_output(output.name)
        session.run_with_iobinding(binding)
        logits, *present = binding.copy_outputs_to_cpu()
        ids = logits[:, -1].argmax(-1).astype(np.int64)[:, None]
        new.append(ids[:, 0])
        mask, past = np.concatenate([mask, np.ones_like(ids)], axis=1), dict(zip(names, present))
    return np.stack(new, axis=1).tolist()


def test_batched_generation_check_accepts_an_iobinding_loop(model, cache_path) -> None:
    result = exercises.check_batched_generation(_bound, model, cache_path)
    assert result.passed, result.message


def test_batched_generation_check_names_10_1s_file_passed_as_the_cache_file(model, last_path) -> None:
    result = exercises.check_batched_generation(_batched, model, last_path)
    assert result.passed is False and "not section 3's cache file" in result.message, result.message


def test_batched_generation_check_rejects_pytorch_tokens_after_one_run(model, cache_path) -> None:
    def one_run_then_pytorch(session, prompts, max_new_tokens):
        _batched(session, prompts, 1)  # a real first run, with the batch the check looks for
        return [language_model.greedy_reference(model, p, max_new_tokens) for p in prompts]
    result = exercises.check_batched_generation(one_run_then_pytorch, model, cache_path)
    assert result.passed is False and "ran the session 1 time(s) for 6 new tokens" in result.message, result.message


@pytest.mark.parametrize("head, hint", [("Softmax", "probabilities (each sums to 1)"), ("ArgMax", "token ids, not logits"),
                                        ("LogSoftmax", "log-probabilities"), ("Scale", "the logits times 1.429")])
def test_last_token_check_names_probabilities_and_token_ids(tmp_path, model, last_path, head, hint) -> None:
    """Pass 17: softmax and argmax outputs were told to take the last position, which they did."""
    import onnx

    proto = onnx.load(str(last_path))
    logits = proto.graph.output[0]
    if head == "Scale":  # pass 18: logits / 0.7, a temperature
        proto.graph.initializer.append(onnx.numpy_helper.from_array(np.array(1 / 0.7, np.float32), "temperature"))
        proto.graph.node.append(onnx.helper.make_node("Mul", [logits.name, "temperature"], ["answer"]))
    else:
        attributes = {"axis": -1, "keepdims": 0} if head == "ArgMax" else {"axis": -1}
        proto.graph.node.append(onnx.helper.make_node(head, [logits.name], ["answer"], **attributes))
    kind = onnx.TensorProto.INT64 if head == "ArgMax" else onnx.TensorProto.FLOAT
    shape = ["batch"] if head == "ArgMax" else ["batch", model.config.vocab_size]
    proto.graph.output[0].CopyFrom(onnx.helper.make_tensor_value_info("answer", kind, shape))
    onnx.save(proto, tmp_path / "head.onnx")
    result = exercises.check_last_token_export(tmp_path / "head.onnx", model)
    assert result.passed is False and hint in result.message, result.message


def test_batched_generation_check_names_a_function_that_takes_one_prompt(model, cache_path) -> None:
    """Pass 18: generate_greedy (one prompt) given to the check raised NumPy's ValueError."""
    def one_prompt(session, prompt, max_new_tokens):
        ids = np.array([prompt], dtype=np.int64)  # a list of prompts of different lengths: ragged
        return ids.tolist()
    result = exercises.check_batched_generation(one_prompt, model, cache_path)
    assert result.passed is False and "a function for one prompt" in result.message, result.message

    def unpadded(session, prompts, max_new_tokens):  # pass 21: "one prompt" for prompts not padded
        return _batched(session, prompts, max_new_tokens) if np.array(prompts, dtype=np.int64) is None else []
    result = exercises.check_batched_generation(unpadded, model, cache_path)
    assert "pad them on the left with the pad token to the longest" in result.message, result.message
