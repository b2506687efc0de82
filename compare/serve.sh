#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Serving benchmark: the chapter's Flask app under gunicorn (2 sync workers) vs
# `ml-workflow serve`, both on 127.0.0.1, both driven by wrk with the chapter's payload,
# one after the other.
#
#   compare/serve.sh                     # both sides
#   SIDES=python compare/serve.sh        # only gunicorn+Flask (SIDES=rust: only ml-workflow)
#   DURATION=30s compare/serve.sh        # longer wrk runs (default 10s)
#   RS_THREADS="1 2 4" compare/serve.sh  # ml-workflow serve --threads values, one run each (default "1 2")
#
# One server thread is what a pod gets by default under deploy/k8s's 1-CPU limit, and it
# leaves wrk a core of its own on a 2-core machine; 2 threads is the default on 2 free cores.
#
# Env: ML_WORKFLOW_DATA, ML_WORKFLOW_BIN (as in grid_search.sh), DURATION (wrk -d, default 10s),
# WARMUP (discarded wrk run before each measurement, default 2s; 0 to skip),
# READY_TIMEOUT (seconds to wait for a server to answer, default 120).
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_cd_root
bench_sides
bench_housing_csv

readonly HOST=127.0.0.1 # never anything but loopback
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-2s}"
READY_TIMEOUT="${READY_TIMEOUT:-120}"
RS_THREADS="${RS_THREADS:-1 2}"
[[ "$RS_THREADS" =~ ^[1-9][0-9]*( [1-9][0-9]*)*$ ]] || die "RS_THREADS must be thread counts like '1 2', not '$RS_THREADS'"
[[ -z "$(tr ' ' '\n' <<<"$RS_THREADS" | sort | uniq -d)" ]] || die "RS_THREADS repeats a thread count: '$RS_THREADS'"
PAYLOAD='{"CHAS":{"0":0},"RM":{"0":6.575},"TAX":{"0":296.0},"PTRATIO":{"0":15.3},"B":{"0":396.9},"LSTAT":{"0":4.98}}'

if ((WANT_PY)); then
  # shellcheck source=python/venv.sh
  source compare/python/venv.sh
  PY="$BENCH_PYTHON"
else
  PY=python3
fi
if ((WANT_RS)); then
  bench_rust_bin
fi

# shellcheck source=serve_common.sh
source compare/serve_common.sh

REPORT_ARGS=()
RS_REPORTS=()
ROUTE_REPORTS=()
PRED_ARGS=()

if ((WANT_PY)); then
  echo "training the Flask side's model (GradientBoostingRegressor, 400 trees) ..." >&2
  timeout --foreground 600 "$PY" compare/python/app.py --data "$BENCH_HOUSING_CSV" --save "$TMP/model.joblib"
  PY_PORT="$(free_port)"
  PY_URL="http://$HOST:$PY_PORT/predict"
  BENCH_MODEL="$TMP/model.joblib" setsid timeout "$SERVER_LIFETIME" "$BENCH_VENV/bin/gunicorn" \
    --workers 2 --worker-class sync --bind "$HOST:$PY_PORT" --chdir compare/python \
    --log-level warning app:app >"$TMP/gunicorn.log" 2>&1 &
  PY_PID=$!
  PIDS+=("$PY_PID")
fi

if ((WANT_RS)); then
  echo "training the ml-workflow model ..." >&2
  timeout --foreground 600 "$BENCH_BIN" train --dataset boston-housing --out "$TMP/model.json" \
    >"$TMP/rs_train.log" 2>&1 || {
    cat "$TMP/rs_train.log" >&2
    die "'$BENCH_BIN train --dataset boston-housing --out ...' failed"
  }
fi

# start_rust THREADS: `ml-workflow serve --threads THREADS` on a free port; sets RS_PID, RS_BASE.
start_rust() {
  local threads="$1" port
  port="$(free_port)"
  RS_BASE="http://$HOST:$port"
  setsid timeout "$SERVER_LIFETIME" "$BENCH_BIN" serve --model "$TMP/model.json" \
    --addr "$HOST:$port" --threads "$threads" --log-requests all >"$TMP/rs_serve_$threads.log" 2>&1 &
  RS_PID=$!
  PIDS+=("$RS_PID")
  wait_ready "ml-workflow serve --threads $threads" "$RS_PID" "$TMP/rs_serve_$threads.log" get "$RS_BASE/health"
}

if ((WANT_PY)); then
  wait_ready "gunicorn+Flask" "$PY_PID" "$TMP/gunicorn.log" post "$PY_URL"
  "$PY" compare/python/http_probe.py post "$PY_URL" "$TMP/payload.json" >"$TMP/py_pred.json" ||
    die "gunicorn+Flask did not answer the chapter's payload"
  PRED_ARGS+=(--py "$TMP/py_pred.json")
fi
if ((WANT_PY)); then
  run_wrk flask "$PY_URL" "$TMP/py_wrk.json"
  stop_pid "$PY_PID" # idle or not, nothing else runs beside the next measurement
  REPORT_ARGS+=(--py "$TMP/py_wrk.json")
fi
if ((WANT_RS)); then
  for threads in $RS_THREADS; do
    start_rust "$threads"
    if [[ ! -s "$TMP/rs_pred.json" ]]; then # the payload's answer, from the first server
      "$PY" compare/python/http_probe.py post "$RS_BASE/predict" "$TMP/payload.json" >"$TMP/rs_pred.json" ||
        die "ml-workflow serve did not answer the chapter's payload at $RS_BASE/predict"
      PRED_ARGS+=(--rs "$TMP/rs_pred.json")
    fi
    run_wrk "rust_$threads" "$RS_BASE/predict" "$TMP/rs_wrk_$threads.json"
    RS_REPORTS+=("$threads:$TMP/rs_wrk_$threads.json")
    if [[ -z "${ROUTE_REPORTS[*]:-}" ]]; then # the other protocols, on the first server only
      run_wrk "rust_${threads}_invocations" "$RS_BASE/invocations" "$TMP/rs_inv.json" compare/invocations.lua
      run_wrk "rust_${threads}_v2" "$RS_BASE/v2/models/boston-housing/infer" "$TMP/rs_v2.json" compare/v2.lua
      ROUTE_REPORTS=("$threads:/invocations:$TMP/rs_inv.json" "$threads:/v2/models/boston-housing/infer:$TMP/rs_v2.json")
    fi
    stop_pid "$RS_PID"
  done
  REPORT_ARGS+=(--rs "${RS_REPORTS[@]}" --routes "${ROUTE_REPORTS[@]}")
fi

echo
"$PY" compare/python/report.py predictions "${PRED_ARGS[@]}"
echo
echo "wrk -t2 -c16 -d$DURATION --latency, the chapter's one-row payload (POST /predict unless named), on $HOST"
"$PY" compare/python/report.py wrk "${REPORT_ARGS[@]}"
