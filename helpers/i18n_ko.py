"""The Korean catalog of the course's student-facing messages (``helpers.i18n`` shows them after ``set_language("ko")``)."""

from __future__ import annotations

__all__ = ["KOREAN"]

# English template -> Korean template. The placeholders ({name}, {loss:.3f}, ...) must be the same on both sides;
# literal braces are doubled ({{ and }}), as in any str.format template.
KOREAN: dict[str, str] = {
    # ExerciseResult
    "Exercise {exercise}: {mark}. {message}": "연습 문제 {exercise}: {mark}. {message}",
    "✅ correct": "✅ 정답",
    "❌ not yet right": "❌ 아직 정답이 아닙니다",
    "⏳ not done yet": "⏳ 아직 풀지 않았습니다",
    "Well done.": "잘하셨습니다.",
    "Replace the placeholder with your answer and run the cell again.":
        "자리 표시자(placeholder)를 답으로 바꾼 뒤 셀을 다시 실행하세요.",
    "Could not compare your answer ({error_type}: {error}). {hint}":
        "답을 비교할 수 없습니다({error_type}: {error}). {hint}",
    "Checking your answer raised {error_type}: {error}":
        "답을 확인하는 중에 {error_type} 예외가 발생했습니다: {error}",
    # shared
    "Answer with the path of your .onnx file, not a {type_name}.":
        ".onnx 파일의 경로를 답으로 제출하세요. 받은 답은 {type_name} 객체입니다.",
    "There is no file at {path}. Did the cell that writes it run?":
        "{path}에 파일이 없습니다. 파일을 만드는 셀을 실행했는지 확인하세요.",
    "onnx.checker rejects {name}: {error}": "onnx.checker가 {name}을(를) 거부합니다: {error}",
    "That is the course's wrapper (helpers.create_session): build "
    "onnxruntime.InferenceSession(path, providers=[...]) yourself.":
        "강의용 래퍼(helpers.create_session)가 만든 세션입니다. onnxruntime.InferenceSession(path, "
        "providers=[...])로 세션을 직접 만드세요.",
    "Answer with an onnxruntime.InferenceSession, not a {type_name}.":
        "onnxruntime.InferenceSession을 답으로 제출하세요. 받은 답은 {type_name} 객체입니다.",
    # 01
    "Answer with your trained module, not a {type_name}.": "학습시킨 모듈을 답으로 제출하세요. 받은 답은 {type_name} 객체입니다.",
    "Your answer is the same model as the check's third argument, the notebook's model: make a new one "
    "(torch.manual_seed, nn.Linear(10, 1)) and train it yourself, then pass it first and the notebook's model third: "
    "check_trained_regressor(your_model, task_b, model).":
        "답이 확인 함수의 세 번째 인자, 곧 노트북의 모델과 같은 모델입니다. 새 모델을 만들어(torch.manual_seed, "
        "nn.Linear(10, 1)) 직접 학습시킨 뒤, 그 모델을 첫 번째로, 노트북의 모델을 세 번째로 넘기세요: "
        "check_trained_regressor(your_model, task_b, model).",
    "Your model maps {input_shape} to {output_shape}; expected {expected_shape}.":
        "모델에 {input_shape}을(를) 넣으면 {output_shape}이(가) 나옵니다. {expected_shape}이(가) 나와야 합니다.",
    "Its mean squared error on this task is {loss:.3f}; a trained model reaches below {target:.3f}. Check the "
    "loop: zero_grad, loss.backward(), step, on this task's rows, for enough epochs.":
        "이 과제에서 평균 제곱 오차가 {loss:.3f}입니다. 제대로 학습된 모델이라면 {target:.3f}보다 낮아집니다. 학습 "
        "루프에서 zero_grad, loss.backward(), step을 이 과제의 데이터로 충분한 에폭 동안 반복했는지 확인하세요.",
    "Finish the previous exercise first: its model is saved here.":
        "앞 연습 문제를 먼저 끝내세요. 여기서는 그 모델을 저장합니다.",
    "Answer with the path of the file you saved with torch.save.": "torch.save로 저장한 파일의 경로를 답으로 제출하세요.",
    "torch.load(..., weights_only=True) refuses this file: it holds pickled Python objects, not only tensors. "
    "Save model.state_dict(), not the model itself.":
        "torch.load(..., weights_only=True)가 이 파일을 거부합니다. 텐서뿐 아니라 피클(pickle)된 파이썬 객체가 "
        "들어 있기 때문입니다. 모델 자체가 아니라 model.state_dict()를 저장하세요.",
    "The file holds no state_dict: save model.state_dict().":
        "파일에 state_dict가 없습니다. model.state_dict()를 저장하세요.",
    "The file holds {found}; your model has {expected}.":
        "파일에는 {found}이(가) 있지만 모델에는 {expected}이(가) 있습니다.",
    "These are not the weights of your model from the previous exercise: save that model's state_dict.":
        "앞 연습 문제에서 만든 모델의 가중치가 아닙니다. 그 모델의 state_dict를 저장하세요.",
    # 02
    "{name}.data sits beside your file: export with external_data=False to keep one file.":
        "파일 옆에 {name}.data가 있습니다. 파일 하나로 만들려면 external_data=False로 내보내세요.",
    "The file uses opset {found}; ask for opset_version={opset}.":
        "파일의 opset이 {found}입니다. opset_version={opset}을(를) 지정하세요.",
    "Inputs/outputs are named {names}; pass input_names=['{input_name}'], output_names=['{output_name}'].":
        "입력/출력 이름이 {names}입니다. input_names=['{input_name}'], output_names=['{output_name}']를 넘기세요.",
    "Dimension 0 is a fixed number: declare it with dynamic_shapes=({{0: torch.export.Dim('batch')}},).":
        "0번 차원이 고정된 숫자입니다. dynamic_shapes=({{0: torch.export.Dim('batch')}},)로 선언하세요.",
    "At batch {batch} onnxruntime and PyTorch disagree: did you export this model, in eval mode?":
        "배치 크기 {batch}에서 onnxruntime과 PyTorch의 결과가 다릅니다. 이 모델을 평가 모드(model.eval())로 내보냈는지 확인하세요.",
    "Expected a model with one input.": "입력이 하나인 모델이어야 합니다.",
    "This session's model does not compute what the check's model does: open the file you exported, and "
    "pass the model you exported it from (mlp) to the check, as the cell was written.":
        "이 세션의 모델은 계산 결과가 확인 함수에 넘긴 모델과 다릅니다. 직접 내보낸 파일로 세션을 만들고, 셀에 쓰인 대로 내보낸 원래 "
        "모델(mlp)을 확인 함수에 넘기세요.",
    # 03
    "Answer with a ModelProto or the path of a saved .onnx file, not a {type_name}.":
        "ModelProto나 저장한 .onnx 파일의 경로를 답으로 제출하세요. 받은 답은 {type_name} 객체입니다.",
    "onnxruntime cannot load the model: {error}": "onnxruntime이 모델을 불러오지 못합니다: {error}",
    "This is the file torch.onnx.export wrote (its producer is 'pytorch'), not a graph you built. Build it with "
    "onnx.helper: make_tensor_value_info, make_node, make_graph, make_model.":
        "직접 만든 그래프가 아니라 torch.onnx.export가 만든 파일입니다(producer가 'pytorch'). onnx.helper의 "
        "make_tensor_value_info, make_node, make_graph, make_model로 직접 만드세요.",
    "onnx.checker rejects your model: {error}": "onnx.checker가 모델을 거부합니다: {error}",
    "Your graph holds {ops}; a Linear layer is one node: "
    "onnx.helper.make_node('Gemm', [input, weight, bias], [output], transB=1).":
        "그래프의 노드: {ops}. Linear 층은 노드 하나로 만듭니다. "
        "onnx.helper.make_node('Gemm', [input, weight, bias], [output], transB=1).",
    "no nodes": "없음",
    "Your graph has the inputs {inputs}; it should have one, the features. Pass the weight and bias as "
    "initializers (onnx.numpy_helper.from_array).":
        "그래프의 입력이 {inputs}입니다. 입력은 features 하나뿐이어야 합니다. 가중치와 편향은 "
        "초기화 텐서(initializer)로 넘기세요(onnx.numpy_helper.from_array).",
    "The input's batch dimension is not a name, so only one batch size would be accepted: declare it as "
    "make_tensor_value_info('features', onnx.TensorProto.FLOAT, ['batch', 10]).":
        "입력의 배치 차원에 이름이 없어서 한 가지 배치 크기만 받습니다. "
        "make_tensor_value_info('features', onnx.TensorProto.FLOAT, ['batch', 10])로 선언하세요.",
    "onnxruntime fails on a batch of 5: {error}": "배치 크기 5에서 onnxruntime이 실패합니다: {error}",
    "Your graph runs, but on a random batch of 5 it disagrees with the PyTorch model: B must be "
    "model.linear.weight with transB=1, and C must be model.linear.bias.":
        "그래프는 실행되지만 크기 5인 무작위 배치에서 PyTorch 모델과 결과가 다릅니다. B는 transB=1과 함께 "
        "model.linear.weight여야 하고, C는 model.linear.bias여야 합니다.",
    "The model has only the output {names}, as exported: nothing was added. Append the first Relu node's output "
    "to graph.output, as a ValueInfoProto from "
    "onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, ['batch', 32]).":
        "모델의 출력이 내보냈을 때 그대로 {names}뿐입니다. 아무것도 추가되지 않았습니다. 첫 번째 Relu 노드의 출력을 "
        "onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, ['batch', 32])로 만든 ValueInfoProto로 "
        "graph.output에 덧붙이세요.",
    "The model's prediction is missing or differs from mlp's (is the file mlp_path's model?): keep the original "
    "output and add the new one next to it.":
        "모델의 예측 출력이 없거나 mlp의 출력과 다릅니다(mlp_path의 모델이 맞나요?). 원래 출력은 그대로 두고 그 옆에 새 "
        "출력을 추가하세요.",
    "The new output is the first Gemm's result, before the Relu: add the Relu node's output instead.":
        "새 출력은 Relu를 거치기 전인 첫 번째 Gemm의 결과입니다. Relu 노드의 출력을 대신 추가하세요.",
    "The new output comes after the second Relu; the exercise asks for the first one.":
        "새 출력은 두 번째 Relu 뒤의 값입니다. 이 연습 문제에서는 첫 번째 Relu의 출력이 필요합니다.",
    "No output equals the activation after the first Relu (mlp[:2](x) in PyTorch): find the first node whose "
    "op_type is 'Relu' and add its output[0].":
        "첫 번째 Relu 뒤의 활성화 값(PyTorch에서 mlp[:2](x))과 같은 출력이 없습니다. op_type이 'Relu'인 첫 노드를 "
        "찾아 그 output[0]을 추가하세요.",
    # 04
    "Answer with the converted module, not a {type_name}.": "변환한 모듈을 답으로 제출하세요. 받은 답은 {type_name} 객체입니다.",
    "That module comes from helpers.import_to_pytorch: call onnx2pytorch.ConvertModel(onnx.load(path)) yourself.":
        "이 모듈은 helpers.import_to_pytorch가 만든 것입니다. onnx2pytorch.ConvertModel(onnx.load(path))를 직접 "
        "호출하세요.",
    "Your module does not compute what {name} computes: convert that file.":
        "모듈의 계산 결과가 {name}과(와) 다릅니다. 그 파일을 변환하세요.",
    "Expected the converted Gemm nodes as nn.Linear layers.": "변환된 Gemm 노드는 nn.Linear 층이 되어야 합니다.",
    "Only the first layer may train: call requires_grad_(False) on every parameter, then requires_grad_(True) "
    "on the first layer's (trainable now: {trainable}).":
        "첫 번째 층만 학습되어야 합니다. 모든 파라미터에 requires_grad_(False)를 호출한 다음 첫 번째 층의 "
        "파라미터에만 requires_grad_(True)를 호출하세요(지금 층별 학습 가능 여부: {trainable}).",
    "That is the received file: export your fine-tuned module to a new one.":
        "전달받은 원래 파일을 그대로 넘겼습니다. 미세 조정한 모듈을 새 파일로 내보내세요.",
    "Keep the batch dynamic: dynamic_shapes=(({{0: Dim('batch')}},),) for a module whose forward takes *inputs.":
        "배치 크기는 동적으로 두세요. forward가 *inputs를 받는 모듈에서는 dynamic_shapes=(({{0: "
        "Dim('batch')}},),)로 지정합니다.",
    # 05
    "Answer with the list of per-call times in seconds (at least 5 timed calls).":
        "호출마다 잰 시간(초)의 리스트를 답으로 제출하세요(측정한 호출이 5번 이상이어야 합니다).",
    "Every call was timed: run a few untimed warm-up calls first.":
        "모든 호출의 시간을 쟀습니다. 먼저 시간을 재지 않는 워밍업 호출을 몇 번 실행하세요.",
    "One call took {slowest_ms:.0f} ms: cold calls or unfinished warm-up work were timed. Warm up, then "
    "synchronize before the first timing.":
        "호출 하나가 {slowest_ms:.0f} ms 걸렸습니다. 처음의 느린 호출이나 끝나지 않은 워밍업 작업까지 잰 것입니다. "
        "워밍업한 뒤 첫 측정 전에 동기화(synchronize)하세요.",
    "graph_optimization_level is {level} in this session: set ORT_DISABLE_ALL in SessionOptions before creating the "
    "InferenceSession (it copies the options; later changes do nothing).":
        "이 세션의 graph_optimization_level이 {level}입니다. InferenceSession을 만들기 전에 SessionOptions에서 "
        "ORT_DISABLE_ALL로 설정하세요(세션은 옵션을 복사하므로 나중에 바꾸면 효과가 없습니다).",
    "intra_op_num_threads is {threads} in this session: set it to 1 in SessionOptions before creating the "
    "InferenceSession (it copies the options; later changes do nothing).":
        "이 세션의 intra_op_num_threads가 {threads}입니다. InferenceSession을 만들기 전에 SessionOptions에서 1로 "
        "설정하세요(세션은 옵션을 복사하므로 나중에 바꾸면 효과가 없습니다).",
    "The session does not compute what the model does: open this model's file.":
        "세션의 계산 결과가 모델과 다릅니다. 이 모델의 파일로 세션을 만드세요.",
    # 06
    "This is dynamic quantisation: use quantize_static with your CalibrationDataReader.":
        "동적 양자화(dynamic quantization)로 만든 파일입니다. 직접 만든 CalibrationDataReader를 넘겨 "
        "quantize_static을 쓰세요.",
    "No QuantizeLinear/DequantizeLinear nodes: the file is not quantised (quant_format=QuantFormat.QDQ).":
        "QuantizeLinear/DequantizeLinear 노드가 없습니다. 파일이 양자화되지 않았습니다(quant_format=QuantFormat.QDQ).",
    "int8 accuracy {int8:.1%} vs fp32 {fp32:.1%}: calibrate on more (and representative) images.":
        "int8 정확도는 {int8:.1%}, fp32 정확도는 {fp32:.1%}입니다. 데이터를 잘 대표하는 이미지를 더 많이 써서 "
        "캘리브레이션(calibration)하세요.",
    "This session's model has standard operators only: open the custom-domain file, whose node needs the kernel "
    "library.":
        "이 세션의 모델에는 표준 연산자만 있습니다. 커널 라이브러리가 있어야 실행되는 노드가 든 사용자 정의 도메인 "
        "파일로 세션을 만드세요.",
    "This graph holds NCHWc nodes: it was saved at the 'layout' or 'all' level, tied to this CPU. Use "
    "ORT_ENABLE_EXTENDED.":
        "이 그래프에는 NCHWc 노드가 있습니다. 'layout'이나 'all' 수준으로 저장해서 이 CPU에 맞춰진 그래프입니다. "
        "ORT_ENABLE_EXTENDED를 쓰세요.",
    "No fused com.microsoft operators: set graph_optimization_level=ORT_ENABLE_EXTENDED and "
    "optimized_model_filepath in SessionOptions.":
        "융합된 com.microsoft 연산자가 없습니다. SessionOptions에서 "
        "graph_optimization_level=ORT_ENABLE_EXTENDED와 optimized_model_filepath를 설정하세요.",
    "The optimised graph does not compute what the original does: optimise the fp32 file.":
        "최적화한 그래프의 계산 결과가 원본과 다릅니다. fp32 파일을 최적화하세요.",
    # 07
    "The graph has no If node: the exercise asks for torch.cond in forward (a Python if keeps only the branch the "
    "example took, and a rule written without a branch has none).":
        "그래프에 If 노드가 없습니다. forward에서 torch.cond를 쓰세요(파이썬 if는 예시 입력이 지나간 분기 하나만 남기고, 분기 없이 쓴 규칙에는 남길 분기가 없습니다).",
    "onnxruntime's output differs from the rule for a batch of {batch}: check both branches.":
        "배치 크기 {batch}에서 onnxruntime의 출력이 규칙과 다릅니다. 두 분기를 모두 확인하세요.",
    "onnxruntime refuses a batch of {batch}: declare dynamic_shapes=({{0: 2 * Dim('half')}},) so every even "
    "batch is allowed.":
        "onnxruntime이 배치 크기 {batch}을(를) 거부합니다. 모든 짝수 배치를 허용하도록 "
        "dynamic_shapes=({{0: 2 * Dim('half')}},)로 선언하세요.",
    "Wrong sums at batch {batch}: export dynamic.PairSum().":
        "배치 크기 {batch}에서 합이 틀립니다. dynamic.PairSum()을 내보내세요.",
    # 08
    "The first item must be what @torch.library.custom_op returned (your decorated function).":
        "첫 번째 항목은 @torch.library.custom_op가 반환한 것(데코레이터를 붙인 함수)이어야 합니다.",
    "Register a fake implementation with @your_op.register_fake: torch.export needs it to know the output's shape.":
        "@your_op.register_fake로 가짜 구현(fake implementation)을 등록하세요. torch.export는 가짜 구현으로 출력의 "
        "모양을 알아냅니다.",
    "In PyTorch, your op(x, 0.5) should equal x.clamp(-0.5, 0.5).":
        "PyTorch에서 op(x, 0.5)는 x.clamp(-0.5, 0.5)와 같아야 합니다.",
    "The file uses {domains}: translate the op into standard ONNX operators (onnxscript's op.Clip) in "
    "custom_translation_table.":
        "파일에 {domains} 도메인의 노드가 남아 있습니다. custom_translation_table에 변환 함수를 넣어 이 연산자를 표준 ONNX "
        "연산자(onnxscript의 op.Clip)로 옮기세요.",
    "onnxruntime's output is not x clipped to [-0.5, 0.5]: check the translation.":
        "onnxruntime의 출력이 [-0.5, 0.5]로 자른 x가 아닙니다. 변환 함수를 확인하세요.",
    "This session does not compute what the check's model does: open the custom-domain file, and pass the "
    "notebook's model (the ScaledSwishNet it was exported from) to the check.":
        "이 세션의 계산 결과가 확인 함수에 넘긴 모델과 다릅니다. 사용자 정의 도메인 파일로 세션을 만들고, 그 파일을 내보낸 노트북의 모델"
        "(ScaledSwishNet)을 확인 함수에 넘기세요.",
    "{path} is a file, not a folder: set COURSE_ARTIFACTS to a folder.":
        "{path}은(는) 폴더가 아니라 파일입니다. COURSE_ARTIFACTS를 폴더로 설정하세요.",
    "{path} is a folder: answer with the path of the .onnx file your cell wrote.":
        "{path}은(는) 폴더입니다. 셀이 저장한 .onnx 파일의 경로를 답으로 제출하세요.",
    "Your answer is the text {answer!r}: answer with a number, without quotes.":
        "답이 문자열 {answer!r}입니다. 따옴표 없이 숫자를 답으로 제출하세요.",
    "The check's {names} do not fit together ({error}): pass the notebook's own objects, as the cell above was written.":
        "확인 함수에 넘긴 {names}이(가) 서로 맞지 않습니다({error}). 위 셀에 적힌 대로 노트북의 객체를 그대로 "
        "넘기세요.",
    # 09
    "onnxruntime refuses a batch of {batch}: export with dynamic_shapes=({{0: Dim('batch')}},) so that any batch size is accepted.":
        "onnxruntime이 배치 크기 {batch}을(를) 거부합니다. 어떤 배치 크기든 받도록 dynamic_shapes=({{0: "
        "Dim('batch')}},)로 내보내세요.",
    "This file's input is {signature}, not (batch, {features}): export the model the exercise gives.":
        "이 파일의 입력은 (batch, {features})이(가) 아니라 {signature}입니다. 연습 문제가 주는 모델을 내보내세요.",
    "The batch is fixed to {batch} in this file: export with dynamic_shapes=({{0: Dim('batch')}},).":
        "이 파일은 배치 크기가 {batch}(으)로 고정되어 있습니다. dynamic_shapes=({{0: Dim('batch')}},)로 내보내세요.",
    "The output has shape {got}, not {expected}: return the head's three scores.":
        "출력의 모양이 {got}입니다. 기대한 모양은 {expected}입니다. 헤드가 내는 점수 세 개를 반환하세요.",
    "These are the scores of the row's mean, not its median: one wild value moves a mean. Take the middle value of the sorted row.":
        "중앙값이 아니라 행 평균의 점수입니다. 튀는 값이 하나만 있어도 평균은 달라집니다. 정렬한 행의 가운데 값을 "
        "쓰세요.",
    "These are the scores of the upper middle value: torch.median takes the lower one for an even count, index (n - 1) // 2 of the sorted row.":
        "가운데 두 값 중 큰 쪽의 점수입니다. 개수가 짝수이면 torch.median은 작은 쪽, 즉 정렬한 행에서 인덱스가 (n - "
        "1) // 2인 값을 씁니다.",
    "onnxruntime's scores differ from PyTorch's at batch {batch}: compare your rewrite or translation with model(x) in PyTorch first.":
        "배치 크기 {batch}에서 onnxruntime의 점수가 PyTorch와 다릅니다. 고쳐 쓴 모델이나 변환 함수를 먼저 PyTorch의 model(x)와 비교해 보세요.",
    "The file uses opset {opset}: convert it with onnx.version_converter.convert_version(model, {target}).":
        "파일의 opset이 {opset}입니다. onnx.version_converter.convert_version(model, {target})(으)로 변환하세요.",
    "The file's IR version is {ir}: the runtime reads IR {target} at most. The converter changes the opset only; set model.ir_version = {target} yourself.":
        "파일의 IR 버전이 {ir}입니다. 이 런타임은 IR {target}까지만 읽습니다. 버전 변환기는 opset만 바꾸므로 model.ir_version = {target}을(를) 직접 설정하세요.",
    "{problem} (Editing opset_import by hand leaves the original opset's nodes behind: convert; and remove attributes the older operator does not have.)":
        "{problem} (opset_import를 손으로 고치면 원래 opset의 노드가 그대로 남습니다. 버전 변환기(onnx.version_converter)로 변환하고, "
        "이전 버전 연산자에 없는 속성은 지우세요.)",
    "The converted file computes something else than Standardize at batch {batch}: convert the float32 file from section 7.":
        "배치 크기 {batch}에서 변환한 파일의 계산 결과가 Standardize와 다릅니다. 7절의 float32 파일을 변환하세요.",
    # doctor: the pre-flight check's rows and verdict
    "{install_all} (or pip install '{name}>={needed}')": "{install_all} (또는 pip install '{name}>={needed}')",
    "not installed (used in notebook {notebooks})": "설치되지 않음 (노트북 {notebooks}에서 사용)",
    "not installed": "설치되지 않음",
    "{version} (course needs >= {needed})": "{version} (강의에는 {needed} 이상이 필요)",
    "{version} installed, but importing it fails: {error}": "{version}이(가) 설치되어 있지만 임포트에 실패합니다: {error}",
    "pip install --force-reinstall '{name}>={needed}'; if the error names another package, reinstall that one too.":
        "pip install --force-reinstall '{name}>={needed}'로 다시 설치하세요. 오류에 다른 패키지 이름이 나오면 "
        "그 패키지도 다시 설치하세요.",
    "unknown (could not read it)": "알 수 없음 (읽지 못함)",
    "The course needs at least {gb:.0f} GB.": "강의를 실습하려면 메모리가 최소 {gb:.0f} GB 필요합니다.",
    "Use a machine (or a hub limit) with at least {gb:.0f} GB: a notebook's kernel alone holds about 1 GB.":
        "메모리가 최소 {gb:.0f} GB인 컴퓨터(또는 허브 한도)를 쓰세요. 노트북 커널 하나만으로도 약 1 GB를 씁니다.",
    "Close other programs, and shut down each notebook's kernel before opening the next.":
        "다른 프로그램을 닫고, 다음 노트북을 열기 전에 앞 노트북의 커널을 종료하세요.",
    "Free at least {gb:.0f} GB for the files the notebooks write.":
        "노트북이 만드는 파일을 저장하도록 디스크를 최소 {gb:.0f} GB 비워 두세요.",
    "{free:.1f} GB (the install needs about {full:g} GB)": "{free:.1f} GB (설치에 약 {full:g} GB 필요)",
    "{free:.1f} GB: enough for the CPU-only install, not the CUDA one":
        "{free:.1f} GB: CPU 전용 설치에는 충분하지만 CUDA 설치에는 부족",
    "Install the CPU-only PyTorch first, as docs/SETUP.md shows.":
        "docs/SETUP.md에 나온 대로 CPU 전용 PyTorch를 먼저 설치하세요.",
    "Free {full:g} GB for the install with PyTorch's CUDA build, or {cpu_only:g} GB with the CPU-only build "
    "(docs/SETUP.md).":
        "PyTorch의 CUDA 빌드로 설치하려면 {full:g} GB, CPU 전용 빌드로 설치하려면 {cpu_only:g} GB를 "
        "비워 두세요(docs/SETUP.md).",
    "This is not the course's .venv: run .venv/bin/python -m helpers.doctor "
    "(Windows: .venv\\Scripts\\python -m helpers.doctor).":
        "강의용 .venv가 아닙니다. .venv/bin/python -m helpers.doctor로 실행하세요(Windows: .venv\\Scripts\\python -m "
        "helpers.doctor).",
    "onnxruntime {cpu} and onnxruntime-gpu {gpu} both installed": "onnxruntime {cpu}와(과) onnxruntime-gpu {gpu}이(가) 함께 설치됨",
    "pip uninstall -y onnxruntime onnxruntime-gpu, then install only one of them.":
        "pip uninstall -y onnxruntime onnxruntime-gpu로 둘 다 지운 뒤 하나만 설치하세요.",
    "none installed": "설치된 것 없음",
    "one build installed": "빌드 하나만 설치됨",
    "not checked: torch or onnxruntime does not import": "확인하지 않음: torch나 onnxruntime을 임포트할 수 없음",
    "{gpu}; onnxruntime has no CUDA provider": "{gpu} (onnxruntime에 CUDA 실행 공급자 없음)",
    "For onnxruntime on the GPU, replace onnxruntime with onnxruntime-gpu.":
        "onnxruntime을 GPU에서 쓰려면 onnxruntime 대신 onnxruntime-gpu를 설치하세요.",
    "none: GPU cells will be skipped": "없음: GPU 셀은 건너뜁니다",
    "The current folder no longer exists: cd to the course folder (or your home) and run the doctor again.":
        "현재 폴더가 없어졌습니다. 강의 폴더(또는 홈 폴더)로 cd한 뒤 doctor를 다시 실행하세요.",
    "The check needs {names} from the cells above, and it is None: run the notebook from the top, then this cell "
    "again.":
        "확인하려면 위쪽 셀에서 만든 {names}이(가) 필요한데 None입니다. 노트북을 처음부터 실행한 뒤 이 셀을 다시 "
        "실행하세요.",
    "That is an ONNX file: this exercise wants the PyTorch weights, saved with torch.save(model.state_dict(), path).":
        "ONNX 파일입니다. 이 연습 문제에는 torch.save(model.state_dict(), path)로 저장한 PyTorch 가중치가 "
        "필요합니다.",
    "Your times are around {median:.1f}: that looks like milliseconds. Answer in seconds, as time.perf_counter() "
    "differences are.":
        "측정값이 {median:.1f} 정도라 밀리초 단위로 보입니다. time.perf_counter() 두 값의 차이는 이미 초 단위이니, "
        "단위를 바꾸지 말고 그대로 제출하세요.",
    "This file's input is {signature}, not PairSum's rows (batch, features): export dynamic.PairSum().":
        "이 파일의 입력은 {signature}(으)로, PairSum이 받는 행 (batch, features)가 아닙니다. dynamic.PairSum()을 내보내세요.",
    "The batch is fixed to {batch} in this file: declare dynamic_shapes=({{0: 2 * Dim('half')}},) so every even "
    "batch is allowed.":
        "이 파일은 배치 크기가 {batch}(으)로 고정되어 있습니다. 모든 짝수 배치를 받도록 dynamic_shapes=({{0: 2 * "
        "Dim('half')}},)로 선언하세요.",
    " threads": " 스레드",
    "This exercise needs onnxruntime-extensions, which is not installed (it has no wheel for Python {python} yet): "
    "do it on Python 3.13 or on Colab.": "이 연습 문제에는 onnxruntime-extensions가 필요한데 설치되어 있지 않습니다(아직 Python "
                                        "{python}용 휠이 없습니다). Python 3.13이나 Colab에서 풀어 보세요.",
    "The check's {name} must be {kind}, not a {type_name}: pass the notebook's own {name}, as the cell above was "
    "written.": "확인 함수의 {name}에는 {kind}를 넘겨야 하는데 들어온 것은 {type_name}입니다. 위 셀에 적힌 대로 노트북의 "
                "{name}을(를) 넘기세요.",
    "Some times are NaN or infinite: store the difference of two time.perf_counter() readings for each call.":
        "NaN이나 무한대인 시간이 있습니다. 호출마다 time.perf_counter()를 두 번 읽어 그 차이를 저장하세요.",
    "Some times are zero or negative: subtract the start from the end (t1 - t0), reading the clock before and "
    "after each call.": "0이나 음수인 시간이 있습니다. 호출 전후로 시각을 읽어 끝에서 시작을 빼세요(t1 - t0).",
    "device.run was never called on this device: the times must come from calls of device.run(...) on it (was "
    "the cell that makes the device run again after your timing?).":
        "이 장치에서 device.run이 한 번도 호출되지 않았습니다. 시간은 이 장치에서 device.run(...)을 호출해 잰 것이어야 합니다"
        "(시간을 잰 뒤에 장치를 만드는 셀을 다시 실행하지 않았나요?).",
    "a PyTorch file (torch.save)": "PyTorch 파일(torch.save)",
    "not an ONNX model, or a truncated one": "ONNX 모델이 아니거나 잘린 파일",
    "{name} is {kind}: answer with the .onnx file your export wrote (export it again if it was cut short).":
        "{name}은(는) {kind}입니다. 직접 내보낸 .onnx 파일을 답으로 제출하세요(파일이 잘렸다면 다시 내보내세요).",
    "{folder} is read-only: set COURSE_ARTIFACTS to a folder you can write to.":
        "{folder}은(는) 읽기 전용입니다. COURSE_ARTIFACTS를 쓰기 권한이 있는 폴더로 설정하세요.",
    "PyTorch and onnxruntime publish no wheels for it yet.": "PyTorch와 onnxruntime이 아직 이 버전용 휠을 내놓지 않았습니다.",
    "The course's packages need a newer Python.": "강의에서 쓰는 패키지를 설치하려면 더 최신 버전의 Python이 필요합니다.",
    "{why} Install Python {lowest} to {newest} (3.13 is the safest choice), or use Colab or the workshop hub.":
        "{why} Python {lowest}~{newest}을(를) 설치하거나(3.13이 가장 무난합니다) Colab이나 워크숍 허브를 쓰세요.",
    "PyTorch and onnxruntime ship wheels for macOS 14 or newer only: update macOS, or use Colab or the workshop hub.":
        "PyTorch와 onnxruntime은 macOS 14 이상용 휠만 배포합니다. macOS를 업데이트하거나 Colab이나 워크숍 허브를 쓰세요.",
    "PyTorch publishes no wheels for Windows on ARM: use Colab or the workshop hub.":
        "PyTorch는 ARM용 Windows 휠을 배포하지 않습니다. Colab이나 워크숍 허브를 쓰세요.",
    "It has no wheel for Python {python} yet: notebook {notebooks} skips the cells that need it. For those, use "
    "Python 3.13 or Colab.": "아직 Python {python}용 휠이 없습니다. 노트북 {notebooks}은(는) 이 패키지가 필요한 셀을 건너뜁니다. "
                             "그 셀까지 실행하려면 Python 3.13이나 Colab을 쓰세요.",
    "{failed} blocking problem(s): fix them before the workshop.": "강의 진행을 막는 문제가 {failed}개 있습니다. 워크숍 전에 해결하세요.",
    "Ready for the course.": "강의를 시작할 준비가 되었습니다.",
}
