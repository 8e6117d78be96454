"""helpers.language_model: the course's text, cache names, the greedy reference, one cached step, the speed plot."""

from __future__ import annotations

import matplotlib
import pytest
import torch

from helpers import language_model

transformers = pytest.importorskip("transformers")
matplotlib.use("Agg")


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(1)
    config = transformers.LlamaConfig(vocab_size=40, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                                      initializer_range=0.3, bos_token_id=1, eos_token_id=None, pad_token_id=0)
    return transformers.LlamaForCausalLM(config).eval()


def test_the_story_is_shipped_in_english_and_korean() -> None:
    story = language_model.load_story()
    assert language_model.STORY_PATH.is_file() and "torch.onnx.export" in story and "캐시" in story
    assert len(story.splitlines()) >= 10


def test_cache_names_follow_hugging_face_exports() -> None:
    assert language_model.cache_names(2) == ["past_key_values.0.key", "past_key_values.0.value",
                                             "past_key_values.1.key", "past_key_values.1.value"]
    assert language_model.cache_names(1, "present") == ["present.0.key", "present.0.value"]
    for wrong in (0, True, 2.0, "2"):
        with pytest.raises(ValueError, match="num_layers"):
            language_model.cache_names(wrong)
    with pytest.raises(TypeError, match="prefix"):
        language_model.cache_names(2, "")


def test_greedy_reference_returns_only_the_new_tokens(model) -> None:
    tokens = language_model.greedy_reference(model, [1, 5, 9], 7)
    assert len(tokens) == 7 and all(isinstance(t, int) for t in tokens)
    with torch.no_grad():  # the first new token is the argmax after the prompt
        assert tokens[0] == int(model(torch.tensor([[1, 5, 9]])).logits[0, -1].argmax())
    assert language_model.greedy_reference(model, torch.tensor([[1, 5, 9]]), 7) == tokens


@pytest.mark.parametrize("prompt, steps, error", [
    ("hello", 3, TypeError), ([], 3, TypeError), ([1, -2], 3, TypeError), ([1, True], 3, TypeError),
    ([1, 2], 0, ValueError), ([1, 2], 2.0, ValueError),
])
def test_greedy_reference_refuses_text_and_odd_counts(model, prompt, steps, error) -> None:
    with pytest.raises(error):
        language_model.greedy_reference(model, prompt, steps)


def test_greedy_reference_needs_a_language_model() -> None:
    with pytest.raises(TypeError, match="causal language model"):
        language_model.greedy_reference(torch.nn.Linear(2, 2), [1], 2)


def test_reference_step_with_a_past_equals_one_forward_over_the_whole_text(model) -> None:
    """Prefill 5 tokens, then 2 more with the cache: the logits equal those of one pass over the 7 tokens."""
    ids = torch.tensor([[1, 7, 3, 9, 4, 11, 2]])
    layers, heads = model.config.num_hidden_layers, model.config.num_key_value_heads
    size = model.config.hidden_size // model.config.num_attention_heads
    empty = [torch.zeros(1, heads, 0, size) for _ in range(2 * layers)]
    _, present = language_model.reference_step(model, ids[:, :5], torch.ones(1, 5, dtype=torch.long), empty)
    assert [tuple(t.shape) for t in present] == [(1, heads, 5, size)] * (2 * layers)
    logits, longer = language_model.reference_step(model, ids[:, 5:], torch.ones(1, 7, dtype=torch.long), present)
    with torch.no_grad():
        whole = model(ids).logits
    torch.testing.assert_close(logits, whole[:, 5:], rtol=1e-4, atol=1e-5)
    assert longer[0].shape[2] == 7
    with pytest.raises(ValueError, match="a key and a value for each of the 2 layers"):
        language_model.reference_step(model, ids, torch.ones_like(ids), empty[:3])


def test_plot_generation_speed_draws_one_line_per_way_and_refuses_bad_series() -> None:
    ax = language_model.plot_generation_speed({"cache": {16: 900.0, 64: 950.0}, "no cache": {16: 800.0, 64: 300.0}})
    assert [line.get_label() for line in ax.get_lines()] == ["cache", "no cache"]
    assert list(ax.get_lines()[1].get_ydata()) == [800.0, 300.0]
    with pytest.raises(TypeError):
        language_model.plot_generation_speed({})
    with pytest.raises(ValueError, match="positive speeds"):
        language_model.plot_generation_speed({"cache": {16: 0.0}})
    matplotlib.pyplot.close("all")
