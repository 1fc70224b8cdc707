# The two commands of the README. Each makes .venv (once, or again when the
# dependencies change) and installs the project into it; nothing else is needed.
#   make demo   the main job on the bundled wiki-r series (writes runs/demo/)
#   make test   the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test clean

$(VENV)/installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

demo: $(VENV)/installed
	$(BIN)/viewcast datasets
	$(BIN)/viewcast train --dataset wiki-r --model linear --lags 1 --loss mae --seeds 5 --out runs/demo/linear-1 --force
	$(BIN)/viewcast predict runs/demo/linear-1
	$(BIN)/viewcast train --dataset wiki-r --model relu:100 --lags 56 --loss mae --seeds 5 --out runs/demo/relu100-56 --force
	$(BIN)/viewcast predict runs/demo/relu100-56

test: $(VENV)/installed
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) runs/demo
