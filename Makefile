# Two commands matter: `make lab` (set up and open the course) and `make test` (run every test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup lab test test-latest

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -r requirements-dev.txt -c constraints.txt -e .
	touch $(STAMP)

## Create .venv (if missing) and install the course and its test tools.
setup: $(STAMP)

## Set up, then open JupyterLab on the notebooks.
lab: setup
	$(BIN)/jupyter lab notebooks/

## Set up, then run the helpers' unit tests and every notebook under nbval.
test: setup
	$(BIN)/python -m pytest

## The same tests against the newest releases that requirements.txt allows (no constraints).
test-latest:
	test -x .venv-latest/bin/python || $(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --upgrade -r requirements-dev.txt -e .
	.venv-latest/bin/python -m pip list --format=freeze | grep -iE '^(torch|torchvision|onnx|onnxruntime|onnxscript|onnx2pytorch|netron)=='
	.venv-latest/bin/python -m pytest
