"""The tiny language model of notebook 10: the course's own text to train it on, what a file with a key/value
cache must compute, the names such a file uses, and the generation-speed plot.

The notebook builds the tokenizer, the model, the export wrappers and the generation loops in its own cells;
these are the pieces its exercises' checks and its plot share. Importing this module imports ``transformers``
only when a function needs it.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

__all__ = ["STORY_PATH", "cache_names", "greedy_reference", "load_story", "plot_generation_speed",
           "reference_step"]

# A short text about this course, in English and Korean, written for it: the model learns to continue it.
STORY_PATH = Path(__file__).with_name("data") / "onnx_story.txt"


def load_story() -> str:
    """The course's training text (UTF-8, one sentence group per line)."""
    return STORY_PATH.read_text(encoding="utf-8")


def cache_names(num_layers: int, prefix: str = "past_key_values") -> list[str]:
    """``prefix.0.key, prefix.0.value, prefix.1.key, ...``: the names Hugging Face's exports give a cache."""
    if isinstance(num_layers, bool) or not isinstance(num_layers, numbers.Integral) or num_layers < 1:
        raise ValueError(f"num_layers must be a whole number of at least 1 (config.num_hidden_layers), "
                         f"got {num_layers!r}.")
    if not isinstance(prefix, str) or not prefix:
        raise TypeError(f"prefix is a name such as 'past_key_values' or 'present', got {prefix!r}.")
    return [f"{prefix}.{layer}.{kind}" for layer in range(int(num_layers)) for kind in ("key", "value")]


def _check_causal_lm(model: Any) -> None:
    if not (isinstance(model, nn.Module) and hasattr(model, "generate") and hasattr(model, "config")):
        raise TypeError(f"model must be a Hugging Face causal language model (e.g. LlamaForCausalLM), "
                        f"got a {type(model).__name__}.")


def _token_ids(prompt_ids: Any, vocab_size: int | None = None) -> list[int]:
    if isinstance(prompt_ids, (torch.Tensor, np.ndarray)):
        prompt_ids = prompt_ids.reshape(-1).tolist()
    if isinstance(prompt_ids, Sequence) and not isinstance(prompt_ids, (str, bytes)):  # pass 12: NumPy ints refused
        prompt_ids = [int(t) if isinstance(t, np.integer) else t for t in prompt_ids]
    if isinstance(prompt_ids, (str, bytes)) or not isinstance(prompt_ids, Sequence) or not prompt_ids or not all(
            isinstance(t, int) and not isinstance(t, bool) and t >= 0 for t in prompt_ids):
        raise TypeError(f"prompt_ids must be a non-empty list of token ids (ints 0 or more), got {prompt_ids!r}: "
                        "tokenize the text first, e.g. tokenizer.encode(text).ids.")
    if vocab_size is not None and max(prompt_ids) >= vocab_size:
        raise ValueError(f"prompt_ids holds the id {max(prompt_ids)}, but the model knows ids 0 to {vocab_size - 1}: "
                         "encode with the tokenizer the model was trained with.")
    return list(prompt_ids)


def greedy_reference(model: nn.Module, prompt_ids: Sequence[int], max_new_tokens: int) -> list[int]:
    """The ``max_new_tokens`` token ids PyTorch's greedy ``model.generate`` adds after ``prompt_ids`` (batch 1)."""
    _check_causal_lm(model)
    prompt = _token_ids(prompt_ids, model.config.vocab_size)
    if isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, numbers.Integral) or max_new_tokens < 1:
        raise ValueError(f"max_new_tokens must be a whole number of at least 1, got {max_new_tokens!r}.")
    ids = torch.tensor([prompt])
    with torch.no_grad():
        out = model.eval().generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new_tokens,
                                    min_new_tokens=max_new_tokens, do_sample=False, pad_token_id=model.config.pad_token_id or 0)
    return out[0, len(prompt):].tolist()


def reference_step(model: nn.Module, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                   past: Sequence[torch.Tensor]) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """One step of ``model`` with an explicit past: ``(logits, present)``, where ``past`` and ``present`` list
    each layer's key then value, shaped ``(batch, kv_heads, length, head_dim)``.

    This is what notebook 10's cache file computes; positions come from the attention mask, as in ``generate``.
    """
    from transformers import DynamicCache

    _check_causal_lm(model)
    layers = model.config.num_hidden_layers
    if not (isinstance(input_ids, torch.Tensor) and isinstance(attention_mask, torch.Tensor) and input_ids.ndim == 2
            and attention_mask.ndim == 2 and attention_mask.shape[1] >= input_ids.shape[1]):
        raise ValueError("input_ids (batch, new) and attention_mask (batch, past + new) are 2-D torch tensors, the "
                         "mask at least as long as the ids; got "
                         f"{getattr(input_ids, 'shape', input_ids)!r} and {getattr(attention_mask, 'shape', attention_mask)!r}.")
    if isinstance(past, (str, bytes)) or not isinstance(past, Sequence) or \
            not all(isinstance(t, torch.Tensor) and t.ndim == 4 for t in past):
        raise TypeError("past lists each layer's key then value as 4-D torch tensors (batch, kv_heads, length, "
                        f"head_dim); got {type(past).__name__}.")
    if len(past) != 2 * layers:
        raise ValueError(f"past must hold a key and a value for each of the {layers} layers ({2 * layers} tensors), "
                         f"got {len(past)}.")
    cache = DynamicCache(ddp_cache_data=[(past[2 * i], past[2 * i + 1]) for i in range(layers)])
    positions = (attention_mask.long().cumsum(-1) - 1).clamp(min=0)[:, -input_ids.shape[1]:]
    with torch.no_grad():
        out = model.eval()(input_ids=input_ids, attention_mask=attention_mask, position_ids=positions,
                           past_key_values=cache, use_cache=True)
    present = [t for layer in out.past_key_values.layers for t in (layer.keys, layer.values)]
    return out.logits, present


def plot_generation_speed(tokens_per_second: Mapping[str, Mapping[int, float]], ax: Any = None) -> Any:
    """Tokens per second against the number of tokens generated, one line per way of generating."""
    import matplotlib.pyplot as plt

    if not isinstance(tokens_per_second, Mapping) or not tokens_per_second:
        raise TypeError("tokens_per_second maps a name (e.g. 'onnxruntime, cache') to {tokens generated: tokens per "
                        f"second}}, got {tokens_per_second!r}.")
    for name, series in tokens_per_second.items():
        if not isinstance(series, Mapping) or not series or not all(
                isinstance(n, (int, np.integer)) and not isinstance(n, bool) and isinstance(v, (int, float, np.floating))
                and 0 < v < float("inf") for n, v in series.items()):
            raise ValueError(f"{name!r} must map whole numbers of tokens to positive speeds, got {series!r}.")
    if ax is not None and not hasattr(ax, "figure"):  # pass 12: a raw AttributeError
        raise TypeError(f"ax takes one matplotlib Axes (e.g. axes[0] of plt.subplots(1, 2)), got a "
                        f"{type(ax).__name__}; or leave it out for a new figure.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.6))
    for name, series in tokens_per_second.items():
        lengths = sorted(series)
        ax.plot(lengths, [series[n] for n in lengths], marker="o", label=name)
    ax.set_yscale("log")
    ax.set_xlabel("tokens generated (batch 1)")
    ax.set_ylabel("tokens per second (median run)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return ax
