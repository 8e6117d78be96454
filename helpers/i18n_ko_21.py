"""The Korean catalog, continued: messages of the exercise checks added around the twenty-first careless-use pass
(``helpers.i18n`` merges it with ``i18n_ko``, ``i18n_ko_10`` and ``i18n_ko_16``)."""

from __future__ import annotations

__all__ = ["KOREAN_21"]

KOREAN_21: dict[str, str] = {
    # what passes 18 and 20 named weak, fixed before pass 21
    "onnx.checker rejects {name} at opset {opset}: {error}. torch.onnx.export builds the graph at opset 18 and "
    "converts it down when asked for less, and its warning says that conversion may not succeed: here it left a node "
    "the older opset does not know. Export without opset_version (or with 18 or newer).":
        "onnx.checker가 opset {opset}의 {name}을(를) 거부합니다: {error}. torch.onnx.export는 그래프를 opset 18로 만든 뒤 더 "
        "낮은 버전을 요청받으면 변환하는데, 그 경고가 말하듯 변환이 실패할 수 있습니다. 여기서는 옛 opset이 모르는 노드가 "
        "남았습니다. opset_version 없이(또는 18 이상으로) 내보내세요.",
    "Your model predicts about the same value for every row (spread {spread:.3f}, the targets' {target_spread:.3f}), "
    "near the targets' mean: that is what training learns when the loss compares predictions shaped (batch, 1) with "
    "targets shaped (batch,), which mse_loss broadcasts to (batch, batch) (its UserWarning: a target size different "
    "to the input size). Keep the targets (batch, 1), as data.y is: no .squeeze() or .view(-1).":
        "모델이 모든 행에 거의 같은 값을 예측합니다(퍼짐 {spread:.3f}, 정답의 퍼짐 {target_spread:.3f}). 정답의 평균 "
        "근처입니다. 손실이 (batch, 1) 모양의 예측과 (batch,) 모양의 정답을 비교하면 학습은 이렇게 됩니다. mse_loss가 둘을 "
        "(batch, batch)로 브로드캐스트하기 때문입니다(UserWarning: target size가 input size와 다름). 정답을 data.y처럼 "
        "(batch, 1)로 두세요. .squeeze()나 .view(-1)을 쓰지 마세요.",
    "These {count} times cannot come from the device given to the check: it ran {launched} call(s) and was busy "
    "{busy_ms:.0f} ms in all, your times add up to {total_ms:.0f} ms. Pass the device you timed (one made again since "
    "is a new device), and time its calls in your own loop.":
        "이 {count}개의 시간은 확인 함수에 넘긴 장치에서 나올 수 없습니다. 그 장치는 {launched}번 호출되었고 모두 "
        "{busy_ms:.0f} ms 동안 일했는데, 시간의 합은 {total_ms:.0f} ms입니다. 측정한 바로 그 장치를 넘기고(그 뒤 다시 만든 "
        "장치는 새 장치입니다), 직접 만든 반복문에서 그 호출을 측정하세요.",
    "None of your int8 file's weights matches {name}'s (dequantized, they are another model's): quantize fp32_path, "
    "the file of the CNN trained above (a CNN trained or made again has other weights).":
        "int8 파일의 가중치 중 {name}의 가중치와 일치하는 것이 없습니다(역양자화해 보면 다른 모델의 가중치입니다). 위에서 "
        "학습한 CNN의 파일인 fp32_path를 양자화하세요(다시 학습하거나 다시 만든 CNN은 가중치가 다릅니다).",
    "Your op declares limit as {kind}, so limit=0.5 cannot be passed to it: annotate it limit: float.":
        "연산자가 limit을 {kind}(으)로 선언해서 limit=0.5를 넘길 수 없습니다. limit: float으로 표기하세요.",
    "The check was given a {type_name} as the model: pass the notebook's model, the ScaledSwishNet the custom-domain "
    "file was exported from (model).":
        "확인 함수가 모델로 {type_name}을(를) 받았습니다. 사용자 정의 도메인 파일을 내보낸 노트북의 모델, ScaledSwishNet"
        "(model)을 넘기세요.",
    "Your endpoint picks the same class as {name} for the 5 images, but its logits differ by up to "
    "{difference:.3f}: the server and the check run two different files (the int8 file on one side?). Give the check "
    "the file your endpoint's session runs.":
        "엔드포인트가 이미지 5장에 대해 {name}과(와) 같은 클래스를 고르지만 로짓이 최대 {difference:.3f}만큼 다릅니다. "
        "서버와 확인 함수가 서로 다른 파일을 실행합니다(한쪽이 int8 파일인가요?). 엔드포인트의 세션이 실행하는 파일을 확인 "
        "함수에 넘기세요.",
    # pass 21
    "Your file stores {stored} weights, and the model given to the check has {count}: export the model the exercise "
    "names, and give that same model to the check.":
        "파일에는 가중치가 {stored}개 있고, 확인 함수에 넘긴 모델은 {count}개입니다. 연습 문제가 말하는 모델을 내보내고, 바로 그 "
        "모델을 확인 함수에 넘기세요.",
    "That is mlp_path, the MLP's own export: save your copy to mlp_hidden_path and answer with that (if you saved "
    "over mlp_path, run the cell that exports it again to restore it).":
        "그것은 mlp_path, 곧 MLP를 내보낸 원래 파일입니다. 복사본은 mlp_hidden_path에 저장하고 그 경로로 답하세요(mlp_path에 "
        "덮어 저장했다면 그 파일을 내보내는 셀을 다시 실행해 되돌리세요).",
    "The new output comes before the prediction ({names}): append it (graph.output.append), so that output 0 stays "
    "the prediction that every caller reads first.":
        "새 출력이 prediction보다 앞에 있습니다({names}). graph.output.append로 뒤에 추가해서, 호출하는 쪽이 모두 먼저 읽는 "
        "0번 출력이 계속 prediction이 되게 하세요.",
    "That is the fp32 file itself ({name}), unchanged: answer with the path you gave optimized_model_filepath, where "
    "onnxruntime saved the optimised graph.":
        "그것은 바뀌지 않은 fp32 파일 자체({name})입니다. optimized_model_filepath에 준 경로, 곧 onnxruntime이 최적화된 "
        "그래프를 저장한 경로로 답하세요.",
    "Your file's batch is the plain dimension {name}, so the file does not show that the batch must be even: declare "
    "dynamic_shapes=({{0: 2 * Dim('half')}},). (torch.onnx.export does not refuse a plain dimension here: it applies "
    "torch.export's suggested fix, or infers the sizes, without a word.)":
        "파일의 배치가 그냥 차원 {name}이라서, 배치가 짝수여야 한다는 것이 파일에 드러나지 않습니다. "
        "dynamic_shapes=({{0: 2 * Dim('half')}},)로 선언하세요. (torch.onnx.export는 여기서 그냥 차원을 거부하지 않습니다. "
        "torch.export가 제안한 수정을 적용하거나 크기를 추론하고, 아무 말도 하지 않습니다.)",
    "The model given to the check computes other logits than cache_path, the file section 3 exported from the trained "
    "model: was the model's cell run again after training (new random weights)? Run the training cell again, then "
    "export and check.":
        "확인 함수에 넘긴 모델의 로짓이 3절에서 학습한 모델로 내보낸 파일 cache_path의 로짓과 다릅니다. 학습한 뒤에 모델 셀을 "
        "다시 실행했나요(새 무작위 가중치)? 학습 셀을 다시 실행한 다음 내보내고 확인하세요.",
    "This file is quantized (MatMulNBits): its logits differ from the model's by design. Answer with the float32 "
    "export of your wrapper.":
        "이 파일은 양자화되어 있습니다(MatMulNBits). 그래서 로짓이 원래 모델과 다릅니다. 감싼 모듈을 float32로 내보낸 파일로 "
        "답하세요.",
    "The first output is shaped like a cache tensor (4 dimensions) and the last is not: return the logits first, then "
    "each layer's present key and value.":
        "첫 번째 출력이 캐시 텐서 모양(4차원)이고 마지막 출력은 아닙니다. 로짓을 먼저, 그다음에 각 층의 present 키와 값을 "
        "반환하세요.",
    "The model given to the check computes other logits than cache_path, the file section 3 exported from the trained "
    "model: was the model's cell run again after training (new random weights)? Run the training cell again, then "
    "check.":
        "확인 함수에 넘긴 모델의 로짓이 3절에서 학습한 모델로 내보낸 파일 cache_path의 로짓과 다릅니다. 학습한 뒤에 모델 셀을 "
        "다시 실행했나요(새 무작위 가중치)? 학습 셀을 다시 실행한 다음 확인하세요.",
    "Your function ran the session {runs} time(s) for {steps} new tokens: each new token needs one run (the first "
    "reads the prompts, each later one the token before): loop max_new_tokens times, and generate with the session, "
    "not the PyTorch model.":
        "함수가 새 토큰 {steps}개를 만들며 세션을 {runs}번 실행했습니다. 새 토큰마다 실행이 한 번 필요합니다(첫 실행은 "
        "프롬프트를, 그 뒤 실행은 바로 앞 토큰을 읽습니다). max_new_tokens번 반복하고, PyTorch 모델이 아니라 세션으로 "
        "생성하세요.",
    "The past {name} has a batch of {rows}, input_ids {batch}: build the past with one row per prompt, "
    "np.zeros((len(prompts), heads, 0, head_dim)).":
        "past {name}의 배치는 {rows}이고 input_ids의 배치는 {batch}입니다. 프롬프트마다 한 행씩 있는 past를 만드세요: "
        "np.zeros((len(prompts), heads, 0, head_dim)).",
    "The logits differ from the model's last position at batch {batch}, past length {past}, though the model is the "
    "one section 3 exported: return logits[:, -1, :] itself (no mean, no other position).":
        "배치 크기 {batch}, 캐시 길이 {past}에서 로짓이 모델의 마지막 위치 로짓과 다릅니다. 모델은 3절에서 내보낸 바로 그 "
        "모델입니다. logits[:, -1, :]를 그대로 반환하세요(평균도, 다른 위치도 아닙니다).",
    "Your function made one array of the prompts, which have different lengths ({lengths}): it gets a list of prompts, "
    "and must pad them on the left with the pad token to the longest first, marking the padding with 0 in "
    "attention_mask (a function for one prompt, as generate_greedy, is not enough).":
        "함수가 길이가 서로 다른({lengths}) 프롬프트들로 배열 하나를 만들었습니다. 함수는 프롬프트 리스트를 받으므로, 먼저 "
        "가장 긴 길이에 맞춰 왼쪽에 패딩 토큰을 채우고 attention_mask에서 패딩을 0으로 표시해야 합니다(generate_greedy처럼 "
        "프롬프트 하나를 받는 함수로는 부족합니다).",
    "{folder} holds no page: the page loads topk.js from its own folder, site.folder (where webpage.prepare_site wrote "
    "index.html). Save your function as site.folder / 'topk.js'.":
        "{folder}에는 페이지가 없습니다. 페이지는 자기 폴더, 곧 site.folder(webpage.prepare_site가 index.html을 쓴 곳)에서 "
        "topk.js를 불러옵니다. 함수를 site.folder / 'topk.js'로 저장하세요.",
    "POST {url} answered 422 to a valid body {{\"images\": [...]}}: the route exists, but its parameter does not take "
    "that body (FastAPI says: {detail}). Take one pydantic model with an images field, as the exercise's body is.":
        "POST {url}이(가) 올바른 본문 {{\"images\": [...]}}에 422로 답했습니다. 경로는 있지만 매개변수가 그 본문을 받지 "
        "않습니다(FastAPI: {detail}). 연습 문제의 본문처럼 images 필드가 있는 pydantic 모델 하나를 받으세요.",
    "POST {url} answered {status}: the route works, but answers with another status than 200 OK. Leave status_code out "
    "of @app.post.":
        "POST {url}이(가) {status}로 답했습니다. 경로는 작동하지만 200 OK가 아닌 상태로 답합니다. @app.post에서 "
        "status_code를 빼세요.",
    "{call} returned {out}: each index is one too large. Indices count from 0, as the page's class names do: return "
    "[i, p] with map((p, i) => [i, p]), not i + 1.":
        "{call}이(가) {out}을(를) 반환했습니다. 인덱스가 모두 하나씩 큽니다. 인덱스는 페이지의 클래스 이름처럼 0부터 셉니다. "
        "i + 1이 아니라 map((p, i) => [i, p])로 [i, p]를 반환하세요.",
    "The check's arguments look swapped: your int8 file comes first, then the fp32 file (check_static_int8(answer_06_1, "
    "cnn_path, test, ...)).":
        "확인 함수의 인자가 뒤바뀐 것 같습니다. int8 파일을 먼저, 그다음에 fp32 파일을 넘기세요"
        "(check_static_int8(answer_06_1, cnn_path, test, ...)).",
    "Your file applies the output layer to every position and slices afterwards, so it still computes all the "
    "logits: pass logits_to_keep=1 to the model, which projects the last position only (the Slice then sits before "
    "the last MatMul).":
        "파일이 출력층을 모든 위치에 적용한 뒤에 잘라 내므로 여전히 로짓을 전부 계산합니다. 모델에 logits_to_keep=1을 넘겨 "
        "마지막 위치만 투영하게 하세요(그러면 Slice가 마지막 MatMul 앞에 놓입니다).",
    "The Gemm's second input (B) is {name}, shaped {shape}: B is the weight, 2-D (out, in), and the third (C) "
    "the bias: make_node('Gemm', ['features', 'weight', 'bias'], ...).":
        "Gemm의 두 번째 입력(B)이 {shape} 모양의 {name}입니다. B는 2차원 (out, in)인 weight이고, 세 번째(C)가 bias입니다. "
        "make_node('Gemm', ['features', 'weight', 'bias'], ...)처럼 쓰세요.",
    "This file holds the same quantized weights and scales as the file section 3 wrote: a copy. "
    "Write your own CalibrationDataReader (one image per get_next) and quantize to a new file.":
        "이 파일은 3절에서 쓴 파일과 양자화된 가중치와 스케일이 같습니다. 즉 복사본입니다. "
        "직접 CalibrationDataReader(get_next 한 번에 이미지 한 장)를 작성하고 새 파일로 양자화하세요.",
    "cnn_path itself now holds an int8 model: quantize_static wrote over the fp32 file. Delete it and run "
    "section 3's export cell again to restore it, then quantize to a new file (such as my_int8.onnx) and answer with that.":
        "cnn_path 자체에 이제 int8 모델이 들어 있습니다. quantize_static이 fp32 파일을 덮어썼습니다. 그 파일을 지우고 3절의 내보내기 셀을 "
        "다시 실행해 복구한 뒤, 새 파일(예: my_int8.onnx)로 양자화하고 그 파일로 답하세요.",
    "{name} no longer holds the received file: a torch.onnx.export wrote over it (helpers.export_model wrote "
    "the received file without the exporter's stack traces). Delete it (received_path.unlink()), run the cell "
    "that exports `pretrained` to it again, then export your fine-tuned module to a new file, such as "
    "my_fine_tuned.onnx.":
        "{name}에는 더 이상 받은 파일이 없습니다. torch.onnx.export가 그 위에 덮어썼습니다(받은 파일은 helpers.export_model이 "
        "내보내기 도구의 스택 트레이스 없이 쓴 것입니다). 파일을 지우고(received_path.unlink()) `pretrained`를 그 경로로 "
        "내보내는 셀을 다시 실행한 뒤, 미세 조정한 모듈은 my_fine_tuned.onnx 같은 새 파일로 내보내세요.",
    "Your file was exported from a {top}, not from the module onnx2pytorch converted from the received file: "
    "the exercise fine-tunes what came back from ONNX. Fine-tune answer_04_1 (04.1's ConvertModel) and "
    "export that.":
        "파일이 받은 파일을 onnx2pytorch로 변환한 모듈이 아니라 {top}에서 내보낸 것입니다. 이 연습은 ONNX에서 되돌아온 "
        "모듈을 미세 조정합니다. answer_04_1(04.1의 ConvertModel)을 미세 조정해 그것을 내보내세요.",
    "Every layer of your file differs from the received file's: your module was not converted from "
    "received_path, or all of its layers trained. Convert received_path (04.1), keep only its first layer "
    "trainable, then fine-tune it.":
        "파일의 모든 층이 받은 파일의 층과 다릅니다. 모듈을 received_path에서 변환하지 않았거나 모든 층이 학습되었습니다. "
        "received_path를 변환하고(04.1) 첫 번째 층만 학습 가능하게 둔 뒤 미세 조정하세요.",
    "Answer with three items: (your custom op, the custom_translation_table you exported with, the path of "
    "the exported file). The check runs your translation with another limit too.":
        "세 가지로 답하세요: (직접 만든 연산자, 내보낼 때 쓴 custom_translation_table, 내보낸 파일의 경로). 확인 함수는 "
        "다른 limit 값으로도 변환 함수를 실행해 봅니다.",
    "The second item must be the custom_translation_table you exported with, a dict whose key is your op's "
    "overload ({name}) and whose value is its translation.":
        "두 번째 항목은 내보낼 때 쓴 custom_translation_table이어야 합니다. 키가 연산자의 오버로드({name})이고 값이 그 "
        "변환 함수인 dict입니다.",
    "Your translation does not use its limit argument: a module that calls your op with limit=1.0, exported "
    "with your table, clips to ±{seen:.2g}. Build the bounds from limit: op.Constant(value_float=limit).":
        "변환 함수가 limit 인자를 쓰지 않습니다. 연산자를 limit=1.0으로 호출하는 모듈을 여러분의 테이블로 내보내면 "
        "±{seen:.2g}로 자릅니다. 경계값을 limit으로 만드세요: op.Constant(value_float=limit).",
    "Exporting a module that calls your op with limit=1.0 through your table failed: {error}":
        "연산자를 limit=1.0으로 호출하는 모듈을 여러분의 테이블로 내보내지 못했습니다: {error}",
    "Neither the logits nor the present keys and values match the model given to the check (batch "
    "{batch}, past length {past}): your file was exported from another model, say one made again from its "
    "config (new random weights). Wrap the trained model, export that, and check again.":
        "로짓도, present 키와 값도 확인 함수에 준 모델과 맞지 않습니다(배치 {batch}, 과거 길이 {past}). 파일을 다른 모델, 예를 들어 "
        "설정으로 다시 만든 모델(새 무작위 가중치)에서 내보냈습니다. 학습한 모델을 감싸서 내보낸 뒤 다시 확인하세요.",
    "Your endpoint called run {count} times for one request of 5 images: stack the images into one (n, 1, "
    "16, 16) array and run the session once for the whole batch. (Ran the endpoint's cell again after a "
    "fix? The first route still answers: run section 5's cell to restart the server, then your cell once, "
    "or remove the old route first as the exercise shows.)":
        "엔드포인트가 이미지 5장짜리 요청 하나에 run을 {count}번 호출했습니다. 이미지를 (n, 1, 16, 16) 배열 하나로 쌓아 "
        "배치 전체에 세션을 한 번만 실행하세요. (고친 뒤 엔드포인트 셀을 다시 실행했나요? 처음 추가한 라우트가 계속 "
        "응답합니다. 5절의 셀을 실행해 서버를 다시 띄운 뒤 엔드포인트 셀을 한 번만 실행하거나, 연습 문제에 나온 대로 "
        "예전 라우트를 먼저 지우세요.)",
    "Your file's input range ({found_lo:.3f} to {found_hi:.3f}) is not that of the 100 training images the "
    "exercise picks ({lo:.3f} to {hi:.3f}): calibrate on train.images[np.random.default_rng(0).choice("
    "len(train), 100, replace=False)] with the default MinMax method; not on the test set, which the check "
    "scores, nor on fewer images.":
        "파일의 입력 범위({found_lo:.3f} ~ {found_hi:.3f})가 연습 문제가 고르는 학습 이미지 100장의 범위({lo:.3f} ~ {hi:.3f})와 "
        "다릅니다. train.images[np.random.default_rng(0).choice(len(train), 100, replace=False)]로 기본 MinMax 방법을 써서 "
        "보정하세요. 확인 함수가 점수를 매기는 테스트 세트나 더 적은 이미지로 보정하면 안 됩니다.",
    "This file computes neither branch of the rule (x, or x divided by its largest |value|) on any input: "
    "it is another model's file. Export your ScaleDown and answer with that file.":
        "이 파일은 어떤 입력에서도 규칙의 두 분기(x, 또는 x를 가장 큰 |값|으로 나눈 것) 중 어느 것도 계산하지 않습니다. 다른 "
        "모델의 파일입니다. 여러분의 ScaleDown을 내보내고 그 파일로 답하세요.",
    "Notebook 11 skips its web page without it, and exercise 11.1 cannot be checked: install Node.js 18 or "
    "newer, then run make setup (npm ci in helpers/web).":
        "없으면 노트북 11은 웹 페이지를 건너뛰고 연습 문제 11.1을 확인할 수 없습니다. Node.js 18 이상을 설치한 뒤 make setup"
        "(helpers/web에서 npm ci)을 실행하세요.",
    "{version}; onnxruntime-web not installed": "{version}, onnxruntime-web 설치 안 됨",
    "Notebook 11's page needs it: run make setup, or npm ci in helpers/web.":
        "노트북 11의 페이지에 필요합니다. make setup을 실행하거나 helpers/web에서 npm ci를 실행하세요.",
    "{version}, with onnxruntime-web": "{version}, onnxruntime-web 포함",
    "not found": "찾을 수 없음",
}
