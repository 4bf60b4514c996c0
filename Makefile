# Two commands for a newcomer: `make demo` and `make test` (see README).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DATABASE_URL ?=

.PHONY: demo test deps sysdeps bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

deps: $(VENV)/.installed

sysdeps:
	bash scripts/system-deps.sh

test: deps sysdeps
	DATABASE_URL="$(DATABASE_URL)" $(BIN)/python -m pytest

demo: deps sysdeps
	PORT=$(PORT) $(BIN)/python -m bot.dev.demo

bench: deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance/*.sqlite3* instance/media
