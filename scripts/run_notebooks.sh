#!/usr/bin/env bash
# Execute notebooks in place on the project's Rust kernel (scripts/execute_notebooks.py: nbclient,
# no timing metadata, keeps evcxr's late stderr), then fail if any of them hides a failure
# (scripts/check_notebooks.py: errors, stderr, panics).
#
#   scripts/run_notebooks.sh                          # every notebooks/*.ipynb ('make notebooks')
#   scripts/run_notebooks.sh notebooks/01-height-weight.ipynb
#
# Environment: VENV (.venv), CELL_TIMEOUT seconds per cell (3600: a cold kernel builds the
# crate's dependencies in its first cell)
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd_repo_root

DIE_PREFIX="run_notebooks: "
VENV="${VENV:-.venv}"
[[ -x "${VENV}/bin/jupyter" ]] || die "no Jupyter in ${VENV}: run 'make setup'"
if (($# == 0)); then set -- notebooks/*.ipynb; fi

"${VENV}/bin/python" scripts/execute_notebooks.py --timeout "${CELL_TIMEOUT:-3600}" "$@"
"${VENV}/bin/python" scripts/check_notebooks.py "$@"
