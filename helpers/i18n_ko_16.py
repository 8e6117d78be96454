"""The Korean catalog, continued: messages of the exercise checks and the doctor added after the sixteenth careless-use
pass (``helpers.i18n`` merges it with ``i18n_ko`` and ``i18n_ko_10``)."""

from __future__ import annotations

__all__ = ["KOREAN_16"]

KOREAN_16: dict[str, str] = {
    "{call} threw {error}: topK must answer any k (every pair when k is larger than the list, none for "
    "0).":
        "{call}에서 {error} 오류가 났습니다. topK는 어떤 k를 받아도 결과를 반환해야 합니다(k가 배열 길이보다 크면 쌍을 모두, 0이면 빈 배열).",
    "Only the first layer's bias changed: make its weight trainable too (requires_grad_(True) on the "
    "whole layer).":
        "첫 번째 층의 편향만 바뀌었습니다. 가중치도 학습되게 하세요(층 전체에 requires_grad_(True)).",
    "{call} returned a Promise: topK must not be async (the page uses its answer at once).":
        "{call}의 반환값이 Promise입니다. 페이지가 결과를 바로 쓰므로 topK는 async 함수이면 안 됩니다.",
    "Your model has {count} parameters: the exercise asks for a new Linear({features}, 1), {expected} "
    "parameters ({features} weights and a bias).":
        "모델의 파라미터가 {count}개입니다. 새 Linear({features}, 1), 즉 파라미터 {expected}개(가중치 {features}개와 편향 하나)짜리 모델을 만들어야 합니다.",
    "Cannot read {path}: {error}.":
        "{path}을(를) 읽을 수 없습니다: {error}.",
    "Each time is about one call longer than the one before: the clock was read once, before the loop. "
    "Read it again before each call (t0 = time.perf_counter() inside the loop).":
        "측정값이 바로 앞의 값보다 매번 호출 한 번만큼씩 깁니다. 시작 시각을 반복문 앞에서 한 번만 읽었기 때문입니다. 호출할 때마다 다시 읽으세요(반복문 안에서 t0 = "
        "time.perf_counter()).",
    "The file holds {dtypes} tensors, the model float32 ones: save model.state_dict() as it is (no "
    ".half() or .double() before saving).":
        "파일에는 {dtypes} 텐서가 들어 있는데, 모델의 텐서는 float32입니다. model.state_dict()를 그대로 저장하세요(저장 전에 .half()나 "
        ".double()을 하지 마세요).",
    "Your function is called as {name}(session, prompts, max_new_tokens), and it used the session as "
    "something else ({error}): put the parameters in that order.":
        "함수는 {name}(session, prompts, max_new_tokens) 순서로 호출되는데, 첫 번째 인자인 세션을 다른 값처럼 썼습니다({error}). 인자를 이 순서대로 받도록 함수를 정의하세요.",
    "The logits differ from the model's for the same 5 images: run the whole batch, shaped (n, 1, 16, "
    "16), through the session and return its output (logits, not probabilities), row for row. (Ran the "
    "endpoint's cell again after a fix? The first route still answers: run section 5's cell to restart "
    "the server, then your cell once.)":
        "같은 이미지 5장에서 로짓이 모델과 다릅니다. 배치 전체를 (n, 1, 16, 16) 모양으로 세션에 넣고, 그 출력(확률이 아니라 로짓)을 행 순서 그대로 반환하세요. (고친 뒤"
        " 엔드포인트 셀을 다시 실행했나요? 처음 추가한 라우트가 계속 응답합니다. 5절의 셀을 실행해 서버를 다시 띄운 뒤, 엔드포인트를 추가하는 셀을 한 번만 실행하세요.)",
    "That is the session the notebook made above (contrib_session): make your own, with SessionOptions "
    "and register_custom_ops_library.":
        "위에서 노트북이 만든 세션(contrib_session)을 그대로 넘겼습니다. SessionOptions와 register_custom_ops_library로 직접 세션을 "
        "만드세요.",
    "The median is {median_ms:.1f} ms for one call's {kernel_ms:.0f} ms of work: each time covers more "
    "than one call. Time one device.run() and its synchronize() per measurement.":
        "호출 한 번의 작업은 {kernel_ms:.0f} ms인데 중앙값이 {median_ms:.1f} ms입니다. 측정값 하나에 호출이 둘 이상 들어갔습니다. 측정 한 번에 "
        "device.run() 하나와 그 synchronize()만 재세요.",
    "The Gemm multiplies the features by {name} as stored, {shape}: a Linear layer's weight is (out, in),"
    " so pass transB=1 to make_node.":
        "Gemm이 특성에 {name}을(를) 저장된 모양 {shape} 그대로 곱합니다. Linear 층의 가중치는 (out, in) 모양이므로 make_node에 transB=1을 "
        "넘기세요.",
    "Your times are around {median:.0f}: that looks like microseconds. Answer in seconds, as "
    "time.perf_counter() differences are.":
        "측정값이 {median:.0f} 안팎이라 마이크로초 단위로 보입니다. time.perf_counter() 두 값의 차이는 이미 초 단위이니, 단위를 바꾸지 말고 그대로 제출하세요.",
    "{call} returned {out}: the classes are right, the probabilities are not the ones given. Return each "
    "probability unchanged (no rounding, no toFixed).":
        "{call}의 반환값은 {out}입니다. 클래스는 맞지만 확률이 입력받은 값과 다릅니다. 확률은 받은 그대로 반환하세요(반올림이나 toFixed 없이).",
    "The median is {median_ms:.2f} ms for {kernel_ms:.0f} ms of work: the clock stopped before the queued"
    " work finished. Call device.synchronize() before reading it, and read time.perf_counter() "
    "(time.process_time() leaves out the waiting).":
        "{kernel_ms:.0f} ms짜리 작업인데 중앙값이 {median_ms:.2f} ms입니다. 큐에 쌓인 작업이 끝나기 전에 측정을 끝낸 것입니다. 끝 시각을 읽기 전에 "
        "device.synchronize()를 호출하고, 시각은 time.perf_counter()로 읽으세요(time.process_time()은 기다린 시간을 세지 않습니다).",
    "This file computes in float16 ({names}): the customer asked for the float32 Standardize. Convert "
    "standardize_path, the float32 file of section 7.":
        "이 파일은 float16으로 계산합니다({names}). 고객사가 요청한 것은 float32 Standardize입니다. 7절의 float32 파일인 "
        "standardize_path를 변환하세요.",
    "{name} is a node's name, not a value: append that node's output[0] ({output}).":
        "{name}은(는) 값이 아니라 노드의 이름입니다. 그 노드의 output[0]({output})을 추가하세요.",
    "{folder} is read-only, so the notebooks cannot write their files: set COURSE_ARTIFACTS to a folder "
    "you can write to.":
        "{folder}은(는) 읽기 전용이라 노트북이 파일을 저장할 수 없습니다. COURSE_ARTIFACTS를 쓰기 가능한 폴더로 설정하세요.",
    "This file's input is {signature}: the rule takes one input of rows, (batch, features).":
        "이 파일의 입력은 {signature}입니다. 이 규칙은 (batch, features) 모양의 입력 하나를 받습니다.",
    "{name} is declared {dtype}: the model computes in float32, declare it onnx.TensorProto.FLOAT.":
        "{name}은(는) {dtype} 타입으로 선언되어 있습니다. 모델은 float32로 계산하므로 onnx.TensorProto.FLOAT로 선언하세요.",
    "Your first layer changed, but on the task given to the check the loss went from {old_loss:.3f} to "
    "{new_loss:.3f}: train on that task (task_b), for longer or with a larger learning rate.":
        "첫 번째 층은 바뀌었지만, 확인 함수에 넘긴 과제에서 손실이 {old_loss:.3f}에서 {new_loss:.3f}(으)로 바뀌었습니다. 그 과제(task_b)로 더 오래, 또는"
        " 더 큰 학습률로 학습시키세요.",
    "Your file holds the received weights unchanged: train the first layer on the new task before "
    "exporting.":
        "파일에 전달받은 가중치가 그대로 들어 있습니다. 내보내기 전에 첫 번째 층을 새 과제로 학습시키세요.",
    "The output {name} has no shape: declare it, make_tensor_value_info('{name}', onnx.TensorProto.FLOAT,"
    " ['batch', 1]).":
        "출력 {name}에 모양이 없습니다. make_tensor_value_info('{name}', onnx.TensorProto.FLOAT, ['batch', 1])로 선언하세요.",
    "The file's IR version is {ir}, older than opset {opset} allows (IR {needed} goes with it): set "
    "model.ir_version = {needed}.":
        "파일의 IR 버전이 {ir}입니다. opset {opset}에는 IR {needed}이(가) 필요하므로 model.ir_version = {needed}로 설정하세요.",
    "This file takes {mine}, the fp32 file given to the check {theirs}: optimise that file ({name}).":
        "이 파일의 입력은 {mine}인데, 확인 함수에 넘긴 fp32 파일의 입력은 {theirs}입니다. 그 파일({name})을 최적화하세요.",
    "attention_mask has {width} columns, but the past ({past}) and the new tokens ({new}) make {total}: "
    "add a column of 1 to the mask for every new token.":
        "attention_mask의 열은 {width}개인데, 캐시된 토큰({past})과 새 토큰({new})을 합하면 {total}개입니다. 새 토큰마다 마스크에 1로 된 열을 하나씩"
        " 추가하세요.",
    "Each row of \"logits\" must be a list of 4 numbers, one row per image; the first is {row}.":
        "\"logits\"의 각 행은 숫자 4개로 된 배열이어야 하고, 이미지마다 한 행입니다. 첫 행은 {row}입니다.",
    "The first output is shaped (batch, 1, vocab): logits_to_keep=1 keeps the sequence axis. Return "
    "logits[:, -1, :], shaped (batch, vocab).":
        "첫 출력의 모양이 (batch, 1, vocab)입니다. logits_to_keep=1은 시퀀스 축을 남깁니다. (batch, vocab) 모양인 logits[:, -1, :]를 "
        "반환하세요.",
    "No value in the graph is named {name}: append the output[0] of the first Relu node.":
        "그래프에 {name}(이)라는 값이 없습니다. 첫 번째 Relu 노드의 output[0]을 추가하세요.",
    "POST {url} answered {status}: that server does not take POST requests (the page's static file "
    "server?). Answer with server_url, the address of section 5's FastAPI server.":
        "POST {url} 요청에 {status} 응답이 왔습니다. 이 서버는 POST 요청을 받지 않습니다(페이지를 제공하는 정적 파일 서버인가요?). 5절 FastAPI 서버의 주소인"
        " server_url을 답으로 제출하세요.",
    "There is no file at {path}: run the cell that writes it.":
        "{path}에 파일이 없습니다. 파일을 만드는 셀을 실행하세요.",
    "The initializer {name} holds {dtype} values: store float32, "
    "onnx.numpy_helper.from_array(array.astype(np.float32), '{name}').":
        "초기화 텐서 {name}에 {dtype} 값이 들어 있습니다. onnx.numpy_helper.from_array(array.astype(np.float32), "
        "'{name}')처럼 float32 값으로 저장하세요.",
    "Layer(s) {layers} changed (weights or biases): only the first layer may train. Freeze every other "
    "layer whole, requires_grad_(False) on all its parameters.":
        "{layers}번째 층(가중치나 편향)이 바뀌었습니다. 첫 번째 층만 학습되어야 합니다. 다른 층은 모든 파라미터에 requires_grad_(False)를 호출해 통째로 "
        "고정하세요.",
    "The answer is an empty string: set it to the path of the file you saved with torch.save.":
        "답이 빈 문자열입니다. torch.save로 저장한 파일의 경로를 답으로 제출하세요.",
    "The first attention_mask marks {marked} tokens per prompt, and the prompts have {lengths}: mark the "
    "padding with 0 (np.ones_like marks it as text).":
        "첫 attention_mask가 프롬프트마다 토큰 {marked}개를 표시했는데, 프롬프트의 길이는 {lengths}입니다. 패딩은 0으로 표시하세요(np.ones_like를 쓰면"
        " 패딩까지 실제 토큰으로 표시됩니다).",
    "That is the fp32 file itself: answer with the int8 file your quantize_static call wrote.":
        "fp32 원본 파일을 그대로 제출했습니다. quantize_static 호출로 만든 int8 파일을 답으로 제출하세요.",
    "That is the file section 3 wrote: write your own CalibrationDataReader (one image per get_next) and "
    "quantize to a new file.":
        "3절에서 노트북이 만든 파일을 그대로 제출했습니다. CalibrationDataReader를 직접 작성하고(get_next마다 이미지 한 장) 새 파일로 양자화하세요.",
    "This file is in the QOperator format ({ops}): pass quant_format=QuantFormat.QDQ to quantize_static.":
        "이 파일은 QOperator 형식입니다({ops}). quantize_static에 quant_format=QuantFormat.QDQ를 넘기세요.",
    "That is the course's own model file, which notebooks 02 to 05 load (helpers.ensure_trained_linear): "
    "save yours under another name, such as my_linear_weights.pt, and run section 4's cell again to "
    "restore it.":
        "노트북 02~05가 불러오는 강의의 모델 파일(helpers.ensure_trained_linear)에 저장했습니다. 내 모델은 my_linear_weights.pt처럼 다른 "
        "이름으로 저장하고, 4절의 셀을 다시 실행해 원래 파일을 되살리세요.",
    "The model has {count} outputs ({names}): keep the prediction and add one, the first Relu's output.":
        "모델의 출력이 {count}개입니다({names}). 예측 출력은 그대로 두고, 첫 번째 Relu의 출력 하나만 추가하세요.",
    "Your file uses the page's {name} when it loads, which the check (Node.js) does not have: keep "
    "topk.js to the function topK, and leave the page to page.js.":
        "topk.js가 불러와지자마자 페이지의 {name}을(를) 씁니다. 확인 함수를 실행하는 Node.js에는 그런 객체가 없습니다. topk.js에는 topK 함수만 두고, 페이지 조작은 page.js에 맡기세요.",
    # pass 17, weak results
    "Your answer is the text of a model (str(model) or print's output), not a path: save the model with "
    "onnx.save and answer with the path of the .onnx file.":
        "답이 경로가 아니라 모델을 글로 옮긴 것(str(model)이나 print의 출력)입니다. onnx.save로 모델을 저장하고 그 .onnx 파일의 경로를 "
        "답으로 제출하세요.",
    "{name} is empty (0 bytes): the export that wrote it was cut short or failed. Export it again.":
        "{name}이(가) 비어 있습니다(0바이트). 이 파일을 쓰던 내보내기가 중간에 끊겼거나 실패했습니다. 다시 내보내세요.",
    "The file's input {name} takes {dtype}, not float32: export the float32 model (no .half() or .double() "
    "before the export).":
        "파일의 입력 {name}은(는) float32가 아니라 {dtype}을(를) 받습니다. 내보내기 전에 .half()나 .double()을 부르지 말고 float32 "
        "모델을 내보내세요.",
    "Your module has {name}'s layers but other weights. Either your module was trained after it was converted (04.2 "
    "fine-tunes it in place: convert received_path again), or {name} is not the file you converted (pass "
    "received_path, not a fine-tuned export).":
        "모듈의 층은 {name}과(와) 같지만 가중치가 다릅니다. 변환한 뒤에 모듈이 학습되었거나(04.2가 이 모듈을 그 자리에서 미세 "
        "조정합니다: received_path를 다시 변환하세요), {name}이(가) 변환한 파일이 아닙니다(미세 조정해 내보낸 파일이 아니라 "
        "received_path를 넘기세요).",
    "The {op} node reads {missing}, which no input, initializer or earlier node defines (defined: {known}): "
    "check the spelling.":
        "{op} 노드가 {missing}을(를) 읽는데, 그런 이름의 입력·초기화 텐서·앞선 노드 출력이 없습니다(있는 이름: {known}). 철자를 "
        "확인하세요.",
    "This model's input is {dims}, not (batch, {features}): it is not mlp_path's model. Load mlp_path, then "
    "append the first Relu's output.":
        "이 모델의 입력은 (batch, {features})가 아니라 {dims}입니다. mlp_path의 모델이 아닙니다. mlp_path를 불러온 다음 첫 번째 "
        "Relu의 출력을 추가하세요.",
    "Your times are around {median:.0f}: that looks like nanoseconds (time.perf_counter_ns()). Answer in "
    "seconds: divide by 1e9, or use time.perf_counter().":
        "측정한 시간이 {median:.0f} 안팎입니다. 나노초(time.perf_counter_ns())로 보입니다. 1e9로 나누거나 time.perf_counter()를 "
        "써서 초 단위로 답하세요.",
    "This file's input is {inputs}, not (batch, 16): it is not the Standardize model. Convert standardize_path, "
    "the float32 file of section 7.":
        "이 파일의 입력은 (batch, 16)이 아니라 {inputs}입니다. Standardize 모델이 아닙니다. 7절의 float32 파일인 "
        "standardize_path를 변환하세요.",
    "The first output is shaped (batch,): token ids, not logits. Return the logits of the last position, "
    "logits[:, -1, :], shaped (batch, vocab); generation takes the argmax of them itself.":
        "첫 번째 출력의 모양이 (batch,)입니다. 로짓이 아니라 토큰 ID입니다. 마지막 위치의 로짓 logits[:, -1, :]을 (batch, vocab) "
        "모양으로 반환하세요. argmax는 생성하는 쪽에서 직접 구합니다.",
    "The first output's rows are probabilities (each sums to 1): return the logits themselves, "
    "logits[:, -1, :], without softmax.":
        "첫 번째 출력의 각 행이 확률입니다(행마다 합이 1). softmax를 빼고 로짓 logits[:, -1, :]을 그대로 반환하세요.",
    "Run {run} was given an empty past after the first: feed the present keys and values it returned "
    "back as the past inputs (past = dict(zip(past_names, present))).":
        "{run}번째 실행에 빈 past가 들어왔습니다. 첫 실행 뒤에는 세션이 반환한 present 키와 값을 past 입력으로 다시 넣으세요"
        "(past = dict(zip(past_names, present))).",
    "{call} returned {out}: the indices are text (\"1\"), as Object.entries and String(i) give them. "
    "Return numbers: probabilities.map((p, i) => [i, p]).":
        "{call}이(가) {out}을(를) 반환했습니다. 인덱스가 Object.entries나 String(i)가 만드는 문자열(\"1\")입니다. "
        "probabilities.map((p, i) => [i, p])처럼 숫자로 반환하세요.",
    "{call} returned {out}: each pair is [probability, index]. Return [index, probability], such as "
    "[1, 0.6].":
        "{call}이(가) {out}을(를) 반환했습니다. 각 쌍이 [확률, 인덱스] 순서입니다. [1, 0.6]처럼 [인덱스, 확률] 순서로 반환하세요.",
    # pass 18
    "These are the times the notebook measured in section 2 (with_sync): time your own loop on the "
    "exercise's device and answer with its list.":
        "2절에서 노트북이 잰 시간(with_sync)을 그대로 제출했습니다. 연습 문제의 장치에서 직접 반복문으로 시간을 재고 그 리스트를 답으로 제출하세요.",
    "Your shortest time is {fastest_ms:.2f} ms for {kernel_ms:.0f} ms of work: that call's work was not waited "
    "for. In each measurement call device.run() first, then device.synchronize(), then read the clock.":
        "가장 짧은 시간이 {fastest_ms:.2f} ms인데 작업은 {kernel_ms:.0f} ms 걸립니다. 그 호출의 작업이 끝나기를 기다리지 않았습니다. "
        "측정할 때마다 device.run()을 먼저 부르고, 그다음 device.synchronize()를 부른 뒤 시계를 읽으세요.",
    "optimized_model_filepath is the fp32 file itself ({name}): the optimised graph replaced the export. "
    "Delete that file, run the cell that exported it again, then save the optimised graph under a new name.":
        "optimized_model_filepath가 fp32 파일 자체({name})입니다. 최적화된 그래프가 내보낸 파일을 덮어썼습니다. 그 파일을 지우고 "
        "내보내는 셀을 다시 실행한 다음, 최적화된 그래프는 새 이름으로 저장하세요.",
    "The page loads a file named topk.js from its own folder (<script src=\"topk.js\">), not {name}: save "
    "your function as site.folder / 'topk.js'.":
        "페이지는 자기 폴더의 topk.js라는 파일을 불러옵니다(<script src=\"topk.js\">). {name}은(는) 불러오지 않습니다. 함수를 "
        "site.folder / 'topk.js'로 저장하세요.",
    "{call} returned undefined: end topK with return and the pairs (a "
    "missing return?).":
        "{call}이(가) undefined를 반환했습니다. return을 빠뜨리지 않았는지 확인하고, topK 끝에서 쌍들을 반환하세요.",
    "For {batch} rows this file returns {shape}, not PairSum's {expected} (the sums of pairs of rows): "
    "export dynamic.PairSum().":
        "이 파일은 {batch}개 행에 대해 {shape}을(를) 반환합니다. PairSum이라면 {expected}(두 행씩 더한 합)여야 합니다. "
        "dynamic.PairSum()을 내보내세요.",
    "an array of inputs (a NumPy array of examples, as the cell above passes)": "입력 배열(위 셀이 넘기는 것과 같은 예제의 NumPy 배열)",
    "The check's model has {count} Linear layers: pass the notebook's Linear model (model), the one your "
    "graph rebuilds.":
        "확인 함수에 넘긴 모델에는 Linear 층이 {count}개 있습니다. 그래프로 다시 만든 노트북의 Linear 모델(model)을 넘기세요.",
    "{name} is the weights file beside a model: answer with the .onnx file itself ({model}).":
        "{name}은(는) 모델 옆에 있는 가중치 파일입니다. .onnx 파일 자체({model})를 답으로 제출하세요.",
    "{name} keeps its weights in {data}, which is missing: export again with external_data=False (one file).":
        "{name}은(는) 가중치를 {data}에 두는데, 그 파일이 없습니다. external_data=False로 다시 내보내 파일 하나로 만드세요.",
    "Your model's weights are NaN or infinite: the training diverged. Train a new model with a smaller "
    "learning rate.":
        "모델의 가중치가 NaN이거나 무한대입니다. 학습이 발산했습니다. 학습률을 낮춰 새 모델을 학습하세요.",
    "The notebook's model solves this task and your answer does not: are the two models swapped in the call "
    "(check_trained_regressor(your_model, task_b, model)), or did your loop train the notebook's model "
    "instead of yours?":
        "노트북의 모델은 이 과제를 풀지만 답으로 낸 모델은 풀지 못합니다. 호출할 때 두 모델의 순서가 바뀌지 않았나요"
        "(check_trained_regressor(your_model, task_b, model) 순서입니다)? 아니면 반복문이 내 모델 대신 노트북의 모델을 학습하지 않았나요?",
    "The check's model is a state_dict: pass the module itself (answer_01_1), whose weights it compares.":
        "확인 함수에 넘긴 모델이 state_dict입니다. 가중치를 비교할 모듈 자체(answer_01_1)를 넘기세요.",
    "{name}, the file given to the check, has {file_layers} layer(s), your module {module_layers}: pass "
    "received_path, the file you converted.":
        "확인 함수에 넘긴 파일 {name}에는 층이 {file_layers}개, 모듈에는 {module_layers}개 있습니다. 변환한 파일인 "
        "received_path를 넘기세요.",
    "This is a NumPy archive (np.savez), not what torch.save writes: save the weights with "
    "torch.save(model.state_dict(), path).":
        "이 파일은 torch.save가 아니라 NumPy 아카이브(np.savez)입니다. torch.save(model.state_dict(), path)로 가중치를 저장하세요.",
    "The Gemm node reads {inputs}: it takes [features, weight, bias], the weight and bias as initializers.":
        "Gemm 노드가 {inputs}을(를) 읽습니다. Gemm은 [features, weight, bias]를 받고, weight와 bias는 초기화 텐서로 둡니다.",
    "The Gemm reads {first} first: its first input (A) is the features, the second (B) the weight: "
    "make_node('Gemm', ['features', 'weight', 'bias'], ...).":
        "Gemm이 {first}을(를) 첫 입력으로 읽습니다. 첫 입력(A)은 features, 두 번째(B)는 weight입니다. "
        "make_node('Gemm', ['features', 'weight', 'bias'], ...)처럼 쓰세요.",
    "The outputs {names} hold the prediction twice: append the first Relu's output, not the prediction.":
        "출력 {names}에 예측 출력이 두 번 들어 있습니다. 예측 출력이 아니라 첫 번째 Relu의 출력을 추가하세요.",
    "Your times grow steadily from {first:.1f}: they are clock readings, not durations. Store t1 - t0 for "
    "each call.":
        "측정값이 {first:.1f}부터 계속 커집니다. 걸린 시간이 아니라 시계를 읽은 값입니다. 호출마다 t1 - t0을 저장하세요.",
    "Your times are rounded to 0.01 s, coarser than one call: answer with them unrounded.":
        "측정값이 0.01초 단위로 반올림되어 호출 한 번보다 거칩니다. 반올림하지 않은 값을 제출하세요.",
    "This file takes rows of {features} values; the exercise's rows have {expected}: export from an example "
    "with that many columns.":
        "이 파일은 값 {features}개짜리 행을 받는데, 연습 문제의 행에는 값이 {expected}개 있습니다. 그만큼의 열을 가진 예시 입력으로 "
        "내보내세요.",
    "Your file clips to ±{limit}, not ±0.5: the module must call your op with limit=0.5, and the translation must use "
    "its limit argument (op.Constant(value_float=limit)), not a fixed bound.":
        "파일이 ±0.5가 아니라 ±{limit}(으)로 자릅니다. 모듈은 연산자를 limit=0.5로 호출해야 하고, 변환 함수는 고정된 경계가 "
        "아니라 limit 인자를 써야 합니다(op.Constant(value_float=limit)).",
    "The check's cache_path is a quantized file (MatMulNBits): its tokens may differ from PyTorch's. Pass "
    "cache_path, the float32 cache file of section 3.":
        "확인 함수에 넘긴 cache_path가 양자화된 파일(MatMulNBits)입니다. 토큰이 PyTorch와 다를 수 있습니다. 3절의 float32 "
        "캐시 파일인 cache_path를 넘기세요.",
    "The first output's rows are log-probabilities (their exponentials sum to 1): return the logits "
    "themselves, logits[:, -1, :], without log_softmax.":
        "첫 번째 출력의 각 행이 로그 확률입니다(지수를 취하면 합이 1). log_softmax를 빼고 로짓 logits[:, -1, :]을 그대로 반환하세요.",
    "The first output is the logits times {scale:.3f} (a temperature?): return the logits unscaled.":
        "첫 번째 출력이 로짓에 {scale:.3f}을(를) 곱한 값입니다(온도를 적용했나요?). 로짓을 그대로 반환하세요.",
    "{name} is {dtype}, and the file takes {expected}: build it with dtype=np.{numpy_type}.":
        "{name}은(는) {dtype}인데 파일은 {expected}을(를) 받습니다. dtype=np.{numpy_type}(으)로 만드세요.",
    "Your function treated the list of prompts as one prompt ({error}): it is called with a list of prompts, "
    "each a list of token ids, and pads them into one batch.":
        "함수가 프롬프트 리스트를 프롬프트 하나로 다뤘습니다({error}). 이 함수는 토큰 ID 리스트들의 리스트를 받아, 패딩해서 한 배치로 "
        "묶어야 합니다.",
    "POST {url} answered {status}, a redirect: FastAPI redirects when the route is declared with a trailing "
    "slash. Declare it as @app.post(\"{path}\").":
        "POST {url}의 응답이 {status}(리다이렉트)입니다. 라우트를 끝에 슬래시를 붙여 선언하면 FastAPI가 리다이렉트합니다. "
        "@app.post(\"{path}\")로 선언하세요.",
    "POST {url} answered 405: the route exists for other methods only. Declare it with @app.post, not "
    "@app.get.":
        "POST {url}의 응답이 405입니다. 라우트가 다른 메서드로만 선언되어 있습니다. @app.get이 아니라 @app.post로 선언하세요.",
    "POST {url} answered 500: your endpoint raised an error. Read the server's traceback (in its log or the "
    "cell's output), and try your function on test.images[:5] in a cell first.":
        "POST {url}의 응답이 500입니다. 엔드포인트에서 오류가 났습니다. 서버의 트레이스백(로그나 셀 출력)을 읽고, 먼저 셀에서 "
        "test.images[:5]로 함수를 시험해 보세요.",
    # pass 19
    "The file's values are {kinds}, not tensors: save model.state_dict() as it is (no .numpy() or .tolist()).":
        "파일의 값이 텐서가 아니라 {kinds}입니다. model.state_dict()를 그대로 저장하세요(.numpy()나 .tolist() 없이).",
    "Only some of the first layer's parameters train (its weight or its bias is still frozen): call "
    "requires_grad_(True) on the layer itself, which sets both.":
        "첫 번째 층의 파라미터 중 일부만 학습됩니다(가중치나 편향이 아직 고정되어 있습니다). 층 자체에 requires_grad_(True)를 "
        "호출하면 둘 다 설정됩니다.",
    "The check's arguments look swapped: your answer comes first, then received_path "
    "(check_fine_tuned_file(answer_04_2, received_path, task_b)).":
        "확인 함수의 인자 순서가 바뀐 것 같습니다. 답을 먼저, received_path를 그다음에 넘기세요"
        "(check_fine_tuned_file(answer_04_2, received_path, task_b)).",
    "The file holds NumPy arrays, not tensors: save model.state_dict() as it is (no .numpy()).":
        "파일에 텐서가 아니라 NumPy 배열이 들어 있습니다. model.state_dict()를 그대로 저장하세요(.numpy() 없이).",
    "The output {name} is declared {dtype}; the Relu gives float32: declare it onnx.TensorProto.FLOAT.":
        "출력 {name}이(가) {dtype}(으)로 선언되어 있는데 Relu는 float32를 냅니다. onnx.TensorProto.FLOAT로 선언하세요.",
    # pass 20
    "The notebook's median_head now holds {dtypes} weights: a .double() or .half() on it (or on a module that "
    "wraps it) changes it in place. Run its cell again, and convert a copy (copy.deepcopy) if you need one.":
        "노트북의 median_head에 이제 {dtypes} 가중치가 들어 있습니다. median_head나 그것을 감싼 모듈에 .double()이나 .half()를 "
        "부르면 그 자리에서 바뀝니다. 만든 셀을 다시 실행하고, 바꿀 일이 있으면 복사본(copy.deepcopy)을 변환하세요.",
    "{call} returned {out}: null entries, as slots past the end of the list give. Return at most as many "
    "pairs as there are classes (all of them when k is larger).":
        "{call}이(가) {out}을(를) 반환했습니다. 리스트 끝을 넘어선 자리에서 나오는 null 항목이 있습니다. 클래스 수보다 많은 쌍을 "
        "반환하지 말고, k가 더 크면 전부 반환하세요.",
}
