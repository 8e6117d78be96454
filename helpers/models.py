"""The course's models and data: the blog's Linear(10 -> 1), seeded data, training, safe weights (notebook 01 on)."""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from torch import nn

from .errors import existing_file, output_file, require_bool
# The image task of notebook 06 and the pieces every model shares live in their own modules;
# their names stay importable from here.
from .shapes import SHAPE_CLASSES, ImageData, accuracy, make_shapes_data, make_small_cnn, train_classifier
from .training import TrainingHistory, check_data_dtype, check_loss, check_seed, check_training_arguments, seeded

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "LinearRegressor", "RegressionData", "TrainingHistory", "make_linear_model", "make_regression_data",
    "train_regressor", "plot_losses", "save_weights", "load_weights", "make_mlp", "make_torchvision_model",
    "count_parameters", "freeze_all_but_last", "TORCHVISION_MODELS", "ImageData", "SHAPE_CLASSES", "make_shapes_data",
    "make_small_cnn", "train_classifier", "accuracy",
]

N_FEATURES = 10
TORCHVISION_MODELS = ("resnet18", "mobilenet_v3_small", "efficientnet_b0")


class LinearRegressor(nn.Module):
    """The blog post's model: one ``nn.Linear(10, 1)`` layer, ``(batch, 10) -> (batch, 1)``."""

    def __init__(self, n_features: int = N_FEATURES) -> None:
        super().__init__()
        self.linear = nn.Linear(n_features, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x)


def make_linear_model(seed: int = 0) -> LinearRegressor:
    """A freshly initialised LinearRegressor; the same seed gives the same weights."""
    with seeded(seed):
        return LinearRegressor()


@dataclass
class RegressionData:
    """A synthetic regression task: ``y = x @ true_weight + true_bias + noise``."""

    x: torch.Tensor  # (n_samples, n_features)
    y: torch.Tensor  # (n_samples, 1)
    true_weight: torch.Tensor  # (n_features,)
    true_bias: float
    noise: float

    def __repr__(self) -> str:
        return (f"RegressionData(x={tuple(self.x.shape)}, y={tuple(self.y.shape)}, "
                f"true_bias={self.true_bias:.3f}, noise={self.noise})")


def make_regression_data(n_samples: int = 512, n_features: int = N_FEATURES, noise: float = 0.1,
                         seed: int = 0, rule_seed: int | None = None) -> RegressionData:
    """Seeded data that follows a known linear rule plus Gaussian noise, so training has a right answer: the rule is
    ``linspace(-1, 1)`` weights and bias 0.5, or, with ``rule_seed``, random weights and bias drawn from that seed (a
    different task on the same kind of inputs)."""
    for name, value in (("n_samples", n_samples), ("n_features", n_features), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be a whole number, got {value!r}.")
    if n_samples < 1 or n_features < 1 or n_samples * n_features > 10**8:  # 400 MB of float32 at most
        raise ValueError(f"n_samples and n_features must be positive, and their product at most 100 million "
                         f"(400 MB); got {n_samples} and {n_features}.")
    n_samples, n_features, seed = int(n_samples), int(n_features), int(seed)  # NumPy integers too
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not 0 <= noise < float("inf"):
        raise ValueError(f"noise is the standard deviation of the added noise: a number of at least 0, got {noise!r}.")
    if rule_seed is not None:
        check_seed(rule_seed, "rule_seed")
    gen = torch.Generator().manual_seed(seed)
    if rule_seed is None:
        true_weight, true_bias = torch.linspace(-1.0, 1.0, n_features), 0.5
    else:
        rule = torch.Generator().manual_seed(rule_seed)
        true_weight = torch.randn(n_features, generator=rule)
        true_bias = float(torch.randn(1, generator=rule))
    x = torch.randn(n_samples, n_features, generator=gen)
    y = x @ true_weight + true_bias + noise * torch.randn(n_samples, generator=gen)
    if not torch.isfinite(y).all():
        raise ValueError(f"noise={noise!r} overflows float32 (the targets hold infinite values): use a noise of a "
                         "few units at most, such as 0.1.")
    return RegressionData(x=x, y=y.unsqueeze(1), true_weight=true_weight, true_bias=true_bias, noise=noise)


def train_regressor(model: nn.Module, data: RegressionData, *, epochs: int = 30, lr: float = 0.05,
                    batch_size: int = 32, seed: int = 0) -> TrainingHistory:
    """Train ``model`` on ``data`` with SGD and MSE loss; returns the loss per epoch."""
    check_training_arguments(epochs, lr, batch_size)
    epochs, lr, batch_size, seed = int(epochs), float(lr), int(batch_size), check_seed(seed)  # NumPy numbers too
    if not isinstance(data, RegressionData):
        raise TypeError(f"train_regressor's data must be a RegressionData (x, y), e.g. "
                        f"helpers.make_regression_data(); got a {type(data).__name__}.")
    data = dataclasses.replace(data, x=torch.as_tensor(data.x), y=torch.as_tensor(data.y))  # NumPy arrays too
    if len(data.x) == 0 or len(data.x) != len(data.y):
        raise ValueError(f"The data must hold as many targets as samples, and some: x has {len(data.x)} rows, "
                         f"y has {len(data.y)}.")
    check_data_dtype(model, data.x, "x")
    check_data_dtype(model, data.y, "y")
    first = next((m for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d))), None)
    if first is not None and not isinstance(first, nn.Linear):  # a CNN's first Linear is deep inside it
        raise ValueError(f"train_regressor trains on (batch, features) rows, but this model starts with "
                         f"{type(first).__name__}: for images use train_classifier with make_shapes_data.")
    if data.x.shape[1] != _in_features(model):
        raise ValueError(f"The model expects {_in_features(model)} features but the data has {data.x.shape[1]}.")
    with torch.no_grad():
        predicted = model(data.x[:2])
    if predicted.shape != data.y[:2].shape:  # MSELoss would broadcast (64, 1) against (64,) and learn nothing
        raise ValueError(f"The targets y have shape {tuple(data.y.shape)} but the model predicts "
                         f"{('batch',) + tuple(predicted.shape[1:])}: give y the same shape, e.g. y.unsqueeze(1).")
    trainable = [p for p in model.parameters() if p.requires_grad]
    if not trainable:
        raise ValueError("Every parameter of the model is frozen (requires_grad=False): nothing would train. "
                         "Unfreeze the layers to train, e.g. helpers.freeze_all_but_last(model).")
    gen = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.SGD(trainable, lr=lr)
    loss_fn = nn.MSELoss()
    history = TrainingHistory()
    with torch.no_grad():
        start = float(loss_fn(model.eval()(data.x), data.y))
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(data.x), generator=gen)
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(data.x[idx]), data.y[idx])
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            history.losses.append(float(loss_fn(model(data.x), data.y)))
        check_loss(history.losses[-1], len(history.losses), lr, start)
    model.eval()
    model.trained_by = "helpers.train_regressor"  # exercise 01.1 asks for the student's own loop (pass 13)
    return history


def _in_features(model: nn.Module) -> int | None:
    first = next((m for m in model.modules() if isinstance(m, nn.Linear)), None)
    return first.in_features if first is not None else None


def plot_losses(history: TrainingHistory, ax=None, title: str = "Training loss") -> Figure:
    """Plot the loss per epoch on a log scale; returns the matplotlib Figure."""
    import matplotlib.pyplot as plt

    if not isinstance(history, TrainingHistory):
        raise TypeError(f"plot_losses takes the TrainingHistory a training function returned, got a "
                        f"{type(history).__name__}" + (": wrap a list as TrainingHistory(losses)." if
                                                       isinstance(history, (list, tuple)) else "."))
    if not history.losses:
        raise ValueError("The history holds no losses: train for at least one epoch first.")
    if not all(math.isfinite(loss) and loss > 0 for loss in history.losses):
        raise ValueError("The losses must be positive, finite numbers to draw on a log scale; a NaN or infinite loss "
                         "means training diverged: lower the learning rate and train again.")

    if ax is not None and not hasattr(ax, "figure"):  # plt.subplots(2) gives an array of axes
        raise TypeError(f"ax takes one matplotlib Axes (e.g. axes[0] of plt.subplots(1, 2)), got a "
                        f"{type(ax).__name__}; or leave it out for a new figure.")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 3.5))
    fig = ax.figure
    ax.plot(range(1, len(history.losses) + 1), history.losses, marker=".")
    ax.set(xlabel="epoch", ylabel="MSE loss", yscale="log", title=title)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig


def save_weights(model: nn.Module, path: str | Path, *, overwrite: bool = False) -> Path:
    """Save the model's ``state_dict`` (tensors only, safe to load with ``weights_only=True``). A file it wrote is
    replaced by the same weights (a cell run again), by other weights of the model only with ``overwrite=True``."""
    if not isinstance(model, nn.Module) or not isinstance(overwrite, bool):
        raise TypeError(f"save_weights needs a torch.nn.Module and overwrite=True or False, got a "
                        f"{type(model).__name__} and {overwrite!r}.")
    ours = isinstance(path, (str, Path)) and Path(path).is_file() and _written_by_us(Path(path))
    if ours and not _holds_a_state_dict(Path(path), model):  # pass 20: "not a file this function wrote" for its own
        raise FileExistsError(f"{path} holds another model's weights (saved by save_weights); it was left untouched. "
                              "Choose a new name for this model's, or delete that file first.")
    if ours and not overwrite and not _holds_a_state_dict(Path(path), model, equal=True):  # pass 21: trained ones lost
        raise FileExistsError(f"{path} holds other weights of this model (saved earlier, trained differently or not at "
                              "all); it was left untouched. Pass overwrite=True to replace them.")
    path = output_file(path, "save_weights's path", (".pt", ".pth"), replaceable=lambda f: _holds_a_state_dict(f, model))
    state = model.state_dict()  # marked as ours in its _metadata (load_state_dict reads only 'version' there)
    getattr(state, "_metadata", {}).setdefault("", {})["written_by"] = "helpers.save_weights"
    torch.save(state, path)
    return path


def _written_by_us(path: Path) -> bool:
    try:  # not weights at all: output_file's checks name it
        return torch.load(path, weights_only=True, map_location="cpu")._metadata[""]["written_by"] == "helpers.save_weights"
    except Exception:
        return False


def _holds_a_state_dict(path: Path, model: nn.Module, equal: bool = False) -> bool:
    """Weights of ``model``'s names and shapes (pass 17), saved by save_weights or equal to its own (pass 18)."""
    state, mine = torch.load(path, weights_only=True, map_location="cpu"), model.state_dict()
    ours = not equal and getattr(state, "_metadata", {}).get("", {}).get("written_by") == "helpers.save_weights"
    return isinstance(state, dict) and state.keys() == mine.keys() and all(isinstance(state[k], torch.Tensor) and (
        state[k].shape == v.shape) and (ours or torch.equal(state[k], v)) for k, v in mine.items())


def load_weights(model: nn.Module, path: str | Path) -> nn.Module:
    """Load a ``state_dict`` saved by ``save_weights`` into ``model`` safely (``weights_only=True``)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"load_weights needs the torch.nn.Module to fill, got a {type(model).__name__}.")
    path = existing_file(path, "load_weights's path")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # pickle errors, truncated zip files, ...
        # Not PyTorch's own message: it suggests weights_only=False, i.e. unpickling a file you do not trust.
        raise ValueError(f"{path} is not a weights file saved with torch.save(model.state_dict()) ("
                         f"{_what_is_wrong(path, exc)}). Do not load it with weights_only=False unless you trust "
                         "its author; save the weights again with helpers.save_weights(model, path).") from exc
    if not isinstance(state, dict):
        raise ValueError(f"{path} holds a {type(state).__name__}, not a state_dict: save model.state_dict().")
    nested = [key for key, value in state.items() if isinstance(value, dict)]
    if nested and not all(isinstance(value, torch.Tensor) for value in state.values()):
        raise ValueError(f"{path} holds a checkpoint (a dict with the keys {sorted(map(str, state))[:6]}), not a "
                         f"state_dict: its weights are under {nested[0]!r}. Load them with model.load_state_dict("
                         f"torch.load(path, weights_only=True)[{nested[0]!r}]).")
    broken = [key for key, value in state.items() if isinstance(value, torch.Tensor) and value.is_floating_point()
              and not torch.isfinite(value).all()]
    if broken:
        raise ValueError(f"{path} holds NaN or infinite weights ({broken[:3]}): the training that saved them "
                         "diverged. Train again with a smaller learning rate, then save.")
    try:
        model.load_state_dict(state)
    except RuntimeError as exc:
        wanted, found = set(model.state_dict()), set(state)
        names = lambda keys: ", ".join(sorted(keys)[:4]) + (f" and {len(keys) - 4} more" if len(keys) > 4 else "")
        detail = "; ".join(part for part in (f"missing {names(wanted - found)}" if wanted - found else "",
                                             f"not in the model {names(found - wanted)}" if found - wanted else "")
                           if part)
        detail = detail or str(exc).splitlines()[-1].strip().rstrip(".")  # same names: torch says which size differs
        raise ValueError(f"The weights in {path} do not fit {type(model).__name__} (they belong to another model): "
                         f"{detail}. Load them into the model they were saved from, or move the file away so that "
                         "the course's model is trained and saved again.") from exc
    return model.eval()


def _what_is_wrong(path: Path, exc: Exception) -> str:
    """Why torch.load refused ``path``: a damaged archive, Python objects besides tensors, or not a checkpoint."""
    if not _is_zip(path):
        return "it is no PyTorch checkpoint"
    import zipfile

    if not zipfile.is_zipfile(path) or ("Unpickling" not in type(exc).__name__ and "pickle" not in str(exc).lower()):
        return "the file is truncated or damaged"
    return "it holds Python objects other than tensors"


def _is_zip(path: Path) -> bool:
    with open(path, "rb") as file:
        return file.read(4) == b"PK\x03\x04"  # torch.save writes a zip archive


def make_mlp(in_features: int = N_FEATURES, hidden: int = 32, out_features: int = 1, seed: int = 0) -> nn.Sequential:
    """A small multi-layer perceptron: Linear -> ReLU -> Linear -> ReLU -> Linear."""
    sizes = {"in_features": in_features, "hidden": hidden, "out_features": out_features}
    bad = {name: size for name, size in sizes.items() if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1}
    if bad:
        raise ValueError(f"Layer sizes must be positive whole numbers, got {bad}.")
    in_features, hidden, out_features = int(in_features), int(hidden), int(out_features)
    with seeded(seed):
        return nn.Sequential(
            nn.Linear(in_features, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, out_features),
        ).eval()


def make_torchvision_model(name: str = "resnet18", *, pretrained: bool = False, seed: int = 0) -> nn.Module:
    """A torchvision classifier in eval mode; random weights unless ``pretrained=True`` (needs internet).

    With random weights, the batch-norm statistics are estimated on a few seeded random images, so the
    network's outputs have a realistic scale (with the default statistics they shrink towards zero
    layer by layer, and comparisons between runtimes would compare almost-zeros).
    """
    import torchvision

    if name not in TORCHVISION_MODELS:
        raise ValueError(f"Unknown model {name!r}; the course uses one of {', '.join(TORCHVISION_MODELS)}.")
    require_bool(pretrained, "pretrained")  # "False" would download ImageNet weights
    weights = "DEFAULT" if pretrained else None
    try:
        with seeded(seed):
            model = torchvision.models.get_model(name, weights=weights)
    except (OSError, RuntimeError) as exc:  # URLError is an OSError
        raise RuntimeError(f"Could not download pretrained weights for {name} ({exc}). "
                           "Use pretrained=False to work offline with random weights.") from exc
    if not pretrained:
        _estimate_batchnorm_statistics(model, seed)
    return model.eval()


def _estimate_batchnorm_statistics(model: nn.Module, seed: int, batches: int = 2, batch_size: int = 8) -> None:
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    gen = torch.Generator().manual_seed(seed)
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # a cumulative average over the batches below
    model.train()
    with torch.no_grad():
        for _ in range(batches):
            model(torch.randn(batch_size, 3, 224, 224, generator=gen))
    for norm in norms:
        norm.momentum = 0.1
    model.eval()


def freeze_all_but_last(model: nn.Module) -> list[str]:
    """Freeze every parameter except those of the last layer that has any; returns the trainable names."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"freeze_all_but_last takes the model itself (a torch.nn.Module), got {model!r:.60}; e.g. "
                        "helpers.make_torchvision_model('resnet18').")
    owners = [name for name, module in model.named_modules() if any(True for _ in module.parameters(recurse=False))]
    if not owners:
        raise ValueError(f"{type(model).__name__} has no parameters to fine-tune.")
    last = owners[-1]
    trainable = []
    for name, parameter in model.named_parameters():
        parameter.requires_grad_(name.rpartition(".")[0] == last)
        if parameter.requires_grad:
            trainable.append(name)
    return trainable


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """Number of parameters (all, or only those with ``requires_grad``)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"count_parameters needs a torch.nn.Module, got a {type(model).__name__}.")
    require_bool(trainable_only, "trainable_only")
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
