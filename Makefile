# The two commands of the README. Each makes .venv (once, or again when the
# dependencies change) and installs the project into it; nothing else is needed.
#   make demo   the main job: the lecture's experiments on the bundled wiki-r
#               series (writes runs/lecture/, replacing the previous one)
#               (.venv has the classical extra, statsforecast, so backtest and its
#               tests compare with AutoETS and AutoARIMA, and the dask extra, for --engine dask)
#   make test   ruff, then the test suite with the doctests, one pytest worker per core (and Debian's chromium and fonts-noto-cjk for the report's browser tests,
#               installed with apt-get where it can be; scripts/install-chromium)
#   make bench  the speed benchmarks: training (adds scikit-learn to .venv, to compare with it), and
#               many series at once on one core, every core and a local Dask cluster
#   make catalogue  the Chinese message catalogues: new sentences of the code added to the .po files
#               (to translate), the .mo files viewcast reads compiled from them
#   make fuzz   the property-based tests of the file parsers with 10,000 generated inputs each
#               (make test runs 60 of each)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench fuzz catalogue clean

$(VENV)/installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,classical,dask]'
	touch $@

demo: $(VENV)/installed
	$(BIN)/viewcast lecture --dataset wiki-r --out runs/lecture --force

test: $(VENV)/installed
	$(BIN)/ruff check src tests benchmarks scripts
	./scripts/install-chromium
	$(BIN)/python -m pytest -n auto --dist loadscope

$(VENV)/bench: $(VENV)/installed
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,classical,dask,bench]'
	touch $@

catalogue: $(VENV)/installed
	$(BIN)/python scripts/catalogue.py

bench: $(VENV)/bench
	$(BIN)/python benchmarks/speed.py
	$(BIN)/python benchmarks/many_series.py

fuzz: $(VENV)/installed
	HYPOTHESIS_EXAMPLES=10000 $(BIN)/python -m pytest tests/test_parsers_properties.py -p no:cacheprovider --hypothesis-show-statistics

clean:
	rm -rf $(VENV) runs/lecture
