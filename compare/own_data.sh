#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Held-out accuracy on a generated mixed table (numbers, text, booleans, gaps): every model
# through `ml-workflow train --csv`, beside scikit-learn's standard pipeline (median imputer +
# scaler, one-hot encoder) with the same model, split and defaults.
#
#   compare/own_data.sh [ROWS]        # default 2000 rows
#
# Env: ML_WORKFLOW_BIN (binary; default ${CARGO_TARGET_DIR:-target}/release/ml-workflow,
# built if missing).
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_cd_root
bench_rust_bin
# shellcheck source=python/venv.sh
source compare/python/venv.sh
"$BENCH_PYTHON" compare/python/own_data.py "$BENCH_BIN" "${1:-2000}"
