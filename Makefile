# The chapter's targets (setup, install, test, lint, all) plus run and the project's own.
# CARGO_TARGET_DIR, if set, is honoured (CI keeps it outside the clone as a build cache).

SHELL := /bin/bash
CARGO ?= cargo
VENV ?= .venv
PYTHON ?= python3
BIN = $(or $(CARGO_TARGET_DIR),target)/release/ml-workflow

# The make targets keep the datasets in the checkout's data/ (downloaded on first use, see
# data/README.md), or use ../shared/data beside a checkout that has it. Outside make, the crate
# caches them in the user's cache folder (~/.cache/ml-workflow/data on Linux).
ifneq ($(wildcard ../shared/data/housing.csv),)
export ML_WORKFLOW_DATA ?= $(abspath ../shared/data)
else
export ML_WORKFLOW_DATA ?= $(abspath data)
endif

.PHONY: all setup kernel install build lint test test-notebooks test-lab gallery notebooks lab run model serve bench clean help

help:
	@echo "make run      the main job: execute the notebooks (which save the Boston and houses models), show where outputs are"
	@echo "make test     lint, then every test"
	@echo "make setup    the project's Python venv with the pinned tools ($(VENV)) and the Rust kernel"
	@echo "make notebooks  execute the notebooks in place;  make lab  JupyterLab with the project's kernel"
	@echo "make gallery  every chart as PNG beside seaborn's drawing of the same data (gallery/out/index.html)"
	@echo "make test-lab  the notebooks run in a real JupyterLab driven by Chromium (screenshots, timings in target-lab/)"
	@echo "make install  setup + release build"
	@echo "make lint     cargo fmt --check, clippy -D warnings, Dockerfile/manifests/scripts"
	@echo "make model    train the Boston model into models/boston-housing.json"
	@echo "make serve    serve that model on 127.0.0.1:8080"
	@echo "make bench    criterion benches, then the side-by-side scikit-learn and Flask benchmarks"

all: install lint test

setup: $(VENV)/.stamp kernel

# evcxr_jupyter (pinned; cargo install skipped when already on the PATH) and its kernelspec,
# registered inside the venv.
kernel: $(VENV)/.stamp
	VENV=$(VENV) scripts/setup_kernel.sh

$(VENV)/.stamp: requirements-dev.txt
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: setup build

build:
	$(CARGO) build --release --locked

lint: $(VENV)/.stamp
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --all-targets -- -D warnings
	$(CARGO) clippy --locked --lib --no-default-features -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --locked --no-deps
	VENV=$(VENV) scripts/lint_deploy.sh

test: lint
	$(CARGO) test --release --locked
	ML_WORKFLOW_BIN=$(BIN) $(VENV)/bin/pytest -p no:cacheprovider -q tests/python
	scripts/check_container.sh
	$(MAKE) test-notebooks
	$(MAKE) test-lab

# The notebooks against their committed outputs (nbval), and the guard that catches the
# panics and ? errors nbconvert lets through.
test-notebooks: setup
	$(VENV)/bin/pytest -p no:cacheprovider --nbval --nbval-cell-timeout=3600 notebooks/
	$(VENV)/bin/python scripts/check_notebooks.py notebooks/*.ipynb
	JUPYTER_PATH=$(VENV)/share/jupyter $(VENV)/bin/python scripts/check_two_kernels.py
	$(VENV)/bin/python scripts/check_kernel_lock.py --self-test
	$(VENV)/bin/python scripts/check_kernel_lock.py Cargo.lock $(VENV)/share/jupyter/kernels/rust/kernel.json
	scripts/check_kernel_slots.sh
	VENV=$(VENV) scripts/check_notebook_guard.sh
	VENV=$(VENV) scripts/check_binder.sh

# The notebooks in a real JupyterLab, driven by Debian's Chromium through Playwright (pinned in
# requirements-dev.txt; it never downloads a browser): copies in target-lab/, 01 and 02 run at
# once, then 03; fails on an error, stderr, or a chart or table that did not render. Screenshots
# and timings (kernel start, time to first output, per cell) land in target-lab/.
test-lab: setup
	scripts/ensure_chromium.sh
	JUPYTER_PATH=$(VENV)/share/jupyter VENV=$(VENV) $(VENV)/bin/python scripts/test_lab.py

# Every chart the crate draws, from the notebooks' data, rendered to PNG with resvg beside
# seaborn's drawing of the same data (compare/python/gallery.py, in the compare venv), on one
# page: gallery/out/index.html. The chart images in docs/images/ are copies of gallery/out/rust/*.png.
gallery:
	$(CARGO) run --release --locked --example gallery -- gallery/out
	"$$(compare/python/venv.sh)" compare/python/gallery.py gallery/out
	@echo "open gallery/out/index.html"

# Execute every notebook in place (commit the result when a change alters its outputs).
notebooks: setup
	VENV=$(VENV) scripts/run_notebooks.sh

lab: setup
	$(VENV)/bin/jupyter lab notebooks/

# Retrain (always); 'make serve' only trains when no artifact exists (make run's notebook writes one).
model: build
	$(BIN) train --dataset boston-housing --out models/boston-housing.json

models/boston-housing.json:
	$(MAKE) model

run: build setup
	$(BIN) datasets
	VENV=$(VENV) scripts/run_notebooks.sh
	@echo
	@echo "notebooks executed in place: notebooks/01-height-weight.ipynb, notebooks/02-boston-housing.ipynb, notebooks/03-your-own-data.ipynb, notebooks/04-classification.ipynb"
	@echo "model artifact: models/boston-housing.json  (serve it: make serve, or $(BIN) serve --model models/boston-housing.json)"

serve: build models/boston-housing.json
	$(BIN) serve --model models/boston-housing.json

bench:
	$(CARGO) bench --locked
	compare/grid_search.sh
	compare/serve.sh

clean:
	$(CARGO) clean
