#!/usr/bin/env bash
# One run on a machine with an NVIDIA GPU (issue: the GPU half of "CPU vs GPU"):
#   1. the course's recording:  python -m helpers.bench --recording  (JSON files for helpers/recorded/)
#   2. every CUDA code path once: create_session(device="cuda"), each CUDA backend's runner
#   3. notebooks 05 and 06 executed top to bottom on a copy (their GPU outputs are never committed)
# Usage: tools/gpu-check.sh OUTPUT_FOLDER   (PYTHON=.venv/bin/python to pick the interpreter; QUICK=1 for a
# small rehearsal on any machine)
# Needs the course requirements; notebook 06 also imports onnx2pytorch, and the notebook runs need
# nbclient and ipykernel (on a machine without network, bring their wheels along). For the onnxruntime-cuda
# rows, put in the onnxruntime-gpu build first: python -m helpers.gpu_setup (printed below with --dry-run).
set -uo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: tools/gpu-check.sh OUTPUT_FOLDER}"
mkdir -p "$out"
export PYTHONUNBUFFERED=1 MPLBACKEND=Agg PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"  # helpers from this checkout
py="${PYTHON:-python3}"  # the Python that has the course installed
status=0
step() { printf '\n=== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

step "machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 || echo "no nvidia-smi"
"$py" -c "import sys, torch, onnxruntime as ort; print(sys.version.split()[0], 'torch', torch.__version__,
'cuda', torch.version.cuda, torch.cuda.is_available(), '| onnxruntime', ort.__version__, ort.get_available_providers())"

# onnxruntime's CUDA provider needs the onnxruntime-gpu build for this CUDA (never beside onnxruntime):
"$py" -m helpers.gpu_setup --dry-run || true

step "recording"
if [ "${QUICK:-0}" = 1 ]; then
    "$py" -m helpers.bench --models linear --batch-sizes 1 2 --repeat 2 --warmup 1 --min-time 0 \
        --no-progress --output "$out/recording" || status=1
else
    "$py" -m helpers.bench --recording --no-progress --output "$out/recording" || status=1
fi

step "CUDA code paths"
"$py" tools/gpu_paths.py "$out" || status=1

step "notebooks 05 and 06, executed on a copy"
for nb in 05_benchmark_cpu_gpu 06_real_network_optimised; do
    "$py" tools/run_notebook.py "notebooks/$nb.ipynb" "$out/$nb.executed.ipynb" || status=1
done
step "done: status $status"
exit $status
