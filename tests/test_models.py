from __future__ import annotations

import numpy as np
import pytest
import torch

import helpers


def test_linear_model_matches_the_blog_architecture() -> None:
    model = helpers.make_linear_model()
    assert isinstance(model.linear, torch.nn.Linear)
    assert (model.linear.in_features, model.linear.out_features) == (10, 1)
    assert helpers.count_parameters(model) == 11


def test_same_seed_same_weights_other_seed_other_weights() -> None:
    a, b, c = helpers.make_linear_model(3), helpers.make_linear_model(3), helpers.make_linear_model(4)
    assert torch.equal(a.linear.weight, b.linear.weight)
    assert not torch.equal(a.linear.weight, c.linear.weight)


@pytest.mark.parametrize("n_samples,noise", [(64, 0.0), (512, 0.1)])
def test_regression_data_follows_its_rule(n_samples: int, noise: float) -> None:
    data = helpers.make_regression_data(n_samples=n_samples, noise=noise, seed=1)
    assert data.x.shape == (n_samples, 10) and data.y.shape == (n_samples, 1)
    residual = data.y.squeeze(1) - (data.x @ data.true_weight + data.true_bias)
    assert residual.std().item() == pytest.approx(noise, abs=0.03)


def test_regression_data_rejects_empty_sets() -> None:
    with pytest.raises(ValueError, match="positive"):
        helpers.make_regression_data(n_samples=0)


def test_training_recovers_the_true_rule() -> None:
    data = helpers.make_regression_data(seed=0)
    model = helpers.make_linear_model(seed=0)
    history = helpers.train_regressor(model, data, epochs=30)
    assert history.final_loss < history.losses[0] < 1.0
    assert history.final_loss == pytest.approx(data.noise ** 2, rel=0.3)
    torch.testing.assert_close(model.linear.weight.detach().flatten(), data.true_weight, atol=0.03, rtol=0)
    assert not model.training


def test_training_rejects_data_of_the_wrong_width() -> None:
    with pytest.raises(ValueError, match="expects 10 features but the data has 3"):
        helpers.train_regressor(helpers.make_linear_model(), helpers.make_regression_data(n_features=3))


def test_weights_round_trip(tmp_path) -> None:
    model = helpers.make_linear_model(seed=5)
    path = helpers.save_weights(model, tmp_path / "w.pt")
    restored = helpers.load_weights(helpers.make_linear_model(seed=6), path)
    assert torch.equal(model.linear.weight, restored.linear.weight)


def test_missing_weights_name_the_notebook(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="01_define_and_train.ipynb"):
        helpers.load_weights(helpers.make_linear_model(), tmp_path / "linear_weights.pt")


@pytest.mark.parametrize("content", [b"", b"not a checkpoint", b"PK\x03\x04truncated"])
def test_corrupt_weights_file_says_how_to_fix(tmp_path, content: bytes) -> None:
    path = tmp_path / "w.pt"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="save_weights"):
        helpers.load_weights(helpers.make_linear_model(), path)


def test_weights_of_another_model_are_refused(tmp_path) -> None:
    path = helpers.save_weights(helpers.make_mlp(), tmp_path / "mlp.pt")
    with pytest.raises(ValueError, match="do not fit LinearRegressor"):
        helpers.load_weights(helpers.make_linear_model(), path)


def test_ensure_trained_linear_creates_then_reuses(tmp_path) -> None:
    model, path = helpers.ensure_trained_linear(tmp_path)
    assert path.exists()
    again, _ = helpers.ensure_trained_linear(tmp_path)
    assert torch.equal(model.linear.weight, again.linear.weight)


def test_unknown_torchvision_model_is_named() -> None:
    with pytest.raises(ValueError, match="resnet18"):
        helpers.make_torchvision_model("vgg_tiny")


def test_plot_losses_returns_a_figure() -> None:
    history = helpers.TrainingHistory([1.0, 0.5, 0.25])
    fig = helpers.plot_losses(history)
    assert fig.axes[0].get_yscale() == "log"
    assert list(fig.axes[0].lines[0].get_ydata()) == [1.0, 0.5, 0.25]


def test_rule_seed_gives_another_task() -> None:
    a = helpers.make_regression_data(rule_seed=1)
    b = helpers.make_regression_data(rule_seed=1)
    default = helpers.make_regression_data()
    assert torch.equal(a.true_weight, b.true_weight) and a.true_bias == b.true_bias
    assert not torch.allclose(a.true_weight, default.true_weight)


@pytest.mark.parametrize("hidden", [4, 16])
def test_freeze_all_but_last(hidden: int) -> None:
    mlp = helpers.make_mlp(hidden=hidden)
    trainable = helpers.freeze_all_but_last(mlp)
    assert trainable == ["4.weight", "4.bias"]
    assert helpers.count_parameters(mlp, trainable_only=True) == hidden + 1
    assert helpers.count_parameters(mlp) - helpers.count_parameters(mlp, trainable_only=True) > 0


def test_freeze_needs_parameters() -> None:
    with pytest.raises(ValueError, match="no parameters"):
        helpers.freeze_all_but_last(torch.nn.ReLU())


def test_shapes_data_is_seeded_balanced_and_labelled() -> None:
    a, b = helpers.make_shapes_data(200, seed=3), helpers.make_shapes_data(200, seed=3)
    assert torch.equal(a.images, b.images) and torch.equal(a.labels, b.labels)
    assert a.images.shape == (200, 1, 16, 16) and a.images.dtype == torch.float32
    assert set(a.labels.tolist()) == set(range(len(helpers.SHAPE_CLASSES)))
    clean = helpers.make_shapes_data(40, seed=0, noise=0.0)
    bars = clean.images[clean.labels == 0]  # horizontal bars: every lit pixel of an image on one row
    assert all(len(torch.nonzero(img[0].sum(1))) == 1 for img in bars)


def test_small_cnn_learns_the_shapes() -> None:
    train, test = helpers.make_shapes_data(800, seed=0), helpers.make_shapes_data(200, seed=1)
    cnn = helpers.make_small_cnn(seed=0)
    with torch.no_grad():
        before = helpers.accuracy(cnn(test.images), test.labels)
    history = helpers.train_classifier(cnn, train, epochs=3, seed=0)
    with torch.no_grad():
        after = helpers.accuracy(cnn(test.images), test.labels)
    assert history.final_loss < history.losses[0] and after > max(0.6, before + 0.2)


def test_accuracy_checks_its_inputs() -> None:
    assert helpers.accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1, 1])) == 0.5
    with pytest.raises(ValueError, match="labels"):
        helpers.accuracy(np.zeros((3, 2)), np.zeros(2, dtype=int))


def test_load_weights_never_advises_an_unsafe_load_and_keeps_the_cause(tmp_path) -> None:
    whole = tmp_path / "whole.pt"
    torch.save(helpers.make_linear_model(), whole)  # a pickled module, not a state_dict
    with pytest.raises(ValueError) as info:
        helpers.load_weights(helpers.make_linear_model(), whole)
    message = str(info.value)
    assert "will likely succeed" not in message and "save_weights" in message
    assert info.value.__cause__ is not None  # the pickle error is kept for whoever debugs it
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="no PyTorch checkpoint"):
        helpers.load_weights(helpers.make_linear_model(), junk)
    tensor = tmp_path / "tensor.pt"
    torch.save(torch.zeros(3), tensor)
    with pytest.raises(ValueError, match="not a state_dict"):
        helpers.load_weights(helpers.make_linear_model(), tensor)


def test_building_a_model_leaves_the_callers_random_numbers_alone() -> None:
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    helpers.make_linear_model(seed=0), helpers.make_mlp(seed=4), helpers.make_small_cnn(seed=5)
    assert torch.equal(torch.rand(3), expected)
    assert torch.equal(helpers.make_mlp(seed=4)[0].weight, helpers.make_mlp(seed=4)[0].weight)
