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
