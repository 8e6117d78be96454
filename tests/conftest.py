"""Shared fixtures: a trained Linear model and its ONNX export, made once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import helpers


@pytest.fixture(scope="session")
def linear_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("linear")


@pytest.fixture(scope="session")
def linear_model(linear_dir: Path) -> helpers.LinearRegressor:
    model, _ = helpers.ensure_trained_linear(linear_dir)
    return model


@pytest.fixture(scope="session")
def linear_onnx(linear_dir: Path, linear_model: helpers.LinearRegressor) -> Path:
    return helpers.ensure_linear_onnx(linear_dir)


@pytest.fixture(scope="session")
def linear_session(linear_onnx: Path) -> helpers.Session:
    return helpers.create_session(linear_onnx, device="cpu")


@pytest.fixture(autouse=True)
def _seed() -> None:
    torch.manual_seed(0)


@pytest.fixture(scope="session")
def torchvision_onnx(tmp_path_factory: pytest.TempPathFactory):
    """Export each torchvision model once per session: ``torchvision_onnx(name) -> (model, path)``."""
    cache: dict[str, tuple[torch.nn.Module, Path]] = {}
    folder = tmp_path_factory.mktemp("torchvision")

    def get(name: str) -> tuple[torch.nn.Module, Path]:
        if name not in cache:
            model = helpers.make_torchvision_model(name)
            report = helpers.export_model(model, torch.randn(2, 3, 224, 224), folder / f"{name}.onnx", verify=False)
            cache[name] = (model, report.path)
        return cache[name]

    return get
