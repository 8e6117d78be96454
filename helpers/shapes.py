"""A small image-classification task: the seeded shapes images, a small CNN, its training and accuracy (notebook 06)."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import torch
from torch import nn

from .training import TrainingHistory, check_data_dtype, check_loss, check_seed, check_training_arguments, seeded

__all__ = ["SHAPE_CLASSES", "ImageData", "make_shapes_data", "make_small_cnn", "train_classifier", "accuracy"]

SHAPE_CLASSES = ("horizontal bar", "vertical bar", "square", "cross")


@dataclass
class ImageData:
    """A labelled image set: ``images`` (n, 1, 16, 16) float32 and ``labels`` (n,) int64."""

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return len(self.labels)

    def __repr__(self) -> str:  # never raises: a cell that shows odd data must not fail (pass 12)
        try:
            counts = torch.bincount(torch.as_tensor(self.labels), minlength=len(SHAPE_CLASSES)).tolist()
            return f"ImageData(images={tuple(self.images.shape)}, labels per class={counts})"
        except (TypeError, RuntimeError, ValueError):
            labels = getattr(self.labels, "dtype", type(self.labels).__name__)
            return f"ImageData(images={tuple(getattr(self.images, 'shape', ()))}, labels: {labels}, not class indices)"


def _draw_shape(kind: int, row: int, col: int, size: int) -> torch.Tensor:
    image = torch.zeros(16, 16)
    half = size // 2
    if kind == 0:
        image[row, col - half:col + half + 1] = 1.0
    elif kind == 1:
        image[row - half:row + half + 1, col] = 1.0
    elif kind == 2:
        image[row - half:row + half + 1, col - half:col + half + 1] = 1.0
        image[row - half + 1:row + half, col - half + 1:col + half] = 0.0
    else:
        image[row, col - half:col + half + 1] = 1.0
        image[row - half:row + half + 1, col] = 1.0
    return image


def make_shapes_data(n_samples: int = 2000, seed: int = 0, noise: float = 0.3) -> ImageData:
    """Seeded 16x16 grey images of four shapes (see ``SHAPE_CLASSES``) at random places and sizes, plus noise.

    A small, offline image-classification task: a few seconds of training reach high accuracy, so
    int8 and fp32 can be compared on real predictions of a held-out set.
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral) or not 1 <= n_samples <= 10**6:
        raise ValueError(f"n_samples must be a whole number of images from 1 to 1,000,000, got {n_samples!r}.")
    n_samples = int(n_samples)
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not 0 <= noise < float("inf"):
        raise ValueError(f"noise is the standard deviation of the added noise: a number of at least 0, got {noise!r}.")
    seed = check_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, len(SHAPE_CLASSES), (n_samples,), generator=gen)
    sizes = 2 * torch.randint(2, 5, (n_samples,), generator=gen) + 1  # 5, 7 or 9 pixels
    images = torch.empty(n_samples, 1, 16, 16)
    for i, (kind, size) in enumerate(zip(labels.tolist(), sizes.tolist())):
        row, col = (int(v) for v in torch.randint(size // 2, 16 - size // 2, (2,), generator=gen))
        images[i, 0] = _draw_shape(kind, row, col, size)
    images += noise * torch.randn(images.shape, generator=gen)
    if not torch.isfinite(images).all():
        raise ValueError(f"noise={noise!r} overflows float32 (the images hold infinite values): use a noise of a "
                         "few tenths, such as 0.1.")
    return ImageData(images, labels)


def make_small_cnn(n_classes: int = len(SHAPE_CLASSES), seed: int = 0) -> nn.Sequential:
    """A small convolutional classifier for ``make_shapes_data``: (batch, 1, 16, 16) -> (batch, n_classes)."""
    if isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral) or n_classes < 2:
        raise ValueError(f"n_classes must be a whole number of at least 2, got {n_classes!r}.")
    n_classes = int(n_classes)
    with seeded(seed):
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # (batch, 16, 8, 8)
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # (batch, 32, 4, 4)
            nn.Flatten(), nn.Linear(32 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, n_classes),
        ).eval()


def train_classifier(model: nn.Module, data: ImageData, *, epochs: int = 4, lr: float = 3e-3,
                     batch_size: int = 64, seed: int = 0) -> TrainingHistory:
    """Train a classifier with Adam and cross-entropy; returns the training loss after each epoch."""
    check_training_arguments(epochs, lr, batch_size)
    epochs, lr, batch_size, seed = int(epochs), float(lr), int(batch_size), check_seed(seed)  # NumPy numbers too
    if not isinstance(data, ImageData):
        raise TypeError(f"train_classifier's data must be an ImageData (images, labels), e.g. "
                        f"helpers.make_shapes_data(256); got a {type(data).__name__}.")
    if len(data) == 0:
        raise ValueError("The data set is empty: make some images first, e.g. helpers.make_shapes_data(256).")
    if not isinstance(model, nn.Module):
        raise TypeError(f"train_classifier takes a torch.nn.Module, got a {type(model).__name__}.")
    try:  # NumPy arrays (images from a file, labels from a list) are fine: the loop needs tensors
        data = ImageData(torch.as_tensor(data.images), torch.as_tensor(data.labels))
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(f"train_classifier needs images and labels as tensors or NumPy arrays ({error}).") from error
    if len(data.labels) != len(data.images):
        raise ValueError(f"{len(data.images)} images but {len(data.labels)} labels: give one label per image.")
    if not data.images.is_floating_point() and data.images.dtype != torch.bool:  # pass 12: blamed the model
        raise TypeError(f"The images are {str(data.images.dtype).removeprefix('torch.')}, such as 0–255 pixels: "
                        "the model takes floats from 0 to 1, ImageData(images.float() / 255, labels).")
    check_data_dtype(model, data.images, "images")
    if data.labels.ndim == 2 and len(data.labels) == len(data.images):  # pass 12: a raw torch error
        raise ValueError(f"The labels are one-hot, shape {tuple(data.labels.shape)}: cross-entropy takes one class "
                         "index per image, ImageData(images, labels.argmax(1)).")
    if data.labels.is_floating_point() or data.labels.dtype == torch.bool:
        raise TypeError(f"The labels are {str(data.labels.dtype).removeprefix('torch.')}; cross-entropy takes class "
                        "indices (int64): ImageData(images, labels.long()).")
    try:
        with torch.no_grad():
            classes = model.eval()(data.images[:1]).shape[-1]
    except RuntimeError as error:
        raise ValueError(f"The model cannot take these images (batch, {', '.join(map(str, data.images.shape[1:]))}): "
                         f"{str(error).splitlines()[0]}. Train a model built for them, e.g. helpers.make_small_cnn()."
                         ) from error
    if int(data.labels.min()) < 0:
        raise ValueError(f"A label is {int(data.labels.min())}: labels are class indices from 0 to {classes - 1} (-1 "
                         "for 'unlabelled' is not a class; drop those images first).")
    if int(data.labels.max()) >= classes:
        raise ValueError(f"The labels go up to {int(data.labels.max())} but the model has {classes} outputs: give it "
                         f"one output per class ({int(data.labels.max()) + 1}).")
    trainable = [p for p in model.parameters() if p.requires_grad]
    if not trainable:
        raise ValueError("Every parameter of the model is frozen (requires_grad=False): nothing would train.")
    gen = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(trainable, lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    history = TrainingHistory()
    with torch.no_grad():
        start = float(loss_fn(model.eval()(data.images), data.labels))
    for _ in range(epochs):
        model.train()
        for batch in torch.randperm(len(data), generator=gen).split(batch_size):
            optimizer.zero_grad()
            loss = loss_fn(model(data.images[batch]), data.labels[batch])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            history.losses.append(float(loss_fn(model(data.images), data.labels)))
        check_loss(history.losses[-1], len(history.losses), lr, start)
    return history


def accuracy(logits, labels) -> float:
    """Share of rows whose largest logit is the true label (tensors or NumPy arrays)."""
    if isinstance(logits, dict):
        raise TypeError(f"accuracy takes the logits, not the dict of outputs ({', '.join(map(str, logits))}): pass "
                        "one of its values, e.g. session.run(x)['prediction'].")
    try:
        logits, labels = torch.as_tensor(logits), torch.as_tensor(labels)
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(f"accuracy takes numbers: (n, classes) logits and (n,) integer labels ({error}).") from error
    if logits.ndim != 2 or labels.ndim != 1 or len(logits) != len(labels) or len(labels) == 0:
        raise ValueError(f"Expected (n, classes) logits and (n,) labels, got {tuple(logits.shape)} "
                         f"and {tuple(labels.shape)} (logits first, at least one row).")
    if labels.is_floating_point() or labels.dtype == torch.bool:
        raise TypeError(f"labels must be class numbers (integers), got {labels.dtype}.")
    if logits.shape[1] < 2:
        raise ValueError(f"The logits have {logits.shape[1]} column: with one class every row's largest logit is "
                         "class 0, so the accuracy would mean nothing. Pass a classifier's (n, classes) logits.")
    if len(labels) and (int(labels.min()) < 0 or int(labels.max()) >= logits.shape[-1]):
        raise ValueError(f"labels run from {int(labels.min())} to {int(labels.max())}, but the logits have "
                         f"{logits.shape[-1]} classes (0 to {logits.shape[-1] - 1}): number the classes from 0.")
    if logits.is_floating_point() and not torch.isfinite(logits).all():
        raise ValueError("The logits hold NaN or infinite values: the model's output is broken, so no accuracy "
                         "can be read from it (check the input and the weights).")
    return float((logits.argmax(1) == labels).float().mean())
