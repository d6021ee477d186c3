# Two commands set everything up on a fresh machine: `make test` and `make demo`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test demo lint typecheck system-deps bench clean messages

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench samples
	$(BIN)/ruff format --check src tests bench samples

# The message catalogue: extract every code from the sources into src/lienthong/locale/*/LC_MESSAGES.
messages: $(STAMP)
	$(BIN)/python scripts/messages.py

typecheck: $(STAMP)
	$(BIN)/mypy

system-deps:
	bash scripts/install-system-deps.sh

test: lint typecheck system-deps
	$(BIN)/pytest -n 2 -q

demo: $(STAMP)
	$(BIN)/lienthong demo

bench: $(STAMP)
	$(BIN)/python bench/edxml_bench.py

clean:
	rm -rf $(VENV) build src/*.egg-info .mypy_cache .pytest_cache .ruff_cache
