# The two commands a user needs: `make run` and `make test`. Both build the virtual environment
# on first use; a change to pyproject.toml or setup.py rebuilds it.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test lint benchmarks clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.local-installed: pyproject.toml setup.py | $(BIN)/python
	$(PIP) install -e '.[local]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml setup.py | $(BIN)/python
	$(PIP) install -e '.[local,search,embeddings,dev,ray]'
	touch $@ $(VENV)/.local-installed

run: $(VENV)/.local-installed
	$(BIN)/trustbench run

test: $(VENV)/.dev-installed chromium
	$(BIN)/ruff check .
	$(BIN)/pytest

# The report tests open the HTML report in a real headless browser (Debian's chromium).
chromium:
	@command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

benchmarks: $(VENV)/.dev-installed
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info
