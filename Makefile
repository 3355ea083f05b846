# Two commands on a fresh machine:
#   make demo   set up and run syncd on the bundled demo mailbox and calendar
#   make test   set up everything the tests need (Debian packages included) and run them
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test system-deps bench lint clean

demo: $(VENV)/.installed
	$(BIN)/syncd demo

test: system-deps $(VENV)/.installed
	$(BIN)/pytest -q

system-deps:
	bash .ci/system-deps.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[test]'
	touch $@

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/ingest_enron.py

lint: $(VENV)/.installed
	$(BIN)/pip install -q ruff mypy
	$(BIN)/ruff check syncd connectors tests
	$(BIN)/mypy connectors syncd/infer

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
