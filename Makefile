# Two commands matter: `make lab` (set up and open the course) and `make test` (run every test).
PYTHON ?= python3
# Which environment and which pinned versions: `make test-colab` reruns everything with
# VENV=.venv-colab CONSTRAINTS=constraints-colab.txt (Google Colab's versions).
VENV        ?= .venv
CONSTRAINTS ?= constraints.txt
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Each environment keeps its own matplotlib font cache: a cache written by another Python install lists
# font files that may be gone, and matplotlib then logs "findfont" warnings into notebook outputs.
export MPLCONFIGDIR := $(abspath $(VENV))/matplotlib
REQUIREMENTS := requirements.txt requirements-lab.txt requirements-dev.txt pyproject.toml helpers/web/package-lock.json

# JupyterLab refuses to start as root unless told to. Docker containers, cloud VMs and many
# workshop machines run as root, so pass --allow-root there, and only there.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# Extra arguments for `jupyter lab`, e.g. make lab LAB_ARGS="--no-browser --port=8899".
LAB_ARGS ?=

.PHONY: setup lab test test-colab test-latest test-portability

# Installs only when a requirements or constraints file changed since the last install, so a
# second `make lab` starts in seconds.
$(STAMP): $(REQUIREMENTS) $(CONSTRAINTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -r requirements-dev.txt -c $(CONSTRAINTS) -e .
	@# notebook 11's page: onnxruntime-web from the npm registry, as its lockfile pins it (no npm: the notebook says so)
	if command -v npm >/dev/null 2>&1; then cd helpers/web && npm ci --ignore-scripts --no-audit --no-fund; \
	else echo "npm not found: notebook 11's web page needs Node.js (https://nodejs.org)"; fi
	touch $(STAMP)

## Create .venv (if missing) and install the course and its test tools.
setup: $(STAMP)

## Set up, then open JupyterLab on the notebooks. Without a browser, open the URL with the token it prints.
lab: setup
	$(BIN)/jupyter lab $(ALLOW_ROOT) $(LAB_ARGS) notebooks/

## Set up, then run the helpers' unit tests and every notebook under nbval.
## Extra pytest arguments go in PYTEST_ARGS, e.g. make test PYTEST_ARGS="-k export".
PYTEST_ARGS ?=
test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## The notebooks again with one thread on one core, and with PyTorch's plain (non-SIMD) kernels on the
## other cores, side by side: committed outputs must not depend on either (tools/portability.sh).
test-portability: setup
	tools/portability.sh $(BIN)/python

## The same tests on Google Colab's versions (constraints-colab.txt), in .venv-colab, except the few that read only
## the repository's files and PyPI (marked same_everywhere): their answer cannot depend on the environment, and
## make test runs them.
test-colab:
	$(MAKE) test VENV=.venv-colab CONSTRAINTS=constraints-colab.txt PYTEST_ARGS='-m "not same_everywhere"'

## The same tests against the newest releases that requirements.txt allows (no constraints),
## listing the deprecation warnings libraries raise, so an API about to go is noticed early.
test-latest:
	test -x .venv-latest/bin/python || $(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --upgrade -r requirements-dev.txt -e .
	.venv-latest/bin/python -m pip list --format=freeze | grep -iE '^(torch|torchvision|onnx|onnxruntime|onnxscript|onnx2pytorch|netron)=='
	.venv-latest/bin/python -m pytest -o "filterwarnings=$$(printf '%s\n' default::DeprecationWarning \
		'error::DeprecationWarning:helpers' 'error:helpers\.:DeprecationWarning')"  # not -W: it outranks our errors
