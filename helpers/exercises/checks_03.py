"""The checks of notebook 03 (inspect the graph): a graph built by hand with ``onnx.helper``, and an extra output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from torch import nn

from ..i18n import tr
from ..onnx_file import tensor_infos
from .artifacts import (_close, _load_unchecked, _onnx_path, _ort_session_for, _random, _require_declared_shapes, _run,
                        _torch_out)
from .verdict import ExerciseResult, _judge, _require, _Wrong

__all__ = ["check_linear_built_by_hand", "check_hidden_output"]


# --- 03 · inspect the graph ---


def _onnx_model_answer(answer: Any):
    """The ModelProto a student answered with, or the one saved at the path they answered with."""
    import onnx

    if isinstance(answer, onnx.ModelProto):
        return answer
    _require(isinstance(answer, (str, Path)),
             tr("Answer with a ModelProto or the path of a saved .onnx file, not a {type_name}.",
                type_name=type(answer).__name__))
    return _load_unchecked(_onnx_path(answer))  # ~, a stray space, a folder: named as in the other checks (pass 15)


def _first_in_features(model: nn.Module) -> int:
    return next(m for m in model.modules() if isinstance(m, nn.Linear)).in_features


def _named_slips(built: Any) -> None:
    """The usual slips in a Linear graph built by hand, named before onnx.checker's terse words: an output without
    a shape, a value that is not float32, a weight used without transB=1."""
    import onnx

    float32, name_of = onnx.TensorProto.FLOAT, onnx.TensorProto.DataType.Name
    for value in built.graph.output:
        _require(value.type.tensor_type.HasField("shape"), tr(
            "The output {name} has no shape: declare it, make_tensor_value_info('{name}', onnx.TensorProto.FLOAT, "
            "['batch', 1]).", name=value.name))
    for value in built.graph.input:
        _require(value.type.tensor_type.elem_type == float32, tr(
            "{name} is declared {dtype}: the model computes in float32, declare it onnx.TensorProto.FLOAT.",
            name=value.name, dtype=name_of(value.type.tensor_type.elem_type)))
    for init in built.graph.initializer:
        _require(init.data_type == float32, tr(
            "The initializer {name} holds {dtype} values: store float32, "
            "onnx.numpy_helper.from_array(array.astype(np.float32), '{name}').", name=init.name,
            dtype=name_of(init.data_type)))
    known = {v.name for v in built.graph.input} | {init.name for init in built.graph.initializer} | {""}
    for node in built.graph.node:  # pass 17: a misspelt name was reported as "must be topologically sorted"
        missing = [name for name in node.input if name not in known]
        _require(not missing, tr(
            "The {op} node reads {missing}, which no input, initializer or earlier node defines (defined: {known}): "
            "check the spelling.", op=node.op_type, missing=missing, known=sorted(known - {""})))
        known |= set(node.output)
    shapes = {init.name: list(init.dims) for init in built.graph.initializer}
    for node in (n for n in built.graph.node if n.op_type == "Gemm"):  # pass 18: other nodes raised IndexError
        _require(len(node.input) >= 2, tr("The Gemm node reads {inputs}: it takes [features, weight, bias], "
                                          "the weight and bias as initializers.", inputs=list(node.input)))
        _require(node.input[0] not in shapes or node.input[1] in shapes, tr(  # pass 18: A and B swapped
            "The Gemm reads {first} first: its first input (A) is the features, the second (B) the weight: "
            "make_node('Gemm', ['features', 'weight', 'bias'], ...).", first=node.input[0]))
        _require(node.input[1] not in shapes or len(shapes[node.input[1]]) == 2, tr(  # pass 22: weight and bias swapped
            "The Gemm's second input (B) is {name}, shaped {shape}: B is the weight, 2-D (out, in), and the third (C) "
            "the bias: make_node('Gemm', ['features', 'weight', 'bias'], ...).", name=node.input[1],
            shape=tuple(shapes.get(node.input[1], ()))))
        transposed = any(a.name == "transB" and a.i == 1 for a in node.attribute)
        weight = shapes.get(node.input[1])
        _require(transposed or not weight or len(weight) != 2 or weight[0] == weight[1] or weight[0] != 1, tr(
            "The Gemm multiplies the features by {name} as stored, {shape}: a Linear layer's weight is (out, in), "
            "so pass transB=1 to make_node.", name=node.input[1], shape=tuple(weight or ())))


def _declared_shapes_first(built: Any, features: int) -> None:
    """When the model runs, a wrongly declared output shape is named in the course's words, not the checker's."""
    try:
        session = _ort_session_for(built)
        outputs = session.run(None, {session.get_inputs()[0].name: _random(5, features, seed=31)})
    except Exception:  # it does not run: the checker's message says why
        return
    _require_declared_shapes(built, outputs)


def check_linear_built_by_hand(answer: Any, model: nn.Module, exercise: str = "03.1") -> ExerciseResult:
    """Exercise: the Linear model's graph built with ``onnx.helper`` (a ModelProto, or the path it was saved to)."""
    def check() -> None:
        import onnx

        linears = [m for m in model.modules() if isinstance(m, nn.Linear)] if isinstance(model, nn.Module) else []
        _require(len(linears) == 1, tr(  # pass 18: the MLP given as the model blamed the graph
            "The check's model has {count} Linear layers: pass the notebook's Linear model (model), the one your "
            "graph rebuilds.", count=len(linears)))
        built = _onnx_model_answer(answer)
        exported = any(prop.key.startswith("pkg.torch.onnx") for node in built.graph.node  # pass 12: producer
                       for prop in node.metadata_props)  # blanked, the exporter's node metadata is still there
        _require(not built.producer_name.startswith("pytorch") and not exported,
                 tr("This is the file torch.onnx.export wrote (its producer is 'pytorch'), not a graph you built. "
                    "Build it with onnx.helper: make_tensor_value_info, make_node, make_graph, make_model."))
        _named_slips(built)  # pass 16: the checker's own words named none of these
        try:
            onnx.checker.check_model(built, full_check=True)
        except Exception as error:
            _declared_shapes_first(built, _first_in_features(model))  # pass 17: a declared ['batch', 10] got the checker's inference error
            raise _Wrong(tr("onnx.checker rejects your model: {error}",
                            error=str(error).strip().splitlines()[0][:300])) from error
        ops = [node.op_type for node in built.graph.node]
        _require(ops == ["Gemm"], tr("Your graph holds {ops}; a Linear layer is one node: "
                                     "onnx.helper.make_node('Gemm', [input, weight, bias], [output], transB=1).",
                                     ops=ops or tr("no nodes")))
        weights = {init.name for init in built.graph.initializer}
        inputs = [value for value in built.graph.input if value.name not in weights]
        _require(len(inputs) == 1, tr("Your graph has the inputs {inputs}; it should have one, the "
                                      "features. Pass the weight and bias as initializers (onnx.numpy_helper.from_array).",
                                      inputs=[v.name for v in inputs]))
        names = ([v.name for v in inputs], [v.name for v in built.graph.output])
        _require(names == (["features"], ["prediction"]), tr(  # pass 14: x and y passed
            "Your graph's input and output are named {inputs} and {outputs}: the exercise names them features and "
            "prediction, the names the notebook's other files use.", inputs=names[0], outputs=names[1]))
        opsets = {o.domain: o.version for o in built.opset_import}
        _require(opsets.get("", opsets.get("ai.onnx")) == 18, tr(
            "Your model imports opset {opset}: make_model(graph, opset_imports=[onnx.helper.make_opsetid('', 18)]).",
            opset=opsets.get("", opsets.get("ai.onnx"))))
        dims = inputs[0].type.tensor_type.shape.dim
        _require(len(dims) == 2 and dims[0].HasField("dim_param"),
                 tr("The input's batch dimension is not a name, so only one batch size would be accepted: declare "
                    "it as make_tensor_value_info('features', onnx.TensorProto.FLOAT, ['batch', 10])."))
        x = _random(5, _first_in_features(model), seed=31)
        try:
            output = _run(_ort_session_for(built), x)
        except _Wrong:
            raise
        except Exception as error:
            raise _Wrong(tr("onnxruntime fails on a batch of 5: {error}",
                            error=str(error).strip().splitlines()[0][:300])) from error
        _require_declared_shapes(built, [output])  # pass 14: an output declared [1, 1] passed
        _require(_close(output, _torch_out(model, x)),
                 tr("Your graph runs, but on a random batch of 5 it disagrees with the PyTorch model: B must be "
                    "model.linear.weight with transB=1, and C must be model.linear.bias."))
    return _judge(exercise, answer, check, model=model)


def check_hidden_output(answer: Any, mlp: nn.Sequential, exercise: str = "03.2", *,
                        notebook_file: Any = None) -> ExerciseResult:
    """Exercise: the MLP's ONNX graph with one more output, the activation after the first Relu.

    ``notebook_file``: ``mlp_path``, the export the copy is made from, which must stay as exported."""
    def check() -> None:
        import onnx

        same = notebook_file is not None and isinstance(answer, (str, Path)) and Path(answer).exists() and \
            Path(answer).resolve() == Path(notebook_file).resolve()
        _require(not same, tr(  # pass 21: a copy saved over mlp_path passed, and broke the next run
            "That is mlp_path, the MLP's own export: save your copy to mlp_hidden_path and answer with that (if you "
            "saved over mlp_path, run the cell that exports it again to restore it)."))
        extended = _onnx_model_answer(answer)
        names = [value.name for value in extended.graph.output]
        _require(names.count("prediction") < 2, tr(  # pass 18: "the cell ran twice?" for the prediction appended
            "The outputs {names} hold the prediction twice: append the first Relu's output, not the prediction.",
            names=names))
        _require(len(set(names)) == len(names), tr(  # pass 14: a cell run twice appended the output twice
            "The outputs {names} name one value twice: the cell ran twice on the same model, or a model with the "
            "new output was saved over mlp_path (then run the cell that exports mlp_path again). Load mlp_path "
            "inside your cell, append the output once, and save to mlp_hidden_path.", names=names))  # pass 18: K13
        _require(len(names) != 1 or names[0] == "prediction", tr(  # pass 14: "nothing was added" to a replaced output
            "The model's only output is {name}: the prediction output is gone. Append the new output next to it "
            "(graph.output.append), do not replace it.", name=names[0] if names else ""))
        _require(len(names) >= 2, tr("The model has only the output {names}, as exported: nothing was added. Append "
                                     "the first Relu node's output to graph.output, as a ValueInfoProto from "
                                     "onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, ['batch', 32]).",
                                     names=names))
        _require(len(names) < 2 or names[0] == "prediction" or "prediction" not in names, tr(  # pass 21: insert(0)
            "The new output comes before the prediction ({names}): append it (graph.output.append), so that output 0 "
            "stays the prediction that every caller reads first.", names=names))
        _require(len(names) == 2, tr("The model has {count} outputs ({names}): keep the prediction and add one, the "
                                     "first Relu's output.", count=len(names), names=", ".join(names)))  # pass 17
        values = {v for node in extended.graph.node for v in node.output} | {
            v.name for v in extended.graph.input} | {init.name for init in extended.graph.initializer}
        nodes = {node.name: node for node in extended.graph.node if node.name}
        for name in (n for n in names if n not in values):  # pass 16: onnxruntime's "does not exist" error
            raise _Wrong(tr("{name} is a node's name, not a value: append that node's output[0] ({output}).",
                            name=name, output=nodes[name].output[0]) if name in nodes else
                         tr("No value in the graph is named {name}: append the output[0] of the first Relu node.",
                            name=name))
        for value in list(extended.graph.output)[1:]:  # pass 19: INT64 got onnxruntime's raw "Type Error"
            kind = value.type.tensor_type.elem_type
            _require(kind in (0, onnx.TensorProto.FLOAT), tr(
                "The output {name} is declared {dtype}; the Relu gives float32: declare it onnx.TensorProto.FLOAT.",
                name=value.name, dtype=onnx.TensorProto.DataType.Name(kind)))
        dims = [list(info.shape) for info in tensor_infos(extended)[0]]  # the real inputs, initializers aside
        _require(len(dims) == 1 and len(dims[0]) == 2 and dims[0][1] == _first_in_features(mlp), tr(  # pass 17
            "This model's input is {dims}, not (batch, {features}): it is not mlp_path's model. Load mlp_path, then "
            "append the first Relu's output.", dims=dims[0] if len(dims) == 1 else dims,
            features=_first_in_features(mlp)))
        session = _ort_session_for(extended)
        x = _random(5, _first_in_features(mlp), seed=32)
        outputs = session.run(None, {session.get_inputs()[0].name: x})
        _require_declared_shapes(extended, outputs)

        def produced(module: nn.Module) -> bool:
            expected = _torch_out(module, x)
            return any(_close(output, expected) for output in outputs)

        _require(produced(mlp), tr("The model's prediction is missing or differs from mlp's (is the file mlp_path's "
                                   "model?): keep the original output and add the new one next to it."))
        if not produced(mlp[:2]):
            _require(not produced(mlp[:1]), tr("The new output is the first Gemm's result, before the Relu: add the "
                                               "Relu node's output instead."))
            _require(not produced(mlp[:4]), tr("The new output comes after the second Relu; the exercise asks for "
                                               "the first one."))
            raise _Wrong(tr("No output equals the activation after the first Relu (mlp[:2](x) in PyTorch): find the "
                            "first node whose op_type is 'Relu' and add its output[0]."))
    return _judge(exercise, answer, check, mlp=mlp)
