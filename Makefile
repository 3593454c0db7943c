# The single entry point: CI, the README and staff call these targets.
SHELL := /bin/bash
comma := ,
.DEFAULT_GOAL := help

VENV      := .venv
RASA_VENV := .venv-rasa
STAMPS    := .stamps
# The first interpreter of each version that really runs (a pyenv shim may exist but fail).
find_python = $(shell for p in $(1); do "$$p" -c 'import sys; sys.exit(sys.version_info[:2] != ($(2)))' >/dev/null 2>&1 && { command -v "$$p"; break; }; done)
PY311     ?= $(call find_python,python3.11 $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.11.*/bin/python 2>/dev/null) python3,3$(comma) 11)
PY310     ?= $(call find_python,python3.10 $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.10.*/bin/python 2>/dev/null),3$(comma) 10)
BOT       := $(VENV)/bin/python -m bot
RASA      := $(RASA_VENV)/bin/rasa
MODEL     := models/clinic.tar.gz
# What `rasa train` reads; the model is rebuilt only when one of these (or the list) changes.
RASA_SOURCES := config.yml domain.yml knowledge/faq.yml $(sort $(shell find data -type f -name '*.yml' 2>/dev/null)) \
  $(sort $(wildcard bot/nlu/*.py bot/safety/*.py bot/safety/*.yml))

# Rasa's telemetry stays off, and nothing may try to fetch a model from a hub.
export RASA_TELEMETRY_ENABLED := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
# What the operator set (environment or `make VAR=...`) always wins over this file and .env.
from_operator = $(filter environment command,$(firstword $(origin $(1))))
# Production is the default everywhere; only the explicitly local commands (LOCAL_GOALS) run in
# development mode, where a missing BOT_DATA_KEY makes an owner-only key in var/secrets/ (and
# says so). Deployments set BOT_DATA_KEY (`make keygen`); see docs/booking.md.
LOCAL_GOALS := run shell shell-debug test load
LOCAL_BOT_ENV := $(if $(call from_operator,BOT_ENV),$(BOT_ENV),development)
export BOT_ENV ?= production
$(LOCAL_GOALS): export BOT_ENV = $(LOCAL_BOT_ENV)
# Where the Rasa server finds the action server (endpoints.yml reads it).
export ACTION_SERVER_URL ?= http://127.0.0.1:5055/webhook

.PHONY: staff settings help install onnx benchmark index test lint eval bench safety train run shell validate test-rasa nlu-cv nlu-stability FORCE

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

ONNX_EXPORT := var/models/all-MiniLM-L6-v2-onnx/export.json

onnx: $(ONNX_EXPORT) ## Export the packaged MiniLM to ONNX (fp32 + int8) into var/models/ (offline, once)

$(ONNX_EXPORT): $(STAMPS)/venv
	$(VENV)/bin/python -m bot.retrieval.onnx_backend
	@touch $@  # the exporter skips an up-to-date export; the stamp still moves on

index: $(STAMPS)/venv $(ONNX_EXPORT) ## Build or refresh the retrieval index from knowledge/ (skips when unchanged)
	$(BOT) index

test: install index train widget browser-deps ## Everything CI runs: lint, types, Rasa data and conversation tests, unit and end-to-end tests
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory validate test-rasa
	$(VENV)/bin/pytest

lint: $(STAMPS)/venv ## Ruff (style, docstrings, bugbear, security) and mypy (types; pyproject.toml)
	$(VENV)/bin/ruff check bot actions tests benchmarks scripts
	$(VENV)/bin/mypy

eval: index ## Retrieval evaluation: clinic set, then the CovidFAQ benchmark (held out)
	$(BOT) eval
	$(BOT) eval --faq ../shared/data/covidfaq/faq.jsonl --queries ../shared/data/covidfaq/queries.jsonl

bench: index ## Retrieval latency benchmark (p50/p95)
	$(BOT) bench

benchmark: index ## Performance benchmark (latency, build rate, ANN at 1e6, servers, LiveQA) -> docs/performance.md
	$(VENV)/bin/python -m benchmarks.benchmark

safety: $(STAMPS)/venv ## Safety panels: crisis recall, false positives, medical-advice refusals (docs/safety.md)
	$(BOT) safety

train: $(MODEL) ## Train the Rasa model into models/ (only when config, domain or data changed)

# One training at a time (parallel test runs). Training is forced (seconds): the intent model
# also learns from knowledge/faq.yml, which Rasa's own cache does not fingerprint. The model is
# swapped in with one rename, so a server starting meanwhile never reads a half-written file.
# Its time is set to when training began: a file edited during training still counts as newer.
$(MODEL): $(RASA_SOURCES) $(STAMPS)/rasa-sources $(ONNX_EXPORT) | $(STAMPS)/venv-rasa
	@mkdir -p models/.build
	flock models/.train.lock sh -c 'started=$$(date +%s.%N) && \
	  $(RASA) train --force --out models/.build --fixed-model-name clinic && \
	  cp models/.build/clinic.tar.gz $@.part && touch -d "@$$started" $@.part && mv $@.part $@'

# Records the list of training files, so that deleting one also retrains.
$(STAMPS)/rasa-sources: FORCE
	@mkdir -p $(STAMPS)
	@echo '$(RASA_SOURCES)' | cmp -s - $@ || echo '$(RASA_SOURCES)' > $@

FORCE:

run: install index train widget ## Start the assistant: action server on 5055, Rasa (rest + socketio) on 5005; Ctrl-C stops both
	scripts/run.sh

staff: install index ## The staff console on 127.0.0.1:5056 (production mode: BOT_DATA_KEY; first account: see README)
	$(BOT) staff serve

shell: install index train ## Talk to the assistant in the terminal (Rasa's console, with the patients' checks)
	scripts/shell.sh

validate: $(STAMPS)/venv-rasa ## rasa data validate --fail-on-warning
	$(RASA) data validate --fail-on-warning

test-rasa: train ## Conversation tests in tests/conversations/ (rasa test --fail-on-prediction-errors)
	$(RASA) test core --model $(MODEL) --stories tests/conversations \
	  --fail-on-prediction-errors --out results/conversations

nlu-cv: $(STAMPS)/venv-rasa $(ONNX_EXPORT) ## NLU intent cross-validation (5 folds); numbers go to docs/nlu.md
	$(RASA) test nlu --nlu data/nlu --config config.yml --cross-validation --folds 5 \
	  --successes --out results/nlu-cv
	$(RASA_VENV)/bin/python scripts/nlu_summary.py results/nlu-cv

nlu-stability: $(STAMPS)/venv-rasa $(ONNX_EXPORT) ## Train the NLU 3 times from scratch and compare every decision (docs/nlu.md)
	$(RASA_VENV)/bin/python scripts/nlu_stability.py --runs 3

# --- channels: the website widget, the browser its test drives, the staff debug shell ---
.PHONY: widget browser-deps shell-debug
WIDGET_VENDOR := web/build/vendor/socket.io.min.js

widget: $(WIDGET_VENDOR) ## Vendor the widget's socket.io client (npm ci from web/package-lock.json)

$(WIDGET_VENDOR): web/package.json web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p $(@D) && cp web/node_modules/socket.io-client/dist/socket.io.min.js $@

shell-debug: ## `make shell`, and after each answer the retrieval decision, score, source, runners-up
	BOT_DEBUG_RETRIEVAL=1 $(MAKE) --no-print-directory shell

browser-deps: ## Install Debian's chromium for the browser test when it is missing
	@command -v chromium >/dev/null || { SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

# Channel settings for local runs: a git-ignored .env with random secrets, written by the local
# commands only (LOCAL_GOALS) on first use, and read only for variables the operator did not
# set. Production sets the same variables in its environment instead (docs/channels.md).
CHANNEL_ENV := WEBCHAT_ALLOWED_ORIGINS WEBCHAT_SESSION_KEY TWILIO_AUTH_TOKEN TWILIO_WEBHOOK_URL SMS_SENDER_KEY \
  ACTION_SERVER_TOKEN
ifneq ($(filter $(LOCAL_GOALS),$(MAKECMDGOALS)),)
  $(if $(wildcard .env),,$(shell $(MAKE) --no-print-directory -s .env >&2))
endif
env_line_name = $(firstword $(subst =, ,$(1)))
load_env_line = $(if $(call from_operator,$(call env_line_name,$(1))),,$(eval \
  $(call env_line_name,$(1)) := $(patsubst $(call env_line_name,$(1))=%,%,$(1))))
$(foreach line,$(if $(wildcard .env),$(shell grep -E '^[A-Z_][A-Z0-9_]*=' .env)),$(call load_env_line,$(line)))
export $(CHANNEL_ENV)

settings: ## Where each setting of the local commands comes from (names and origins, never values)
	@echo "BOT_ENV=$(BOT_ENV) ($(origin BOT_ENV))"
	@$(foreach v,$(CHANNEL_ENV),echo "$(v): $(if $(value $(v)),$(origin $(v)),unset)";)

.env:
	@{ echo "# Local development settings (git-ignored). Production sets these in its environment."; \
	   echo "WEBCHAT_ALLOWED_ORIGINS=http://127.0.0.1:5005,http://localhost:5005"; \
	   echo "TWILIO_WEBHOOK_URL=http://127.0.0.1:5005/webhooks/twilio_sms/webhook"; \
	   for key in WEBCHAT_SESSION_KEY TWILIO_AUTH_TOKEN SMS_SENDER_KEY ACTION_SERVER_TOKEN; do \
	     echo "$$key=$$(python3 -c 'import secrets; print(secrets.token_hex(32))')"; done; } > $@
	@echo "Wrote .env with random local secrets for the chat and SMS channels."

# --- booking: consultation requests (staff commands: python -m bot requests --help) ---
.PHONY: keygen
keygen: $(STAMPS)/venv ## Print a new BOT_DATA_KEY, the key that encrypts consultation requests
	@$(BOT) keygen

# --- knowledge operations: check the knowledge, report what patients asked (docs/knowledge-ops.md) ---
.PHONY: check-knowledge report
check-knowledge: $(STAMPS)/venv ## Check knowledge/: collisions, paraphrase misses, long answers, sources, review dates (fails on errors; CHECK_ARGS=--strict)
	$(BOT) check $(CHECK_ARGS)

report: $(STAMPS)/venv ## Staff report from the SQL tracker store: make report TRACKER_STORE=sqlite:///rasa.db (or BOT_TRACKER_DB_URL)
	$(BOT) report $(if $(TRACKER_STORE),--tracker-store '$(TRACKER_STORE)') $(REPORT_ARGS)

# --- reliability: load test, retention (docs/reliability.md, docs/performance-load.md) ---
.PHONY: load retention
load: install index train ## Load test on loopback (1, 10, 50 users; every reply checked): throughput, p50/p95/p99, RSS
	$(VENV)/bin/python scripts/load_test.py $(LOAD_ARGS)

retention: $(STAMPS)/venv ## Delete old data: make retention CONVERSATIONS_DAYS=30 REQUESTS_DAYS=365 (BOT_TRACKER_DB_URL for conversations)
	$(BOT) retention --conversations-days $(or $(CONVERSATIONS_DAYS),30) --requests-days $(or $(REQUESTS_DAYS),365)
