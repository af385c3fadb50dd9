# ConflictKB: the two commands are `make run` and `make test`; everything else is a step of them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
# Gazetteer files loaded on top of cities500 (village-level places): whatever ../shared/gazetteer/
# holds (GeoNames dumps .zip/.txt, OCHA populated places .xlsx/.csv, OpenStreetMap
# .geojson/.osm.pbf) plus your own GAZETTEER_FILES; files loaded before are skipped by checksum.
SHARED_GAZETTEER := $(wildcard $(addprefix ../shared/gazetteer/*,.zip .txt .xlsx .csv .geojson .osm.pbf))
GAZETTEER_FILES ?=
GEONAMES_DUMPS ?=
PIP := $(VENV)/bin/pip
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DATABASE_URL ?= postgis://conflictkb:conflictkb@127.0.0.1:5432/conflictkb
REDIS_URL ?= redis://127.0.0.1:6379/0
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
export DATABASE_URL REDIS_URL

DEBIAN_PACKAGES := postgresql-15 postgresql-15-postgis-3 gdal-bin redis-server chromium fonts-dejavu-core
# Node.js/npm install the front-end assets; any npm will do (a NodeSource build bundles its own).
NODE_PACKAGES := nodejs npm

say = @printf '\n\033[1m==> %s\033[0m\n' "$(1)"

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

.PHONY: system
system: ## install the Debian packages that are missing (PostGIS, Redis, GDAL, Chromium)
	$(call say,Checking Debian packages)
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v npm >/dev/null 2>&1 || missing="$$missing $(NODE_PACKAGES)"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -q; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	else echo "all present: $(DEBIAN_PACKAGES) npm"; fi

$(VENV)/.installed: pyproject.toml
	$(call say,Installing Python packages into $(VENV))
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip wheel
	$(PIP) install -q -e '.[dev]'
	@touch $@

.PHONY: venv
venv: $(VENV)/.installed ## create the virtualenv and install the Python packages

.PHONY: services
services: ## start PostgreSQL/PostGIS and Redis unless they already answer (idempotent)
	$(call say,Starting services)
	@$(PY) -m conflictkb.services

node_modules/.installed: package.json package-lock.json
	$(call say,Installing front-end assets (npm ci: Leaflet, world borders))
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: assets
assets: node_modules/.installed ## install the front-end assets the pages serve (no CDN)

.PHONY: install
install: system venv assets ## everything the product needs on this machine

.PHONY: setup
# DEBUG is false, so Django needs a secret key: one made for this checkout, kept in .secret-key,
# which the settings read when SECRET_KEY is not in the environment.
.secret-key:
	@umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

setup: install .secret-key services ## install, start services, migrate, load the gazetteer and the registry
	$(call say,Migrating the database)
	$(PY) manage.py migrate --no-input
	$(call say,Loading the gazetteer (GeoNames cities500 and countries, then village-level files))
	$(PY) manage.py load_gazetteer --if-outdated $(SHARED_GAZETTEER) $(GEONAMES_DUMPS) $(GAZETTEER_FILES)
	$(call say,Loading the actor and accord registry)
	$(PY) manage.py load_registry
	$(PY) manage.py collectstatic --no-input -v 0

.PHONY: demo
demo: setup ## ingest the demo corpus (../shared/corpus when present)
	$(call say,Loading the demo corpus)
	$(PY) manage.py load_demo
	$(call say,Queueing articles an older pipeline version extracted)
	$(PY) manage.py reextract --outdated --no-wait

.PHONY: run
run: demo ## the product: web on http://$(HOST):$(PORT), a Celery worker and beat
	$(call say,Serving on http://$(HOST):$(PORT)/ with a Celery worker and beat (Ctrl-C stops all))
	@mkdir -p media; trap 'kill 0' EXIT INT TERM; \
	$(VENV)/bin/celery -A conflictkb worker -l info --concurrency 2 & \
	$(VENV)/bin/celery -A conflictkb beat -l info --schedule media/celerybeat-schedule & \
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload & \
	wait

.PHONY: test
test: setup ## the whole test suite, against real PostGIS, Redis, Celery, spaCy and Chromium
	$(call say,Checking the code with ruff)
	$(VENV)/bin/ruff check .
	$(call say,Running the test suite)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

.PHONY: lint
lint: venv ## ruff
	$(VENV)/bin/ruff check .

.PHONY: bench
bench: setup ## the benchmarks; figures go to docs/benchmarks.md by hand
	$(PY) bench/extraction_accuracy.py --data ../shared/eval/acled_dev.jsonl
	$(PY) bench/throughput.py
