#!/usr/bin/env bash
# Execute notebooks in place on the project's Rust kernel (nbconvert, no timing metadata), then
# fail if any of them hides a failure (scripts/check_notebooks.py: errors, stderr, panics).
#
#   scripts/run_notebooks.sh                          # every notebooks/*.ipynb ('make notebooks')
#   scripts/run_notebooks.sh notebooks/01-height-weight.ipynb
#
# Environment: VENV (.venv), CELL_TIMEOUT seconds per cell (3600: a cold kernel builds the
# crate's dependencies in its first cell)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV="${VENV:-.venv}"
[[ -x "${VENV}/bin/jupyter" ]] || { echo "run_notebooks: no Jupyter in ${VENV}: run 'make setup'" >&2; exit 1; }
if (($# == 0)); then set -- notebooks/*.ipynb; fi

for notebook in "$@"; do
    echo "==> executing ${notebook}"
    start=${SECONDS}
    "${VENV}/bin/jupyter" nbconvert --to notebook --execute --inplace \
        --ExecutePreprocessor.kernel_name=rust \
        --ExecutePreprocessor.timeout="${CELL_TIMEOUT:-3600}" \
        --ExecutePreprocessor.record_timing=False \
        "${notebook}"
    echo "    $((SECONDS - start)) s"
done
"${VENV}/bin/python" scripts/check_notebooks.py "$@"
