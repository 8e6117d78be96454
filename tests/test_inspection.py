from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import struct
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import netron
import onnx
import pytest
import torch
from onnx import TensorProto, helper

import helpers
from helpers import inspection

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output"


def test_summary_of_the_linear_model(linear_onnx) -> None:
    summary = inspection.summarize(linear_onnx)
    assert summary.operators == {"Gemm": 1} and summary.node_count == 1
    assert summary.initializer_count == 2 and summary.parameter_count == 11 and summary.initializer_bytes == 44
    assert summary.opsets[""] == 18 and summary.inputs[0].shape == ("batch", 10)
    assert "Gemm ×1" in str(summary) and "<table>" in summary._repr_html_()


def test_summary_counts_match_pytorch(tmp_path) -> None:
    mlp = helpers.make_mlp(hidden=16)
    report = helpers.export_model(mlp, torch.randn(2, 10), tmp_path / "mlp.onnx")
    summary = inspection.summarize(report.path)
    assert summary.parameter_count == helpers.count_parameters(mlp)
    assert summary.operators == {"Gemm": 3, "Relu": 2}


def test_summary_of_an_in_memory_model_and_non_raw_initializers() -> None:
    weight = helper.make_tensor("w", TensorProto.FLOAT, [2, 3], [1.0] * 6)  # float_data, not raw bytes
    node = helper.make_node("MatMul", ["x", "w"], ["y"])
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 3])], [weight])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    summary = inspection.summarize(model)
    assert summary.initializer_bytes == 24 and summary.name == "g"


def _drawn(drawing: inspection.GraphDrawing) -> ET.Element:
    return ET.fromstring(drawing.svg)


def test_drawing_of_the_linear_model(linear_onnx) -> None:
    drawing = inspection.draw_graph(linear_onnx)
    root = _drawn(drawing)
    ns = "{http://www.w3.org/2000/svg}"
    nodes = [g for g in root.iter(f"{ns}g") if g.get("class") == "node"]
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert len(nodes) == 1 and "Gemm" in texts and "W 1×10, 1" in texts and "→ batch×1" in texts
    assert {"features", "prediction"} <= set(texts)
    assert drawing.edge_count == 2 and len([p for p in root.iter(f"{ns}path") if p.get("class") == "edge"]) == 2


@pytest.mark.slow
@pytest.mark.parametrize("name", helpers.models.TORCHVISION_MODELS)
def test_drawing_of_every_torchvision_model_in_the_course(torchvision_onnx, name: str) -> None:
    proto = onnx.load(torchvision_onnx(name)[1])
    drawing = inspection.draw_graph(proto)
    root = _drawn(drawing)
    nodes = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "node"]
    assert len(nodes) == len(proto.graph.node) == drawing.node_count
    consumed = sum(1 for n in proto.graph.node for i in n.input if i and i not in {t.name for t in proto.graph.initializer})
    assert drawing.edge_count == consumed + len(proto.graph.output)


def test_drawing_refuses_huge_graphs(linear_onnx) -> None:
    with pytest.raises(ValueError, match="show_in_netron"):
        inspection.draw_graph(linear_onnx, max_nodes=0)


def test_static_mode_returns_the_drawing(linear_onnx) -> None:
    view = helpers.show_in_netron(linear_onnx, mode="static")
    assert view.mode == "static" and view.drawing is not None and "<svg" in view._repr_html_()


def test_bad_mode() -> None:
    with pytest.raises(ValueError, match="mode must be"):
        helpers.show_in_netron("x.onnx", mode="widget")


def test_missing_file_is_explained(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="02_export_to_onnx"):
        helpers.show_in_netron(tmp_path / "linear.onnx")


def test_binder_without_server_proxy_falls_back(monkeypatch, linear_onnx) -> None:
    monkeypatch.setattr(inspection.server, "detect_platform", lambda: "binder")  # where show_in_netron looks
    monkeypatch.setattr(inspection.server, "_has_server_proxy", lambda: False)
    view = helpers.show_in_netron(linear_onnx)
    assert view.mode == "static" and "jupyter-server-proxy" in view.reason


@pytest.mark.parametrize("platform,url", [("local", "http://127.0.0.1:8123/"), ("binder", "/user/ann/proxy/8123/"),
                                          ("jupyterhub", "/user/ann/proxy/8123/")])
def test_netron_url_per_platform(monkeypatch, platform: str, url: str) -> None:
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ann/")
    assert inspection.netron_url_for(8123, platform) == url


def test_netron_listens_on_loopback_only_and_rerun_leaves_one_server(linear_onnx) -> None:
    try:
        first = helpers.show_in_netron(linear_onnx)
        second = helpers.show_in_netron(linear_onnx)  # the same cell run again
        assert first.mode == second.mode == "netron" and first.port == second.port
        assert second.url == f"http://127.0.0.1:{second.port}/"
        servers = [t for t in netron.server._threads() if t.alive()]
        assert len(servers) == 1
        assert servers[0].server.socket.getsockname() == ("127.0.0.1", second.port)
        with urllib.request.urlopen(second.url, timeout=5) as response:
            assert response.status == 200 and b"Netron" in response.read()
    finally:
        assert inspection.stop_netron()
    assert not netron.status(("127.0.0.1", second.port))
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", second.port), timeout=1).close()
    assert not inspection.stop_netron()


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
def test_netron_renders_the_linear_graph_in_chromium(linear_onnx) -> None:
    """The function that makes notebook 03's picture: Netron draws the Gemm node and lists its attributes."""
    if _chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (see .ci/run)")
        pytest.skip("no chromium here: apt-get install -y chromium")
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "netron_linear.png").unlink(missing_ok=True)  # one from before the marker would be refused
    shot = inspection.netron_screenshot(linear_onnx, SCREENSHOTS / "netron_linear.png", select="Gemm", zoom_in=2)
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000
    assert b"Software\0helpers.netron_screenshot" in shot.read_bytes()[:4096]  # so a run again may replace it
    assert not [t for t in netron.server._threads() if t.alive()], "the screenshot's server must be stopped"


NOTEBOOK_03 = Path(__file__).resolve().parent.parent / "notebooks" / "03_inspect_the_graph.ipynb"


@pytest.mark.parametrize("notebook", [NOTEBOOK_03, NOTEBOOK_03.parent / "ko" / NOTEBOOK_03.name], ids=["en", "ko"])
def test_notebook_03_carries_the_committed_netron_picture(notebook) -> None:
    """GitHub and nbviewer run no kernel, Colab cannot follow a relative link: the PNG travels in the cell."""
    cells = [c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "markdown"]
    shown = [c for c in cells if "](attachment:netron_linear.png)" in "".join(c["source"])]
    assert len(shown) == 1 and not any("](images/" in "".join(c["source"]) for c in cells)
    image = NOTEBOOK_03.parent / "images" / "netron_linear.png"
    assert base64.b64decode(shown[0]["attachments"]["netron_linear.png"]["image/png"]) == image.read_bytes(), \
        "the picture changed: run python -m helpers.workshop sync"
    header = image.read_bytes()[:24]
    width, height = struct.unpack(">II", header[16:24])
    assert header.startswith(b"\x89PNG") and width >= 800 and height >= 400


def test_notebook_03_leaves_its_netron_frames_running() -> None:
    """A last cell that stops Netron blanks every frame above it after Run All; the kernel's exit stops it."""
    cells = json.loads(NOTEBOOK_03.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "stop_netron(" not in code and "netron.stop(" not in code


def test_iframes_print_without_a_memory_address() -> None:
    from IPython.core.formatters import PlainTextFormatter
    from IPython.display import IFrame

    formatter = PlainTextFormatter()
    formatter.for_type(IFrame, inspection._iframe_text)  # what importing helpers does inside a kernel
    assert formatter(IFrame("http://127.0.0.1:8080/", width="100%", height=400)) == "IFrame('http://127.0.0.1:8080/')"


def _course_models():
    from helpers import custom_ops, dynamic

    return {
        "mlp": (helpers.make_mlp(), torch.randn(2, 10), {}),
        "sign_gate_cond": (dynamic.SignGateCond(), torch.randn(2, 3), {}),
        "repeated_scale": (dynamic.RepeatedScale(3), torch.randn(2, 4), {}),
        "scaled_swish_standard": (custom_ops.ScaledSwishNet(), torch.randn(2, 8),
                                  {"custom_translation_table": custom_ops.translation_table("standard")}),
        "scaled_swish_contrib": (custom_ops.ScaledSwishNet(), torch.randn(2, 8),
                                 {"custom_translation_table": custom_ops.translation_table("contrib"), "verify": False}),
    }


@pytest.mark.parametrize("name", list(_course_models()))
def test_drawing_of_the_other_course_models(tmp_path, name: str) -> None:
    model, example, options = _course_models()[name]
    path = helpers.export_model(model, example, tmp_path / f"{name}.onnx", **options).path
    proto = onnx.load(path)
    root = _drawn(inspection.draw_graph(path))
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    nodes = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "node"]
    assert len(nodes) == len(proto.graph.node) and {n.op_type for n in proto.graph.node} <= texts
