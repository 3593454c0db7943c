# The single entry point: CI, the README and staff call these targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
RASA_VENV := .venv-rasa
STAMPS    := .stamps
PY311     ?= $(shell command -v python3.11 || command -v python3)
PY310     ?= $(shell command -v python3.10 || ls -d $$(pyenv root 2>/dev/null)/versions/3.10.*/bin/python 2>/dev/null | tail -n 1)
BOT       := $(VENV)/bin/python -m bot

# Rasa's telemetry stays off, and nothing may try to fetch a model from a hub.
export RASA_TELEMETRY_ENABLED := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: help install index test lint eval bench

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  make %-10s %s\n", $$1, $$2}'

install: $(STAMPS)/venv $(STAMPS)/venv-rasa ## Create both environments (idempotent)

$(STAMPS)/venv: requirements/bot.lock pyproject.toml
	@test -x $(VENV)/bin/python || $(PY311) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements/bot.lock
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/venv-rasa: requirements/rasa.lock pyproject.toml
	@test -n "$(PY310)" || { echo "Python 3.10 not found: install it (pyenv install 3.10) or set PY310=/path/to/python3.10"; exit 1; }
	@test -x $(RASA_VENV)/bin/python || $(PY310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install -q --disable-pip-version-check -r requirements/rasa.lock
	$(RASA_VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	@mkdir -p $(STAMPS) && touch $@

index: $(STAMPS)/venv ## Build or refresh the retrieval index from knowledge/ (skips when unchanged)
	$(BOT) index

test: install index ## Everything CI runs: lint, unit and end-to-end tests, evaluations
	$(VENV)/bin/ruff check bot actions tests
	$(VENV)/bin/pytest

lint: $(STAMPS)/venv ## Ruff
	$(VENV)/bin/ruff check bot actions tests

eval: index ## Retrieval evaluation on the clinic set (P@1, MRR@10, Recall@3, out-of-scope)
	$(BOT) eval

bench: index ## Retrieval latency benchmark (p50/p95)
	$(BOT) bench
