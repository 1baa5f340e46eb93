# pantau — two commands on a fresh machine: `make run` and `make test`.
# `make run ARGS=--json` / `make demo ARGS=--json` pass options through.
VENV   := .venv
BIN    := $(VENV)/bin
PYTHON ?= python3
SHARED ?= ../shared

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_HOME := $(CURDIR)/data/prefect

.PHONY: install run demo test lint eval bench lock clean

$(BIN)/.installed: pyproject.toml setup.py constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	@# setuptools warns on every editable install of a package_dir mapping (setup.py): expected here
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip install -q -c constraints.txt -e '.[test,dev,postgres,dask]'
	touch $@

install: $(BIN)/.installed

run: install            ## one real ingest run with config.yaml (SQLite in data/, local Prefect)
	@$(BIN)/pantau run $(ARGS)

demo: install           ## the same flow against a replay site on 127.0.0.1; alerts to a local webhook
	@$(BIN)/pantau demo $(ARGS)

test: install           ## the whole suite (real local servers, no network beyond loopback)
	$(BIN)/pytest -q

lint: install           ## ruff (lint + format), the import rules of docs/architecture.md, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/check_structure.py

eval: install           ## topic and extraction quality on ../shared/corpus (when present); event cards (docs/alerts.md)
	$(BIN)/python scripts/eval.py $(SHARED)
	$(BIN)/python scripts/eval_events.py

bench: install          ## pipeline throughput vs trafilatura alone and a plain script; memory (bench/README.md)
	$(BIN)/python -m bench $(SHARED)

lock: install           ## rewrite constraints.txt from the installed environment
	@{ head -2 constraints.txt; $(BIN)/pip freeze --exclude-editable | grep -v '^pantau'; } > constraints.tmp
	mv constraints.tmp constraints.txt

clean:
	rm -rf data/demo .pytest_cache
