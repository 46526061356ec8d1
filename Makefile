# The two commands a user needs: `make run` and `make test`. Both build the virtual environment
# on first use; a change to pyproject.toml or setup.py rebuilds it.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test lint typecheck benchmarks clean chromium bubblewrap

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

# Two pytest processes, one a core: the tests that mostly wait on subprocesses (the CLI's runs, Ray)
# and all the others (a new tests/<task> folder lands there by itself), then the type check, which
# would otherwise take the CPU from the CLI tests' timing (a Ctrl-C test missed its deadline).
WAITING_TESTS := tests/core tests/scale

test: $(VENV)/.dev-installed chromium bubblewrap
	$(BIN)/ruff check .
	@mkdir -p build; \
	$(BIN)/pytest $(WAITING_TESTS) > build/pytest-waiting.log 2>&1 & waiting=$$!; \
	$(BIN)/pytest tests $(addprefix --ignore=,$(WAITING_TESTS)); rest=$$?; \
	$(BIN)/python tools/typecheck.py; types=$$?; \
	wait $$waiting; waited=$$?; echo "pytest $(WAITING_TESTS):"; cat build/pytest-waiting.log; \
	[ $$types = 0 ] && [ $$rest = 0 ] && [ $$waited = 0 ]

# OS-Harm runs agents' programs in a bubblewrap sandbox (Debian's bubblewrap); installed when
# running as root, else the sandbox tests skip and the product refuses such programs.
bubblewrap:
	@command -v bwrap >/dev/null || [ "$$(id -u)" != 0 ] || (apt-get update -q && apt-get install -y -q bubblewrap)

# The report tests open the HTML report in a real headless browser. As root, a missing one is
# installed (Debian's chromium); otherwise the tests say how to install it or point CHROMIUM at one.
chromium:
	@if { [ -n "$$CHROMIUM" ] || command -v chromium || command -v chromium-browser \
		|| command -v google-chrome; } >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -q && apt-get install -y -q chromium >/dev/null; \
	else \
		echo "No Chromium: the HTML report tests will fail. Install it (sudo apt-get install chromium) or set CHROMIUM=/path/to/chrome."; \
	fi

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tools/typecheck.py

# mypy over the whole trustbench namespace (settings in pyproject.toml); reruns check what changed.
typecheck: $(VENV)/.dev-installed
	$(BIN)/python tools/typecheck.py

benchmarks: $(VENV)/.dev-installed
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info
