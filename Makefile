# pantau — two commands on a fresh machine: `make run` and `make test`.
VENV   := .venv
BIN    := $(VENV)/bin
PYTHON ?= python3
SHARED ?= ../shared

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_HOME := $(CURDIR)/data/prefect

.PHONY: install run demo test eval bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(BIN)/.installed

run: install            ## one real ingest run with config.yaml (SQLite in data/, local Prefect)
	$(BIN)/pantau run

demo: install           ## the same flow against a replay site on 127.0.0.1; alerts to a local webhook
	$(BIN)/pantau demo

test: install           ## the whole suite (real local servers, no network beyond loopback)
	$(BIN)/pytest -q

eval: install           ## topic and extraction quality on ../shared/corpus (when present)
	$(BIN)/python scripts/eval.py $(SHARED)

bench: install          ## pipeline throughput vs trafilatura alone and a plain script; memory (bench/README.md)
	$(BIN)/python -m bench $(SHARED)

clean:
	rm -rf data/demo .pytest_cache
