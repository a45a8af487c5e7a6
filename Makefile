# Gonggu — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_PORT ?= $(PORT)
# The app is production-safe by default; these commands are development and test runs.
DJANGO_DEV_MODE ?= 1
export HOST PORT WEB_PORT DJANGO_DEV_MODE

.PHONY: run test setup lint format migrate seed serve services clean benchmarks-smoke deploy-local

run: setup migrate seed
	$(BIN)/python manage.py collectstatic --noinput -v0
	@if [ -n "$$RABBITMQ_URL" ] || [ -n "$$REDIS_URL" ] || [ -n "$$DATABASE_URL" ]; then \
		echo "Services mode: web, dispatcher, worker and beat via honcho (Procfile) on http://$(HOST):$(PORT)/"; \
		$(BIN)/honcho start -f Procfile; \
	else \
		echo "Embedded mode: one process on http://$(HOST):$(PORT)/ (SQLite, in-memory layers)"; \
		GONGGU_EMBEDDED_BEAT=1 $(BIN)/python manage.py runserver --noreload $(HOST):$(PORT); \
	fi

# A test run's cache and channel-layer keys are its own: runs (and a `make run` site) that
# share one Redis server never read or clear each other's keys.
test: setup
	CACHE_KEY_PREFIX=$${CACHE_KEY_PREFIX:-gonggu-test-$$$$} \
	CHANNEL_LAYER_PREFIX=$${CHANNEL_LAYER_PREFIX:-gonggu-test-$$$$} \
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

migrate: setup
	$(BIN)/python manage.py migrate --noinput -v0

seed: setup
	$(BIN)/python manage.py seed_demo

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy accounts markets catalog parties chat notifications penalties comments moderation settlements webpush common demo config

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The production layout (deploy/) on this machine: nginx in front of $(WEB_PROCESSES) web
# processes, dispatcher, Celery worker and beat, at http://127.0.0.1:$(PORT)/ with production
# settings (deploy/local.py: migrate, collectstatic, then one restart loop per process).
# Needs DATABASE_URL, REDIS_URL and RABBITMQ_URL; Ctrl-C stops all of it.
WEB_PROCESSES ?= 2
deploy-local: setup
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
		echo "Installing nginx from Debian"; \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y nginx; else sudo apt-get install -y nginx; fi; }
	DJANGO_DEV_MODE=0 $(BIN)/python deploy/local.py --port $(PORT) --web-processes $(WEB_PROCESSES)

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 .pytest_cache
