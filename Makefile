# The chapter's targets (setup, install, test, lint, all) plus run and the project's own.
# CARGO_TARGET_DIR, if set, is honoured (CI keeps it outside the clone as a build cache).

SHELL := /bin/bash
CARGO ?= cargo
VENV ?= .venv
PYTHON ?= python3
BIN = $(or $(CARGO_TARGET_DIR),target)/release/ml-workflow

# Beside a checkout that has ../shared/data, use it as the dataset cache; elsewhere the crate
# downloads into data/ on first use (see data/README.md).
ifneq ($(wildcard ../shared/data/housing.csv),)
export ML_WORKFLOW_DATA ?= $(abspath ../shared/data)
endif

.PHONY: all setup install build lint test run model serve bench clean help

help:
	@echo "make run      the main job: describe both datasets, train the Boston model, show where outputs are"
	@echo "make test     lint, then every test"
	@echo "make setup    the project's Python venv with the pinned tools ($(VENV))"
	@echo "make install  setup + release build"
	@echo "make lint     cargo fmt --check, clippy -D warnings, Dockerfile/manifests/scripts"
	@echo "make model    train the Boston model into models/boston-housing.json"
	@echo "make serve    serve that model on 127.0.0.1:8080"
	@echo "make bench    criterion benches, then the side-by-side scikit-learn and Flask benchmarks"

all: install lint test

setup: $(VENV)/.stamp

$(VENV)/.stamp: requirements-dev.txt
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: setup build

build:
	$(CARGO) build --release --locked

lint: setup
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --all-targets -- -D warnings
	VENV=$(VENV) scripts/lint_deploy.sh

test: lint
	$(CARGO) test --release --locked
	scripts/check_container.sh

model: build
	$(BIN) train --dataset boston-housing --out models/boston-housing.json

run: build
	$(BIN) datasets
	$(BIN) describe height-weight
	$(BIN) describe boston-housing
	$(BIN) train --dataset boston-housing --out models/boston-housing.json
	@echo
	@echo "model artifact: models/boston-housing.json  (serve it: $(BIN) serve --model models/boston-housing.json)"

serve: model
	$(BIN) serve --model models/boston-housing.json

bench:
	$(CARGO) bench --locked
	bench/grid_search.sh
	bench/serve.sh

clean:
	$(CARGO) clean
