# tinhso: the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test lint serve clean

# The environment is rebuilt only when pyproject.toml changes, so a second `make demo` is quick.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/tinhso migrate --noinput
	$(BIN)/tinhso load_demo
	$(MAKE) --no-print-directory serve

# The background worker (notifications) runs beside the web server and stops with it.
serve: $(BIN)/.installed
	@echo "tinhso: http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	@$(BIN)/tinhso db_worker --queue-name '*' >var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/tinhso runserver --noreload $(HOST):$(PORT)

lint: $(BIN)/.installed
	$(BIN)/ruff check src

test: $(BIN)/.installed lint
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
