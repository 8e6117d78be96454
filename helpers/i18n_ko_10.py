"""The Korean catalog, continued: notebook 10's and 11's checks and later messages (``helpers.i18n`` merges it with ``i18n_ko``)."""

from __future__ import annotations

__all__ = ["KOREAN_10"]

# English template -> Korean template, placeholders identical (see helpers/i18n_ko.py).
KOREAN_10: dict[str, str] = {
    # 10.1: the cache export with last-position logits
    "This file has {count} inputs: a cache file takes input_ids, attention_mask and a key and a value for each of "
    "the {layers} layers. Export the cache wrapper of section 3, changed.":
        "이 파일의 입력은 {count}개입니다. 캐시 파일은 input_ids, attention_mask, 그리고 {layers}개 층마다 키와 값을 "
        "하나씩 받습니다. 3절의 캐시 래퍼를 고쳐서 내보내세요.",
    "This file has {count} outputs: return the logits, then each layer's present key and value.":
        "이 파일의 출력은 {count}개입니다. 로짓을 먼저, 그다음 층마다 present 키와 값을 반환하세요.",
    "The first output has {rank} dimensions: these are logits for every position. Return only the last "
    "position's, logits[:, -1, :], shaped (batch, vocab).":
        "첫 출력의 차원이 {rank}개입니다. 모든 위치의 로짓이라는 뜻입니다. 마지막 위치의 로짓 logits[:, -1, :]만 "
        "(batch, vocab) 모양으로 반환하세요.",
    "onnxruntime refuses batch {batch}, {length} new tokens after {past} cached ones: keep the dynamic dimensions "
    "of section 3 (batch, sequence, past_sequence, total_sequence).":
        "onnxruntime이 배치 크기 {batch}, 캐시된 토큰 {past}개 뒤의 새 토큰 {length}개인 입력을 거부합니다. 3절의 동적 차원"
        "(batch, sequence, past_sequence, total_sequence)을 그대로 두세요.",
    "The logits differ from those of the model given to the check, at batch {batch}, past length {past}: export the "
    "trained model, and give the check the model the file was exported from (one made again from its config has new "
    "random weights).":
        "배치 크기 {batch}, 캐시 길이 {past}에서 로짓이 확인 함수에 넘긴 모델의 로짓과 다릅니다. 학습한 모델을 내보내고, "
        "파일을 내보낸 바로 그 모델을 확인 함수에 넘기세요(설정에서 다시 만든 모델은 새 무작위 가중치를 가집니다).",
    "The first output is the logits of the first new position: take the last one, logits[:, -1, :].":
        "첫 번째 출력이 새 위치 중 첫 위치의 로짓입니다. 마지막 위치, logits[:, -1, :]를 고르세요.",
    "The present keys and values differ from the model's: return them in the order of the inputs (layer 0 key, "
    "layer 0 value, layer 1 key, ...).":
        "present 키와 값이 모델과 다릅니다. 입력과 같은 순서(0층 키, 0층 값, 1층 키, ...)로 반환하세요.",
    # 10.2: batched generation
    "Answer with your function itself (its name, without parentheses), not a {type_name}.":
        "함수 자체(괄호 없이 이름만)를 답으로 제출하세요. 받은 답은 {type_name} 객체입니다.",
    "Return one list of new token ids per prompt ({count} lists), got {result!r:.80}.":
        "프롬프트마다 새 토큰 ID 리스트를 하나씩({count}개) 반환하세요. 받은 값: {result!r:.80}.",
    "Each prompt's result must be a list of token ids (ints).": "프롬프트마다 결과는 토큰 ID(int)의 리스트여야 합니다.",
    "Your function never ran the session it was given: generate with session.run, not with the PyTorch model or "
    "another session.":
        "함수가 건네받은 세션을 한 번도 실행하지 않았습니다. PyTorch 모델이나 다른 세션이 아니라 session.run으로 "
        "생성하세요.",
    "The first run had a batch of {batch}: put the {count} prompts in one batch (left-padded to the longest), not "
    "one at a time.":
        "첫 실행의 배치 크기가 {batch}입니다. 프롬프트 {count}개를 하나씩이 아니라 한 배치로(가장 긴 것에 맞춰 왼쪽 패딩) "
        "넣으세요.",
    "The first attention_mask has padding after a prompt's tokens: pad on the left, so that every prompt's last "
    "token is in the last column, where the next token is read.":
        "첫 attention_mask에서 패딩이 프롬프트 토큰 뒤에 있습니다. 왼쪽에 패딩해서 모든 프롬프트의 마지막 토큰이 "
        "다음 토큰을 읽는 마지막 열에 오게 하세요.",
    "After the first run, input_ids should hold one new token per prompt: feed the present keys and values back "
    "as the past instead of the whole text.":
        "첫 실행 뒤에는 input_ids에 프롬프트마다 새 토큰 하나만 있어야 합니다. 글 전체 대신 present 키와 값을 "
        "past로 다시 넣으세요.",
    "Prompt {number} got {got} tokens, not {steps}: return only the new tokens, max_new_tokens of them.":
        "프롬프트 {number}의 토큰이 {steps}개가 아니라 {got}개입니다. 새 토큰만 max_new_tokens개 반환하세요.",
    "Prompt {number} (length {length}) differs from PyTorch's generate at new token {index}: pad on the left, "
    "mark padding with 0 in attention_mask, add a 1 for every new token, and take the argmax of the last "
    "position's logits (logits[:, -1]), as greedy generate does.":
        "프롬프트 {number}(길이 {length})이(가) 새 토큰 {index}번에서 PyTorch의 generate와 다릅니다. 왼쪽에 패딩하고, "
        "attention_mask에서 패딩은 0으로 표시하고, 새 토큰마다 1을 덧붙이고, greedy generate처럼 마지막 위치의 로짓"
        "(logits[:, -1])에서 argmax를 고르세요.",
    "Your file's layers have weights of shapes {mine}, the received file's {received}: export the module "
    "converted from the received file (first layer fine-tuned), not another model.":
        "내보낸 파일의 층 가중치 모양은 {mine}, 전달받은 파일의 층 가중치 모양은 {received}입니다. 다른 모델이 아니라, 전달받은 파일에서 "
        "변환한 모듈(첫 층을 미세 조정한 것)을 내보내세요.",
    "The check's cache_path is not section 3's cache file (its outputs have ranks {ranks}; that file's logits are "
    "(batch, new tokens, vocabulary) and it takes the past keys and values): pass cache_path, not another exercise's "
    "file.":
        "확인 함수에 넘긴 cache_path가 3절의 캐시 파일이 아닙니다. 출력의 차원 수가 {ranks}입니다. 캐시 파일이라면 "
        "로짓이 (batch, new tokens, vocabulary) 모양이고, 캐시된 키와 값(past)을 입력으로 받습니다. 다른 연습 문제의 파일이 아니라 "
        "cache_path를 넘기세요.",
    "{name} is in onnxruntime's own .ort format, which only onnxruntime reads: save the optimised graph with "
    "a name ending in .onnx.":
        '{name}은(는) onnxruntime만 읽는 자체 .ort 형식입니다. 최적화한 그래프를 .onnx로 끝나는 이름으로 저장하세요.',
    "Your file takes inputs of shape {mine}, the fp32 file {theirs}: quantize the fp32 file of this notebook,"
    " not another model.":
        "양자화한 파일의 입력 모양은 {mine}, fp32 파일의 입력 모양은 {theirs}입니다. 다른 모델이 아니라 이 노트북의 fp32 "
        "파일을 양자화하세요.",
    "Your op takes ({parameters}): the exercise's op takes (x, limit) and clips to [-limit, limit].":
        "만든 연산자의 인자는 ({parameters})입니다. 이 연습 문제의 연산자는 (x, limit)을 받아 [-limit, limit] "
        "범위로 자릅니다.",
    "Your model's weights are {dtype}: the course's data is float32; build the model with the default dtype "
    "(no .double()).":
        "모델의 가중치가 {dtype}입니다. 강의의 데이터는 float32이므로 기본 데이터 타입(dtype)으로 모델을 "
        "만드세요(.double() 없이).",
    "The received file already solves the check's data (its loss there is {old_loss:.4f}): pass the new "
    "task's data, the one you fine-tuned on, as the cell above was written.":
        "전달받은 파일만으로도 확인 함수에 넘긴 데이터를 이미 잘 맞힙니다(그 데이터에서 손실 {old_loss:.4f}). 위 셀에 "
        "적힌 대로, 미세 조정에 쓴 새 과제의 데이터를 넘기세요.",
    # notebook 11: the page's top-k function (11.1) and a batch endpoint (11.2)
    "Node.js could not run your file: {error}. Fix the JavaScript (a page would stop there too).":
        "Node.js가 파일을 실행하지 못했습니다: {error}. 자바스크립트를 고치세요(페이지도 여기서 멈춥니다).",
    "Node.js is not installed here, so the JavaScript cannot be checked: install Node.js (it brings npm too) and run "
    "this cell again.":
        "여기에는 Node.js가 없어 자바스크립트를 확인할 수 없습니다. Node.js를 설치하고(npm도 함께 설치됩니다) 이 셀을 다시 "
        "실행하세요.",
    "Answer with the path of the .js file your cell wrote (site.folder / 'topk.js'), got {answer!r}.":
        "셀이 저장한 .js 파일의 경로(site.folder / 'topk.js')를 답으로 제출하세요. 받은 답: {answer!r}",
    "Your file does not define a function topK(probabilities, k): the page calls it by that name.":
        "파일에 topK(probabilities, k) 함수가 없습니다. 페이지는 이 이름으로 호출합니다.",
    "Answer with your server's address, such as server_url (http://127.0.0.1:PORT), got {answer!r}.":
        "서버 주소(server_url, http://127.0.0.1:PORT 형태)를 답으로 제출하세요. 받은 답: {answer!r}",
    'POST {path} with 5 images answered {status}: add @app.post("{path}") taking {{"images": [...]}} to the app of '
    "section 5.":
        '이미지 5장을 담은 POST {path} 요청에 {status} 응답이 왔습니다. 5절의 app에 {{"images": [...]}}를 받는 '
        '@app.post("{path}")를 추가하세요.',
    'The answer for 5 images must be {{"logits": [5 rows of 4 numbers]}}, one row per image, in order; got {reply}.':
        '이미지 5장에 대한 응답은 {{"logits": [숫자 4개짜리 행 5개]}}여야 합니다(이미지마다 한 행씩, 순서대로). '
        "받은 응답: {reply}",
    "{call} reordered the caller's array: the page still needs it in class order. Sort a copy "
    "(probabilities.map(...) or slice()).":
        "{call}이(가) 넘겨받은 배열의 순서를 바꿨습니다. 페이지는 이 배열을 클래스 순서 그대로 계속 써야 합니다. "
        "복사본을 정렬하세요(probabilities.map(...)이나 slice()).",
    "{call} returned {out}: return [index, probability] pairs, such as [[1, 0.6], [3, 0.25]], so the page can name "
    "each class.":
        "{call}이(가) {out}을(를) 반환했습니다. 페이지가 클래스 이름을 붙일 수 있도록 [[1, 0.6], [3, 0.25]]처럼 "
        "[index, probability] 쌍을 반환하세요.",
    "{call} returned {count} pairs, expected {expected}: at most k, and all of them when k is larger than the list.":
        "{call}이(가) 쌍 {count}개를 반환했는데, {expected}개여야 합니다. 최대 k개를 반환하고, k가 배열 길이보다 "
        "크면 전부 반환해야 합니다.",
    "{call} returned {out}, expected {expected}. sort() without a compare function compares numbers as text (1e-7 "
    "comes after 0.6): sort with (a, b) => b[1] - a[1], which also keeps equal values in index order.":
        "{call}이(가) {out}을(를) 반환했습니다. 기대한 값은 {expected}입니다. 비교 함수 없는 sort()는 숫자를 문자열로 "
        "비교합니다(1e-7이 0.6 뒤에 옵니다). (a, b) => b[1] - a[1]로 정렬하세요. 이렇게 하면 값이 같을 때 인덱스 "
        "순서도 그대로 유지됩니다.",
    "an empty batch": "빈 배치",
    "rows of 15 numbers": "숫자 15개짜리 행",
    "POST {path} with {n} images answered {status}: a batch from 1 to {limit} images is valid.":
        "이미지 {n}장을 담은 POST {path} 요청에 {status} 응답이 왔습니다. 이미지 1장부터 {limit}장까지는 올바른 "
        "배치입니다.",
    "images of 15x16 pixels": "15x16 픽셀 이미지",
    "one image without the list around it": "리스트로 감싸지 않은 이미지 한 장",
    "{n} images": "이미지 {n}장",
    "POST {path} with {why} answered {status}: refuse it with a 4xx answer (a pydantic Field with min_length=1 and "
    "max_length={limit} on the list, 16x16 images) before the model runs. (Your code has these bounds? Then an "
    "older route answers: run section 5's cell to restart the server, then your cell once.)":
        "POST {path} 요청({why})에 {status} 응답이 왔습니다. 모델을 실행하기 전에 4xx 응답으로 "
        "거부하세요(리스트에는 min_length=1, max_length={limit}인 pydantic Field, 이미지는 16x16). (코드에 이미 이 범위가 "
        "있나요? 그렇다면 예전 라우트가 응답하는 것입니다. 5절의 셀을 실행해 서버를 다시 띄운 뒤 엔드포인트 셀을 한 번만 "
        "실행하세요.)",
    "No answer from {url} ({error}): is the server of section 5 still running? Run its cell again, then the cell "
    "that adds your endpoint.":
        "{url}에서 응답이 없습니다({error}). 5절의 서버가 아직 실행 중인가요? 서버 셀을 다시 실행한 뒤, "
        "엔드포인트를 추가하는 셀도 다시 실행하세요.",
    # errors: files the course reads
    "Check the path, or create the file first.": "경로를 확인하거나, 파일을 먼저 만드세요.",
    "Run notebook {notebook} first, or call {helper} to create it here.":
        "노트북 {notebook}을(를) 먼저 실행하거나, {helper}을(를) 호출해 여기에 만드세요.",
    "No file at {path}. {hint}": "{path}에 파일이 없습니다. {hint}",
    # pass 8: exercises 01.1 and 05.1
    "Your model reuses the notebook model's layer (its parameters are the same tensors), so training one trained "
    "both: make a new LinearRegressor() and train that.":
        "모델이 노트북 모델의 층을 그대로 다시 씁니다(파라미터가 같은 텐서입니다). 그래서 한쪽을 학습시키면 둘 다 "
        "학습됩니다. 새 LinearRegressor()를 만들어 학습시키세요.",
    "The data given to the check is the task the notebook's model already solves (its error there is {loss:.3f}): "
    "the exercise is task_b, the other rule. Train on task_b and pass task_b to the check.":
        "확인 함수에 넘긴 데이터는 노트북의 모델이 이미 푸는 과제입니다(그 데이터에서 오차 {loss:.3f}). 연습 문제의 데이터는 다른 규칙을 따르는 task_b입니다. task_b로 학습시키고, 확인 함수에도 task_b를 넘기세요.",
    "These {count} times were not measured on this device: it was synchronized {syncs} times and busy for "
    "{busy_ms:.0f} ms in all, the times add up to {total_ms:.0f} ms. Time the calls: read time.perf_counter() "
    "before device.run() and after device.synchronize().":
        "이 시간 {count}개는 이 장치에서 잰 값이 아닙니다. 장치는 {syncs}번 동기화되었고 실제로 작업한 시간은 "
        "모두 {busy_ms:.0f} ms인데, 제출한 시간을 더하면 {total_ms:.0f} ms입니다. device.run() 전과 device.synchronize() 뒤에 "
        "time.perf_counter()를 읽어 호출마다 시간을 재세요.",
    # what the notebook's own objects must be (helpers.exercises.verdict._KINDS), inserted into a message
    "a torch.nn.Module": "torch.nn.Module 객체",
    "the notebook's torch.nn.Sequential": "노트북의 torch.nn.Sequential 객체",
    "a helpers.bench.SimulatedGPU": "helpers.bench.SimulatedGPU 객체",
    "a helpers.RegressionData (its .x and .y tensors)": "helpers.RegressionData(.x와 .y 텐서를 가진 객체)",
    "a helpers.ImageData (its .images and .labels)": "helpers.ImageData(.images와 .labels를 가진 객체)",
    "the path of a file that exists (run the cell that writes it)": "셀을 실행해 실제로 만들어 둔 파일의 경로",
    "a whole number such as 18": "18 같은 정수",
    "helpers.troubleshoot.MedianHead()": "helpers.troubleshoot.MedianHead() 객체",
    "helpers.troubleshoot.Standardize()": "helpers.troubleshoot.Standardize() 객체",
    "the notebook's Hugging Face model (LlamaForCausalLM)": "노트북의 Hugging Face 모델 객체(LlamaForCausalLM)",
    # doctor: a student's own onnx.py hides the package
    "{file} in this folder hides the installed {name}": "이 폴더의 {file}이(가) 설치된 {name}을(를) 가립니다",
    "Rename your {file} (and delete __pycache__ beside it): Python imports it instead of the package.":
        "{file}의 이름을 바꾸세요(옆의 __pycache__도 지우세요). 파이썬이 패키지 대신 이 파일을 임포트합니다.",
    # pass 9: exercise checks that named the wrong problem
    "Answer with the path of the file you saved with torch.save, not with the model itself.":
        "모델 자체가 아니라 torch.save로 저장한 파일의 경로를 답으로 제출하세요.",
    "No file at {path!r}, but there is one without the space at its start or end: remove the space.":
        "{path!r}에는 파일이 없지만, 앞뒤 공백을 뺀 이름의 파일은 있습니다. 공백을 지우세요.",
    "The file is not what torch.save writes (cut short, or another kind of file): save it again with "
    "torch.save(model.state_dict(), path).":
        "torch.save로 저장한 파일이 아닙니다(중간에 잘렸거나 다른 종류의 파일입니다). "
        "torch.save(model.state_dict(), path)로 다시 저장하세요.",
    "Your answer is an array of shape {shape}: answer with the number itself, e.g. x.item(). {hint}":
        "답이 모양 {shape}인 배열입니다. x.item()처럼 숫자 자체를 답으로 제출하세요. {hint}",
    # pass 11: an expected value of NaN is the notebook's failure, not the student's
    "The check's expected value is NaN: the cell above that computes it went wrong, so no answer can be judged. Run "
    "the notebook from the top, then this cell again.":
        "확인 함수에 넘긴 기댓값이 NaN입니다. 위에서 그 값을 계산하는 셀이 잘못되어 답을 판정할 수 없습니다. 노트북을 "
        "처음부터 실행한 뒤 이 셀을 다시 실행하세요.",
    # pass 12: shortcuts and wrong answers the checks accepted
    "Answer with the module onnx2pytorch.ConvertModel returns for that file, not a {type_name}: convert the received "
    "file yourself.":
        "그 파일을 onnx2pytorch.ConvertModel로 변환해 얻은 모듈을 답으로 제출하세요. {type_name} 객체는 답이 될 수 "
        "없습니다. 전달받은 파일을 직접 변환하세요.",
    "Your model's weights are the data's own rule (true_weight), copied in: the exercise is to learn them. Train a "
    "new model with your loop; it ends close to the rule, not on it.":
        "모델의 가중치가 데이터에 들어 있는 실제 규칙(true_weight)을 그대로 복사한 값입니다. 가중치는 학습으로 찾아야 합니다. 새 모델을 직접 작성한 학습 루프로 학습시키세요. 학습한 가중치는 규칙에 가까워질 뿐, 규칙과 똑같아지지는 않습니다.",
    "No node of this file was translated from your op {name}: export a module whose forward calls your op, with "
    "custom_translation_table={{your op: its translation}}.":
        "이 파일에는 직접 만든 연산자 {name}에서 변환된 노드가 하나도 없습니다. forward에서 그 연산자를 호출하는 "
        "모듈을 custom_translation_table={{연산자: 변환 함수}}와 함께 내보내세요.",
    "The output {name} is declared as {declared}, but the model gives {actual}: declare the shape it has (a name such "
    "as 'batch' for the batch).":
        "출력 {name}의 모양은 {declared}(으)로 선언되어 있지만 모델이 실제로 내놓는 모양은 {actual}입니다. 실제 모양대로 "
        "선언하세요(배치 차원은 'batch' 같은 이름으로).",
    "Rename your {file} (and delete __pycache__ beside it): {name} imports the package of that name, and Python "
    "finds your file first.":
        "{file}의 이름을 바꾸세요(옆의 __pycache__도 지우세요). {name}은(는) 같은 이름의 패키지를 임포트하는데, "
        "파이썬이 같은 폴더의 그 파일을 먼저 찾습니다.",
    "Your topK did not return within 30 seconds: look for a loop that never ends.":
        "topK가 30초 안에 끝나지 않았습니다. 끝나지 않는 반복문이 있는지 확인하세요.",
    "{call} returned {out}, expected {expected}. A compare function must return a number, negative, 0 or positive "
    "(a[1] < b[1] gives true or false, and never 0 for equal values): sort with (a, b) => b[1] - a[1].":
        "{call}이(가) {out}을(를) 반환했습니다. 기대한 값은 {expected}입니다. 비교 함수는 음수, 0, 양수 중 하나인 숫자를 "
        "반환해야 합니다(a[1] < b[1]은 true나 false를 반환하고, 같은 값에도 0을 반환하지 않습니다). "
        "(a, b) => b[1] - a[1]로 정렬하세요.",
    "This file was written by helpers.export_model (it removes the exporter's stack traces): the exercise is to call "
    "torch.onnx.export yourself, with every argument that matters.":
        "이 파일은 helpers.export_model이 만든 것입니다(이 함수는 내보내기 도구가 노드마다 남기는 소스 위치 기록 pkg.torch.onnx.stack_trace를 지웁니다). 중요한 인자를 모두 넣어 torch.onnx.export를 직접 호출하세요.",
    "helpers.train_regressor trained this model: the exercise is to write the loop yourself (zero_grad, forward, "
    "loss, backward, step) on a new model.":
        "이 모델은 helpers.train_regressor로 학습시킨 것입니다. 새 모델을 만들고 학습 루프(zero_grad, 순전파, 손실, backward, step)를 직접 작성하세요.",
    "This session's file fixes the batch to {batch}: open the file you exported with a dynamic batch.":
        "이 세션의 파일은 배치 크기를 {batch}(으)로 고정합니다. 배치 차원을 동적으로 두고 내보낸 파일로 세션을 만드세요.",
    "Your graph's input and output are named {inputs} and {outputs}: the exercise names them features and prediction, "
    "the names the notebook's other files use.":
        "그래프의 입력과 출력 이름이 {inputs}, {outputs}입니다. 이 연습 문제에서는 노트북의 다른 파일과 같은 이름인 "
        "features와 prediction을 씁니다.",
    "Your model imports opset {opset}: make_model(graph, opset_imports=[onnx.helper.make_opsetid('', 18)]).":
        "모델의 opset_import가 opset {opset}입니다. make_model(graph, opset_imports=[onnx.helper.make_opsetid('', 18)])로 "
        "만드세요.",
    "The outputs {names} name one value twice: the cell ran twice on the same model, or a model with the new output "
    "was saved over mlp_path (then run the cell that exports mlp_path again). Load mlp_path inside your cell, append "
    "the output once, and save to mlp_hidden_path.":
        "출력 {names}에 같은 값이 두 번 들어 있습니다. 같은 모델로 셀을 두 번 실행했거나, 새 출력을 추가한 모델을 "
        "mlp_path에 덮어 저장했습니다(그렇다면 mlp_path를 내보내는 셀을 다시 실행하세요). 셀 안에서 mlp_path를 "
        "불러와 출력을 한 번만 추가하고, mlp_hidden_path에 저장하세요.",
    "The model's only output is {name}: the prediction output is gone. Append the new output next to it "
    "(graph.output.append), do not replace it.":
        "모델의 출력이 {name} 하나뿐이라 예측 출력이 없어졌습니다. 기존 출력을 바꾸지 말고 그 옆에 새 출력을 "
        "추가하세요(graph.output.append).",
    "The check's {name} names no file ({path}): run the cell that writes it, or pass the notebook's own {name}, as "
    "the cell above was written.":
        "확인 함수에 넘긴 {name}이(가) 가리키는 파일이 없습니다({path}). 그 파일을 만드는 셀을 실행하거나, 위 셀에 "
        "적힌 대로 노트북의 {name}을(를) 넘기세요.",
    "{path} is a folder: answer with the path of the file you saved with torch.save.":
        "{path}은(는) 폴더입니다. torch.save로 저장한 파일의 경로를 답으로 제출하세요.",
    "This session's model does not take the notebook's example: open this model's file.":
        "이 세션의 모델은 노트북의 예시 입력을 받지 못합니다. 이 모델의 파일로 세션을 만드세요.",
    "{call} returned {out}, expected {expected}: the largest first, and equal values in index order (sort is stable: "
    "(a, b) => b[1] - a[1] alone keeps them so).":
        "{call}이(가) {out}을(를) 반환했습니다. 기대한 값은 {expected}입니다. 큰 값부터, 같은 값은 인덱스 순서대로 "
        "놓아야 합니다(sort는 안정 정렬이므로 (a, b) => b[1] - a[1]만 쓰면 그렇게 됩니다).",
    "helpers.optimize.quantize_static_int8 wrote this file: the exercise is to write the CalibrationDataReader and "
    "call quant_pre_process and quantize_static yourself.":
        "이 파일은 helpers.optimize.quantize_static_int8이 만든 것입니다. CalibrationDataReader를 직접 작성하고 quant_pre_process와 quantize_static을 직접 호출하세요.",
    "A helper (create_session or optimize_graph) saved this graph: the exercise is to set graph_optimization_level "
    "and optimized_model_filepath in SessionOptions yourself.":
        "이 그래프는 helpers의 함수(create_session 또는 optimize_graph)가 저장한 것입니다. SessionOptions에 graph_optimization_level과 optimized_model_filepath를 직접 설정하세요.",
    "{name}.data beside your file is left from an earlier export (your file does not use it): delete it.":
        "파일 옆의 {name}.data는 예전에 내보낼 때 남은 것입니다(지금 파일은 이 파일을 쓰지 않습니다). 지우세요.",
    "POST {url} answered 404: answer with the server's address itself (server_url), not with an endpoint's path such "
    "as {extra}; if that is the address, add @app.post(\"{path}\") to its app.":
        "POST {url} 요청에 404 응답이 왔습니다. {extra} 같은 엔드포인트 경로가 아니라 서버 주소 자체(server_url)를 "
        "답으로 제출하세요. 그 주소가 맞다면 그 app에 @app.post(\"{path}\")를 추가하세요.",
}
