# Resolution Tracker — the two commands of the quick start are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs against real PostgreSQL and Redis (override to point elsewhere).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/rtracker
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: install run serve test test-embedded lint messages check-deploy clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

## make run: embedded mode (SQLite, tasks in-process), demo data, http://127.0.0.1:8000
run: install
	env -u DATABASE_URL -u REDIS_URL $(PY) manage.py migrate --noinput
	env -u DATABASE_URL -u REDIS_URL $(PY) manage.py load_demo
	@echo "Serving http://$(HOST):$(PORT)/ — log in with one of the demo users above."
	env -u DATABASE_URL -u REDIS_URL $(PY) manage.py runserver $(HOST):$(PORT)

## make test: the whole suite on PostgreSQL + Redis, then the embedded subset on SQLite
test: install
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest -p no:cacheprovider
	env -u DATABASE_URL -u REDIS_URL $(VENV)/bin/pytest -p no:cacheprovider -m embedded

test-embedded: install
	env -u DATABASE_URL -u REDIS_URL $(VENV)/bin/pytest -p no:cacheprovider -m embedded

lint: install
	$(VENV)/bin/ruff check .

messages: install
	cd $(CURDIR) && $(PY) manage.py makemessages -l vi -l en --no-obsolete --ignore='.venv/*' --ignore='static/*' --ignore='tests/*'
	$(PY) manage.py compilemessages --ignore='.venv/*'

check-deploy: install
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DEBUG=false \
	  SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9) \
	  ALLOWED_HOSTS=theodoi.example.vn $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf var staticfiles .pytest_cache
