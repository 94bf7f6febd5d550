# PixelSQL developer and CI entry points.
#
#   make run          start the server (installs the venv first)
#   make test         lint + type-check + tests (CI runs this through .ci/run)
#   make bench        wire benchmark against PostgreSQL 15 and in-process DuckDB
#   make system-deps  Debian packages the tests need (PostgreSQL 15, psql, pgbench, openssl,
#                     pgjdbc + a JDK, Node.js + npm)
#   make node-deps    node-postgres for tests/node (npm ci, only when the lock changed)

PYTHON   ?= python3
VENV     ?= .venv
HOST     ?= 127.0.0.1
PORT     ?= 5433
DATA_DIR ?= ./data
AUTH     ?= auto
BENCH_ARGS ?= --quick

BIN    := $(VENV)/bin
PG_BIN := /usr/lib/postgresql/15/bin
PGJDBC_JAR := /usr/share/java/postgresql.jar
NODE_DIR := tests/node
# apt-get needs root; use sudo when we are not root and it exists.
SUDO   := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && echo sudo)
APT_INSTALL := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	-o Dpkg::Use-Pty=0

.DEFAULT_GOAL := help
.PHONY: help install run system-deps node-deps test lint typecheck bench clean distclean

help:
	@echo "targets: install run test lint typecheck bench system-deps node-deps clean distclean"
	@echo "vars: PYTHON=$(PYTHON) VENV=$(VENV) HOST=$(HOST) PORT=$(PORT) DATA_DIR=$(DATA_DIR) AUTH=$(AUTH)"

install: $(VENV)/.installed

# The stamp is rebuilt when pyproject.toml changes (new dependencies).
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
		echo "installing python3-venv"; \
		$(SUDO) apt-get update -qq && $(APT_INSTALL) python3-venv >/dev/null; }
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@# The pinned torch wheels install from local disk; they go in first so that the '[ml]'
	@# ranges in pyproject are already satisfied and pip fetches no other torch.
	@$(BIN)/python -m pip install -q torch==2.14.1 torchvision==0.29.1
	@$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

run: install
	exec $(BIN)/pixelsql serve --host $(HOST) --port $(PORT) --data-dir $(DATA_DIR) --auth $(AUTH)

# Installs only what is missing, so it is a no-op (no apt at all) on a prepared machine.
# postgresql-common goes in first so that no "main" cluster is created and started: it would
# take port 5432 (or 5433, our default, when 5432 is busy). Tests start their own clusters.
system-deps:
	@missing=""; \
	for f in $(PG_BIN)/postgres $(PG_BIN)/initdb $(PG_BIN)/pg_ctl $(PG_BIN)/pgbench; do \
		[ -x $$f ] || missing="$$missing postgresql-15"; done; \
	command -v psql >/dev/null 2>&1 || missing="$$missing postgresql-client-15"; \
	command -v openssl >/dev/null 2>&1 || missing="$$missing openssl"; \
	[ -f $(PGJDBC_JAR) ] || missing="$$missing libpostgresql-jdbc-java"; \
	command -v javac >/dev/null 2>&1 || missing="$$missing default-jdk-headless"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	missing=$$(echo $$missing | tr ' ' '\n' | sort -u | tr '\n' ' '); \
	if [ -n "$$(echo $$missing)" ]; then \
		echo "installing system packages: $$missing"; \
		$(SUDO) apt-get update -qq || exit 1; \
		if echo "$$missing" | grep -q postgresql-15; then \
			$(APT_INSTALL) postgresql-common >/dev/null || exit 1; \
			$(SUDO) sed -ri 's/^#?[[:space:]]*create_main_cluster.*/create_main_cluster = false/' \
				/etc/postgresql-common/createcluster.conf || exit 1; \
		fi; \
		$(APT_INSTALL) $$missing >/dev/null || exit 1; \
	fi

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

# node-postgres for the driver tests. `npm ci` installs exactly what the committed lock says;
# the stamp reruns it only when package.json or the lock changes (or node_modules is gone).
node-deps: $(NODE_DIR)/node_modules/.installed

$(NODE_DIR)/node_modules/.installed: $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json | system-deps
	cd $(NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test: install system-deps node-deps
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q --durations=15

bench: install system-deps
	$(BIN)/python bench/wire.py $(BENCH_ARGS)

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache build *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(NODE_DIR)/node_modules
