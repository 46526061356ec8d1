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

test: $(VENV)/.dev-installed chromium bubblewrap
	$(BIN)/ruff check .
	@# The type check takes the second core while pytest runs; both verdicts count.
	@mkdir -p build; $(BIN)/python tools/typecheck.py > build/typecheck.log 2>&1 & checker=$$!; \
	$(BIN)/pytest; tests=$$?; \
	wait $$checker; types=$$?; echo "type check (mypy):"; cat build/typecheck.log; \
	[ $$tests = 0 ] && [ $$types = 0 ]

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
