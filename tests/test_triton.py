"""helpers.triton: the model repository and config.pbtxt that serve an ONNX file in Triton (notebook 11)."""

from __future__ import annotations

import re

import onnx
import pytest
import torch
from onnx import TensorProto, helper

from helpers import triton
from helpers.export import export_model
from helpers.shapes import make_small_cnn


@pytest.fixture(scope="module")
def cnn_path(tmp_path_factory):
    """The shapes CNN exported with a dynamic batch, as notebook 11 does."""
    path = tmp_path_factory.mktemp("triton") / "shapes_cnn.onnx"
    return export_model(make_small_cnn(seed=0), torch.randn(2, 1, 16, 16), path).path


def _fixed_batch_file(folder, elem_type=TensorProto.FLOAT):
    x = helper.make_tensor_value_info("x", elem_type, [4, 3])
    y = helper.make_tensor_value_info("y", elem_type, [4, 3])
    model = helper.make_model(helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g", [x], [y]))
    path = folder / "fixed.onnx"
    onnx.save(model, path)
    return path


def _block(text: str, name: str) -> str:
    return re.search(rf"^{name} \[\n(.*?)^\]", text, re.M | re.S).group(1)


def test_config_names_inputs_and_outputs_without_the_batch_dimension(cnn_path) -> None:
    text = triton.triton_config(cnn_path, "shapes_cnn", max_batch_size=32, preferred_batch_sizes=(8, 16),
                                max_queue_delay_us=500)
    assert text.startswith('name: "shapes_cnn"\nbackend: "onnxruntime"\nmax_batch_size: 32\n')
    assert 'name: "features"' in _block(text, "input") and "dims: [ 1, 16, 16 ]" in _block(text, "input")
    assert 'name: "prediction"' in _block(text, "output") and "dims: [ 4 ]" in _block(text, "output")
    assert "data_type: TYPE_FP32" in _block(text, "input")
    assert "preferred_batch_size: [ 8, 16 ]" in text and "max_queue_delay_microseconds: 500" in text
    assert text.count("{") == text.count("}")  # balanced blocks, as protobuf's text format needs


def test_no_batching_keeps_the_files_shapes_and_drops_dynamic_batching(tmp_path) -> None:
    text = triton.triton_config(_fixed_batch_file(tmp_path), "fixed", max_batch_size=0, preferred_batch_sizes=())
    assert "max_batch_size: 0" in text and "dims: [ 4, 3 ]" in text and "dynamic_batching" not in text


def test_a_fixed_batch_is_refused_when_triton_adds_the_batch(tmp_path) -> None:
    with pytest.raises(ValueError, match="fixed first dimension.*max_batch_size=0"):
        triton.triton_config(_fixed_batch_file(tmp_path), "fixed", max_batch_size=8, preferred_batch_sizes=(4,))


def test_gpu_instances_and_integer_types(tmp_path) -> None:
    text = triton.triton_config(_fixed_batch_file(tmp_path, TensorProto.INT64), "ids", max_batch_size=0,
                                preferred_batch_sizes=(), instances=2, kind="KIND_GPU")
    assert "data_type: TYPE_INT64" in text and "count: 2" in text and "kind: KIND_GPU" in text


@pytest.mark.parametrize("arguments, message", [
    ({"model_name": "my model"}, "model_name"),
    ({"model_name": "../x"}, "model_name"),
    ({"max_batch_size": -1}, "max_batch_size"),
    ({"max_batch_size": True}, "max_batch_size"),
    ({"preferred_batch_sizes": (64,)}, "preferred_batch_sizes"),
    ({"preferred_batch_sizes": 8}, "preferred_batch_sizes"),
    ({"kind": "GPU"}, "KIND_CPU"),
    ({"instances": 0}, "instances"),
])
def test_bad_arguments_are_named(cnn_path, arguments, message) -> None:
    arguments = {"model_name": "shapes_cnn", **arguments}
    with pytest.raises(ValueError, match=message):
        triton.triton_config(cnn_path, **arguments)


def test_repository_layout_and_a_neighbour_left_alone(cnn_path, tmp_path) -> None:
    other = tmp_path / "repo" / "other_model" / "config.pbtxt"
    other.parent.mkdir(parents=True)
    other.write_text("theirs")
    repository = triton.write_triton_repository(cnn_path, tmp_path / "repo", "shapes_cnn", version=3)
    assert repository.tree().splitlines() == ["other_model/config.pbtxt", "shapes_cnn/3/model.onnx",
                                              "shapes_cnn/config.pbtxt"]
    assert repository.model_file.read_bytes() == cnn_path.read_bytes() and other.read_text() == "theirs"
    assert repository.config.read_text() == triton.triton_config(cnn_path, "shapes_cnn")


def test_a_file_with_external_data_is_refused_before_anything_is_written(cnn_path, tmp_path) -> None:
    source = tmp_path / "big.onnx"
    source.write_bytes(cnn_path.read_bytes())
    (tmp_path / "big.onnx.data").write_bytes(b"weights")
    with pytest.raises(ValueError, match=r"\.data file"):
        triton.write_triton_repository(source, tmp_path / "repo", "big")
    assert not (tmp_path / "repo").exists()


def test_plain_dynamic_batching_by_default_and_a_scalar_per_example_reshaped(tmp_path) -> None:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch"])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch"])
    path = tmp_path / "scalar.onnx"
    onnx.save(helper.make_model(helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g", [x], [y])), path)
    text = triton.triton_config(path, "scalar")
    assert "dynamic_batching {\n  max_queue_delay_microseconds: 100\n}" in text and "preferred_batch_size" not in text
    assert text.count("dims: [ 1 ]\n    reshape: { shape: [ ] }") == 2  # Triton needs dims; the example is a scalar


def test_swapped_file_and_repository_are_named(tmp_path, linear_onnx) -> None:
    """Pass 23: the two paths swapped got "No file at .../repo ... create the file first"."""
    from helpers.triton import write_triton_repository

    with pytest.raises(ValueError, match="takes the .onnx file first"):
        write_triton_repository(tmp_path / "repo", linear_onnx, "linear")
    assert not (tmp_path / "repo").exists()
