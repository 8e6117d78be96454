from __future__ import annotations

import onnx
import pytest
import torch

import helpers


def test_linear_export_is_one_checked_file_with_symbolic_batch(linear_onnx, linear_model) -> None:
    model = onnx.load(linear_onnx)
    onnx.checker.check_model(model, full_check=True)
    inputs, outputs = helpers.export.tensor_infos(model)
    assert [(i.name, i.dtype, i.shape) for i in inputs] == [("features", "float32", ("batch", 10))]
    assert [(o.name, o.shape) for o in outputs] == [("prediction", ("batch", 1))]
    assert not list(linear_onnx.parent.glob("*.onnx.data"))
    assert [n.op_type for n in model.graph.node] == ["Gemm"]


@pytest.mark.parametrize("opset", [18, 20])
@pytest.mark.parametrize("batch", [1, 3])
def test_export_report(tmp_path, linear_model, opset: int, batch: int) -> None:
    report = helpers.export_model(linear_model, torch.randn(batch, 10), tmp_path / "m.onnx", opset=opset)
    assert report.opset == opset == onnx.load(report.path).opset_import[0].version
    assert report.dynamic_batch and report.checked and report.sidecar_files == []
    assert report.max_abs_diff is not None and report.max_abs_diff < 1e-5
    assert report.file_size == report.path.stat().st_size
    assert "features: float32[batch, 10]" in str(report)


def test_static_export_keeps_the_example_batch(tmp_path, linear_model) -> None:
    report = helpers.export_model(linear_model, torch.randn(4, 10), tmp_path / "s.onnx", dynamic_batch=False)
    assert report.inputs[0].shape == (4, 10) and not report.dynamic_batch


def test_export_of_a_two_input_model(tmp_path) -> None:
    class Add(torch.nn.Module):
        def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
            return a + 2 * b

    report = helpers.export_model(Add(), (torch.randn(2, 3), torch.randn(2, 3)), tmp_path / "add.onnx",
                                  input_names=("a", "b"), output_names=("sum",))
    assert [i.name for i in report.inputs] == ["a", "b"] and report.max_abs_diff == 0.0


def test_input_names_must_match_examples(tmp_path, linear_model) -> None:
    with pytest.raises(ValueError, match="one name per input"):
        helpers.export_model(linear_model, torch.randn(2, 10), tmp_path / "m.onnx", input_names=("a", "b"))


def test_export_failure_is_explained(tmp_path) -> None:
    class Bad(torch.nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x[: int(x.sum() > 0)]  # runs eagerly; the exporter cannot size a result from the data

    with pytest.raises(RuntimeError, match="torch.onnx.export failed for Bad"):
        helpers.export_model(Bad(), torch.randn(3, 4), tmp_path / "bad.onnx")


def test_missing_onnx_names_the_notebook(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="02_export_to_onnx.ipynb"):
        helpers.load_onnx(tmp_path / "linear.onnx")


def test_directory_instead_of_file(tmp_path) -> None:
    with pytest.raises(IsADirectoryError, match="is a folder; pass the path of a file inside it"):
        helpers.load_onnx(tmp_path)


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_onnx_is_refused(tmp_path, linear_onnx, cut: float) -> None:
    data = linear_onnx.read_bytes()
    path = tmp_path / "cut.onnx"
    path.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(ValueError, match="export it again") as info:
        helpers.load_onnx(path)
    assert info.value.__cause__ is not None  # the parser's or checker's own error, for whoever debugs it


@pytest.mark.parametrize("content", [b"", b"hello, I am not ONNX", bytes(range(256))])
def test_non_onnx_bytes_are_refused(tmp_path, content: bytes) -> None:
    path = tmp_path / "x.onnx"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="not a (readable|valid) ONNX model"):
        helpers.load_onnx(path)


def test_exported_file_holds_no_machine_paths(linear_onnx, machine_paths) -> None:
    text = linear_onnx.read_bytes().decode("latin-1")
    assert not [path for path in machine_paths if path in text]
    keys = {p.key for node in onnx.load(linear_onnx).graph.node for p in node.metadata_props}
    assert "pkg.torch.onnx.stack_trace" not in keys and "pkg.torch.onnx.class_hierarchy" in keys


def test_stack_traces_can_be_kept(tmp_path, linear_model, machine_paths) -> None:
    report = helpers.export_model(linear_model, torch.randn(2, 10), tmp_path / "k.onnx", keep_stack_traces=True)
    keys = {p.key for node in onnx.load(report.path).graph.node for p in node.metadata_props}
    assert "pkg.torch.onnx.stack_trace" in keys
    # The kept traces name this machine's folders: the list the test above checks is the one that leaks.
    assert [path for path in machine_paths if path in report.path.read_bytes().decode("latin-1")]
    assert helpers.export.strip_stack_traces(report.path) == 1
    assert not [path for path in machine_paths if path in report.path.read_bytes().decode("latin-1")]


def test_custom_dynamic_shapes_are_used_not_replaced_by_the_default(tmp_path) -> None:
    # The default would give ("batch", 5, 4): only the caller's spec names two dimensions rows and cols.
    model = torch.nn.Linear(4, 2)
    spec = ({0: torch.export.Dim("rows"), 1: torch.export.Dim("cols")},)
    report = helpers.export_model(model, torch.randn(3, 5, 4), tmp_path / "t.onnx", dynamic_shapes=spec)
    assert report.inputs[0].shape == ("rows", "cols", 4), report.inputs[0]
    other = torch.randn(2, 7, 4)  # both dimensions differ from the example: the file must accept it
    got = helpers.create_session(report.path, device="cpu").run(other)["prediction"]
    torch.testing.assert_close(torch.from_numpy(got), model(other).detach())


def test_custom_dim_expression_reaches_the_file(tmp_path) -> None:
    class Pairs(torch.nn.Module):
        def forward(self, x):  # (2 * half, 3) -> (half, 3)
            return x.reshape(-1, 2, x.shape[1]).sum(1)

    half = torch.export.Dim("half")
    report = helpers.export_model(Pairs(), torch.randn(4, 3), tmp_path / "p.onnx", dynamic_shapes=({0: 2 * half},))
    assert report.inputs[0].shape == ("2*half", 3), report.inputs[0]  # the default would name it "batch"
    assert report.max_abs_diff == 0.0


def test_custom_dim_bounds_reach_the_exporter(tmp_path) -> None:
    # An example of 3 rows breaks Dim(min=4): only an exporter that received the caller's Dim can notice.
    rows = torch.export.Dim("rows", min=4, max=8)
    with pytest.raises(RuntimeError, match=r"not in range \[4, 8\]"):
        helpers.export_model(torch.nn.Linear(4, 2), torch.randn(3, 4), tmp_path / "r.onnx",
                             dynamic_shapes=({0: rows},))


def test_export_errors_name_the_root_cause_in_plain_text(tmp_path) -> None:
    with pytest.raises(ValueError) as info:  # found by running the model once in PyTorch, before exporting
        helpers.export_model(torch.nn.Linear(10, 1), torch.randn(2, 5), tmp_path / "bad.onnx")
    message = str(info.value)
    assert "in PyTorch itself" in message and not (tmp_path / "bad.onnx").exists()
    assert "\x1b[" not in message and "This is step" not in message
    assert "5" in message and "10" in message  # the shape mismatch itself, not the exporter's boilerplate
    assert info.value.__cause__ is not None


def test_export_refuses_what_is_not_a_module(tmp_path) -> None:
    with pytest.raises(TypeError, match="nn.Module"):
        helpers.export_model(lambda x: x, torch.randn(2, 3), tmp_path / "f.onnx")


@pytest.mark.parametrize("opset,error", [(99, ValueError), (6, ValueError), ("18", TypeError), (True, TypeError)])
def test_an_opset_that_cannot_be_written_is_refused_before_exporting(tmp_path, linear_model, opset, error) -> None:
    with pytest.raises(error, match="opset"):
        helpers.export_model(linear_model, torch.randn(2, 10), tmp_path / "m.onnx", opset=opset)
    assert not (tmp_path / "m.onnx").exists()  # refused before any work


def test_an_opset_the_converter_cannot_reach_is_an_error_not_a_silent_18(tmp_path) -> None:
    """Asked for 13, the exporter writes 18 and ONNX's converter fails on Flatten: say so (it converts Linear)."""
    assert helpers.export_model(torch.nn.Linear(10, 1), torch.randn(2, 10), tmp_path / "l.onnx", opset=13).opset == 13
    flat = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(12, 1))
    with pytest.raises(ValueError, match="Asked for opset 13, but .* opset 18"):
        helpers.export_model(flat, torch.randn(2, 3, 4), tmp_path / "f.onnx", opset=13)


def test_a_forgotten_batch_dimension_is_an_error(tmp_path, linear_model) -> None:
    with pytest.raises(ValueError, match=r"no batch dimension.*unsqueeze\(0\)"):
        helpers.export_model(linear_model, torch.randn(10), tmp_path / "m.onnx")
    report = helpers.export_model(linear_model, torch.randn(10), tmp_path / "m.onnx", dynamic_batch=False)
    assert report.inputs[0].shape == (10,)  # asked for a fixed size: no complaint


def test_a_one_row_example_still_gives_a_symbolic_batch(tmp_path, linear_model) -> None:
    report = helpers.export_model(linear_model, torch.randn(1, 10), tmp_path / "m.onnx")
    assert report.dynamic_batch and report.inputs[0].shape[0] == "batch"


def test_a_model_returning_a_dict_is_exported_and_checked_output_by_output(tmp_path) -> None:
    from torch.export import Dim

    from helpers import dynamic

    batch, seq = Dim("batch"), Dim("seq")
    report = helpers.export_model(dynamic.MaskedPooling(), (torch.randn(2, 5, 8), torch.ones(2, 5)), tmp_path / "m.onnx",
                                  input_names=("tokens", "mask"), output_names=("logits", "pooled"),
                                  dynamic_shapes=({0: batch, 1: seq}, {0: batch, 1: seq}))
    assert [(o.name, o.shape) for o in report.outputs] == [("logits", ("batch", 3)), ("pooled", ("batch", 4))]
    assert report.max_abs_diff is not None and report.max_abs_diff < 1e-5


def test_outputs_that_are_not_tensors_are_explained(tmp_path) -> None:
    class Labelled(torch.nn.Module):
        def forward(self, x):
            return x * 2, "label"

    with pytest.raises(Exception, match="str"):
        helpers.export_model(Labelled(), torch.randn(2, 3), tmp_path / "m.onnx")
