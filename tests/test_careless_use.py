"""Careless use of the public API and the CLIs: each bad input gets a message that names the real problem (issue 28).

The bench and workshop command lines have their own tests in test_bench.py and test_workshop.py; the
comparison in test_compare.py; exports in test_export.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import helpers
from helpers import runtime, training

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("path,error,words", [
    (None, TypeError, "must be a file path"),
    ("", ValueError, "empty path"),
    ("x" * 5000 + ".onnx", ValueError, "cannot be a file here"),
])
def test_load_onnx_names_a_bad_path(path, error, words) -> None:
    with pytest.raises(error, match=words):
        helpers.load_onnx(path)


def test_weights_files_that_are_not_weights_say_why(tmp_path) -> None:
    model = helpers.make_linear_model()
    good = helpers.save_weights(model, tmp_path / "w.pt")
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ValueError, match="truncated or damaged"):
        helpers.load_weights(helpers.make_linear_model(), truncated)
    with pytest.raises(TypeError, match="must be a file path"):
        helpers.load_weights(helpers.make_linear_model(), None)
    with pytest.raises(IsADirectoryError, match="is a folder"):
        helpers.load_weights(helpers.make_linear_model(), tmp_path)
    with pytest.raises(IsADirectoryError, match="is a folder"):
        helpers.save_weights(model, tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into a read-only folder")
def test_saving_into_a_read_only_folder_names_the_folder(tmp_path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(PermissionError, match="read-only"):
            helpers.save_weights(helpers.make_linear_model(), folder / "w.pt")
    finally:
        folder.chmod(0o700)


def test_artifacts_folder_that_is_a_file_is_explained(tmp_path, monkeypatch) -> None:
    (tmp_path / "afile").write_text("x")
    monkeypatch.setenv("COURSE_ARTIFACTS", str(tmp_path / "afile"))
    with pytest.raises(NotADirectoryError, match="COURSE_ARTIFACTS"):
        helpers.artifacts_dir()


@pytest.mark.parametrize("kwargs,error,words", [
    ({"threads": "4"}, ValueError, "threads must be"),
    ({"threads": -1}, ValueError, "threads must be"),
    ({"optimized_model_path": "no/such/folder/opt.onnx"}, FileNotFoundError, "the model itself is fine"),
    ({"custom_op_libraries": "libcustom.so"}, TypeError, "list of library paths"),
])
def test_session_arguments_are_checked_in_the_course_s_words(linear_onnx, kwargs, error, words) -> None:
    with pytest.raises(error, match=words):
        runtime.create_session(linear_onnx, device="cpu", **kwargs)


@pytest.mark.parametrize("kwargs,words", [
    ({"epochs": -3}, "epochs must be"), ({"epochs": 0}, "epochs must be"), ({"batch_size": 0}, "batch_size must be"),
    ({"lr": float("nan")}, "lr"), ({"lr": -0.1}, "lr"),
])
def test_training_refuses_settings_that_do_nothing_or_diverge(kwargs, words) -> None:
    data = helpers.make_regression_data(n_samples=32, seed=0)
    with pytest.raises(ValueError, match=words):
        helpers.train_regressor(helpers.make_linear_model(), data, **kwargs)
    with pytest.raises(ValueError, match=words):
        helpers.train_classifier(helpers.make_small_cnn(), helpers.make_shapes_data(16, seed=0), **kwargs)


def test_a_diverging_loss_stops_with_the_likely_cause() -> None:
    data = helpers.make_regression_data(n_samples=64, seed=0)
    with pytest.raises(FloatingPointError, match="learning rate"):
        helpers.train_regressor(helpers.make_linear_model(), data, lr=1e6, epochs=5)
    training.check_loss(0.5, 1, 0.01)  # a finite loss passes


def _doctor(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "helpers.doctor", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_doctor_answers_help_and_refuses_unknown_options() -> None:
    helped = _doctor("--help")
    assert helped.returncode == 0 and "Exit status" in helped.stdout
    bogus = _doctor("--bogus-flag")
    assert bogus.returncode == 2 and "unrecognized arguments" in bogus.stderr


def test_doctor_in_a_deleted_folder_says_where_to_go(tmp_path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    code = ("import os, shutil, sys; os.chdir(sys.argv[1]); shutil.rmtree(sys.argv[1]); "
            "from helpers import doctor; sys.exit(doctor.main([]))")
    done = subprocess.run([sys.executable, "-c", code, str(gone)], env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "no longer exists" in done.stdout, done.stderr


def test_an_unknown_course_language_is_said_not_ignored() -> None:
    done = subprocess.run([sys.executable, "-W", "always", "-c", "import helpers.i18n"],
                          env={**os.environ, "PYTHONPATH": str(ROOT), "COURSE_LANGUAGE": "fr"},
                          capture_output=True, text=True, timeout=60)
    assert "COURSE_LANGUAGE='fr' is not a course language" in done.stderr


def test_a_numpy_example_input_is_accepted_as_one_input(tmp_path) -> None:
    report = helpers.export_model(helpers.make_linear_model(), np.random.default_rng(0).standard_normal((2, 10),
                                  dtype=np.float32), tmp_path / "m.onnx")
    assert [i.name for i in report.inputs] == ["features"]
