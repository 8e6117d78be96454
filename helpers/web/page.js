// Notebook 11's page: the shapes CNN of notebook 06, run by onnxruntime-web's wasm backend on a drawing.
// Plain JavaScript, no build step. The notebook writes models.json, the .onnx files and test_images.json beside it.
"use strict";

const CLASSES = ["horizontal bar", "vertical bar", "square", "cross"];  // helpers.SHAPE_CLASSES, same order
const SIZE = 16;  // the model's input: float32 (batch, 1, 16, 16), 0 = black background, 1 = white stroke

// Where ort-wasm-simd-threaded.wasm and .mjs are served. A full URL: "ort/" alone is read as a package name
// by the import() that loads the .mjs ("Failed to resolve module specifier").
ort.env.wasm.wasmPaths = new URL("ort/", document.baseURI).href;
ort.env.wasm.numThreads = 1;      // more threads need SharedArrayBuffer: cross-origin isolation headers

const sessions = {};  // one InferenceSession per model file: the promise is kept, so two quick clicks share it
function session(model) {
  if (!sessions[model]) {
    sessions[model] = loadSession(model);
    sessions[model].catch(() => { delete sessions[model]; });  // a failed load is tried again next time
  }
  return sessions[model];
}

async function loadSession(model) {
  // Fetch the file ourselves: a missing file then says "404", not a puzzling "failed to load external data".
  const response = await fetch(`models/${model}`);
  if (!response.ok) throw new Error(`models/${model}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
}

async function classify(model, pixels) {  // pixels: Float32Array(256), row by row -> logits (Array of 4)
  const s = await session(model);
  const input = new ort.Tensor("float32", pixels, [1, 1, SIZE, SIZE]);  // NCHW, as in PyTorch
  const outputs = await s.run({ [s.inputNames[0]]: input });
  return Array.from(outputs[s.outputNames[0]].data);
}

function softmax(logits) {
  const top = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

// The drawing, as the model's input: the mean of each 10x10 block of the 160x160 canvas, red channel / 255.
// The training images are white (1) on black (0): the page must feed the same layout and scale.
function canvasPixels(canvas) {
  const block = canvas.width / SIZE;
  const rgba = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const pixels = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < canvas.height; y++) {
    for (let x = 0; x < canvas.width; x++) {
      pixels[Math.floor(y / block) * SIZE + Math.floor(x / block)] += rgba[4 * (y * canvas.width + x)] / 255;
    }
  }
  return pixels.map((v) => v / (block * block));
}

function show(probabilities) {
  const rows = CLASSES.map((name, i) => `<tr><td>${name}</td><td>${(100 * probabilities[i]).toFixed(1)} %</td>` +
    `<td><span class="bar" style="width:${(150 * probabilities[i]).toFixed(0)}px"></span></td></tr>`);
  document.getElementById("probabilities").innerHTML = rows.join("");
  const top = typeof topK === "function" ? topK(probabilities, 3) : null;  // exercise 11.1
  document.getElementById("top").textContent =
    top ? "Top 3: " + top.map(([i, p]) => `${CLASSES[i]} (${(100 * p).toFixed(1)} %)`).join(", ") : "";
}

async function classifyDrawing() {
  const model = document.getElementById("model").value;
  const pixels = canvasPixels(document.getElementById("pad"));
  const logits = await classify(model, pixels);
  const probabilities = softmax(logits);
  show(probabilities);
  window.coursePage.lastDrawing = { model, pixels: Array.from(pixels), logits, probabilities,
                                    top: document.getElementById("top").textContent };
  return window.coursePage.lastDrawing;
}

// Every test image once (the logits to compare with PyTorch), then `repeats` more passes, timed.
async function runTestImages(model, repeats = 20) {
  const test = await (await fetch("test_images.json")).json();  // { shape: [n, 1, 16, 16], pixels: [...] }
  const n = test.shape[0], images = [];
  for (let i = 0; i < n; i++) images.push(Float32Array.from(test.pixels.slice(i * SIZE * SIZE, (i + 1) * SIZE * SIZE)));
  const logits = [];
  for (const image of images) logits.push(await classify(model, image));  // also the warm-up
  const start = performance.now();
  for (let r = 0; r < repeats; r++) for (const image of images) await classify(model, image);
  const msPerImage = (performance.now() - start) / (repeats * n);
  document.getElementById("status").textContent =
    `${model}: ${n} test images, ${msPerImage.toFixed(3)} ms per image (batch 1, wasm, 1 thread)`;
  window.coursePage.lastTestRun = { model, logits, msPerImage, repeats };
  return window.coursePage.lastTestRun;
}

function setUpDrawing(canvas) {
  const ctx = canvas.getContext("2d");
  const clear = () => { ctx.fillStyle = "#000"; ctx.fillRect(0, 0, canvas.width, canvas.height); };
  clear();
  let last = null;
  canvas.addEventListener("pointerdown", (e) => {
    canvas.setPointerCapture(e.pointerId);  // the stroke ends on release, even outside the canvas
    last = [e.offsetX, e.offsetY];
  });
  const stop = () => { last = null; };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  canvas.addEventListener("pointermove", (e) => {
    if (!last || !(e.buttons & 1)) return;
    ctx.strokeStyle = "#fff"; ctx.lineWidth = 12; ctx.lineCap = "square";
    ctx.beginPath(); ctx.moveTo(...last); ctx.lineTo(e.offsetX, e.offsetY); ctx.stroke();
    last = [e.offsetX, e.offsetY];
  });
  return clear;
}

function reportErrors(action) {  // a failed click says why on the page, instead of an unhandled rejection
  return () => action().catch((error) => {
    document.getElementById("status").textContent = `Error: ${error.message}`;
    window.coursePage.lastError = String(error);
  });
}

async function main() {
  if (typeof ort === "undefined") throw new Error("onnxruntime-web did not load: is ort/ort.wasm.min.js served?");
  const models = await (await fetch("models.json")).json();  // [{ file, label }], written by the notebook
  const select = document.getElementById("model");
  for (const m of models) select.add(new Option(m.label, m.file));
  const clear = setUpDrawing(document.getElementById("pad"));
  const repeats = Number(new URLSearchParams(location.search).get("repeats") || 20);
  document.getElementById("clear").onclick = clear;
  document.getElementById("classify").onclick = reportErrors(classifyDrawing);
  document.getElementById("test").onclick = reportErrors(() => runTestImages(select.value, repeats));
  window.coursePage = { classify, classifyDrawing, canvasPixels, runTestImages, ready: false };
  await session(select.value);
  document.getElementById("status").textContent = `Ready: onnxruntime-web ${ort.env.versions.web}, wasm backend`;
  window.coursePage.ready = true;
}

main().catch((error) => {
  document.getElementById("status").textContent = `Error: ${error.message}`;
  window.coursePage = { ready: false, error: String(error) };
});
