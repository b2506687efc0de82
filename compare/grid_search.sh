#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Grid-search benchmark: scikit-learn GridSearchCV(GradientBoostingRegressor) vs
# `ml-workflow train --dataset boston-housing --json`, same data, split, grid and folds.
#
#   compare/grid_search.sh                      # both sides
#   SIDES=python compare/grid_search.sh         # only scikit-learn (SIDES=rust: only ml-workflow)
#
# Env: ML_WORKFLOW_DATA (dir with housing.csv, default data/), ML_WORKFLOW_BIN (binary;
# default ${CARGO_TARGET_DIR:-target}/release/ml-workflow, built if missing),
# PY_REPEATS (fits timed in one Python process, min taken; default 3),
# RUST_RUNS (ml-workflow processes, best taken; default 5),
# RUN_TIMEOUT (seconds allowed to each Python process or ml-workflow run; default 900).
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_cd_root
bench_sides
bench_housing_csv

PY_REPEATS="${PY_REPEATS:-3}"
RUST_RUNS="${RUST_RUNS:-5}"
RUN_TIMEOUT="${RUN_TIMEOUT:-900}"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

REPORT_ARGS=()
# Resolve (or build) the binary first, so a missing one fails before the long Python run.
if ((WANT_RS)); then
  bench_rust_bin
fi

if ((WANT_PY)); then
  # shellcheck source=python/venv.sh
  source compare/python/venv.sh
  echo "scikit-learn: GridSearchCV.fit x $PY_REPEATS in one process ..." >&2
  timeout --foreground "$RUN_TIMEOUT" "$BENCH_PYTHON" compare/python/grid_search.py \
    --data "$BENCH_HOUSING_CSV" --repeats "$PY_REPEATS" >"$TMP/py.json" ||
    die "grid_search.py failed or exceeded ${RUN_TIMEOUT}s"
  REPORT_ARGS+=(--py "$TMP/py.json")
fi

if ((WANT_RS)); then
  rs_files=()
  walls=()
  for ((i = 1; i <= RUST_RUNS; i++)); do
    t0="$(bench_now)"
    if ! timeout --foreground "$RUN_TIMEOUT" "$BENCH_BIN" train --dataset boston-housing --json \
      >"$TMP/rs_$i.json" 2>"$TMP/rs_$i.err"; then
      cat "$TMP/rs_$i.err" >&2
      die "'$BENCH_BIN train --dataset boston-housing --json' failed or exceeded ${RUN_TIMEOUT}s (run $i)"
    fi
    t1="$(bench_now)"
    wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')"
    echo "ml-workflow: run $i/$RUST_RUNS: ${wall} s wall" >&2
    rs_files+=("$TMP/rs_$i.json")
    walls+=("$wall")
  done
  REPORT_ARGS+=(--rs "${rs_files[@]}" --walls "${walls[@]}")
fi

"${BENCH_PYTHON:-python3}" compare/python/report.py grid "${REPORT_ARGS[@]}"
