# One entry point for newcomers: `make run` and `make test` (see README).
PYTHON ?= python3.10
VENV   ?= .venv
BIN    := $(VENV)/bin
RASA   := $(BIN)/rasa

export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: install install-dev browser screenshot train db-upgrade run run-prod console nginx shell actions validate lint test test-unit test-nlu test-core clean

install: $(VENV)/.runtime-installed
$(VENV)/.runtime-installed: requirements.txt constraints.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip<24.1" "setuptools<70" wheel
	$(BIN)/pip install -q -r requirements.txt -c constraints.txt
	$(BIN)/pip install -q --no-deps --no-build-isolation -e . --config-settings editable_mode=compat
	@touch $@

install-dev: $(VENV)/.dev-installed browser nginx
$(VENV)/.dev-installed: $(VENV)/.runtime-installed requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt -c constraints.txt
	@touch $@

# Browser tests use Debian's Chromium (Playwright's own browser download is never used)
# and a CJK font so screenshots show Chinese. Needs root (CI and dev machines are).
browser:
	@command -v chromium >/dev/null && test -d /usr/share/fonts/opentype/noto || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk)

# The production profile's tests put nginx (Debian's nginx-light) in front of the workers.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light)

# Trains only when config, domain, training data, dictionary or our NLU code
# changed since the newest model (bot/training.py; Rasa's own --dry-run asks
# for a retraining right after one in a fresh clone).
train: install
	$(BIN)/python -m bot train

screenshot: install-dev train
	UPDATE_SCREENSHOT=1 $(BIN)/pytest -q tests/browser -k "conversation_with_buttons or customer_and_agent or reports_dashboard or live_inbox or picker_and_suggestions or edit_try_publish or every_console_page or teaches_the_bot"

# The only place that migrates the database (run and shell call it first too).
db-upgrade: install
	$(BIN)/python -m bot db-upgrade

# Rasa, the action server and the staff console (http://localhost:8080) in one terminal.
run: train
	$(BIN)/python -m bot run

# The staff console alone (needs `make db-upgrade`; staff: `python -m bot staff add NAME --role admin`).
console: db-upgrade
	$(BIN)/python -m bot console

# The production profile: WORKERS (2) Rasa and action servers behind nginx, on
# PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); see README "Deployment".
run-prod: train nginx
	$(BIN)/python -m bot run-prod

shell: train
	$(BIN)/python -m bot shell

actions: db-upgrade
	$(RASA) run actions

validate: install
	$(RASA) data validate --fail-on-warnings

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/mypy

# Tests that need no trained model and no servers (under a minute).
test-unit: $(VENV)/.dev-installed
	$(BIN)/pytest tests/unit

test: install-dev lint train
	$(BIN)/pytest

test-nlu: train
	$(RASA) test nlu --nlu tests/nlu/holdout.yml --out results/holdout

test-core: train
	$(RASA) test core --stories tests/test_stories.yml --fail-on-prediction-errors --out results/core

clean:
	rm -rf results .pytest_cache
