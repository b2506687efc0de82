#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# A classifier served beside a regressor of the same family on the same table and inputs:
# penguins' species (logistic regression; a classification tree) against their body mass
# (least squares; a regression tree), each from island, bill, flipper, sex and year, each
# served by `ml-workflow serve --threads 1` and driven by wrk with the same one-row payload on
# POST /predict, one after the other. Prints each pair's requests per second and their ratio.
#
#   compare/serve_classifier.sh               # DURATION=10s per run (WARMUP=2s before each)
#
# Env: ML_WORKFLOW_DATA, ML_WORKFLOW_BIN (as in serve.sh), DURATION, WARMUP, READY_TIMEOUT.
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_cd_root
bench_rust_bin

readonly HOST=127.0.0.1 # never anything but loopback
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-2s}"
READY_TIMEOUT="${READY_TIMEOUT:-120}"
PY=python3
PAYLOAD='[{"island":"Biscoe","bill_length_mm":47.5,"bill_depth_mm":15.0,"flipper_length_mm":218,"sex":"female","year":2008}]'
DATA="${ML_WORKFLOW_DATA:-data}/penguins.csv"
[[ -f "$DATA" ]] || die "no $DATA: set ML_WORKFLOW_DATA to the folder holding penguins.csv"

# shellcheck source=serve_common.sh
source compare/serve_common.sh

# The wrk script: the payload on POST /predict.
{
  echo 'wrk.method = "POST"'
  echo 'wrk.path = "/predict"'
  echo 'wrk.headers["Content-Type"] = "application/json"'
  printf "wrk.body = '%s'\n" "$PAYLOAD"
} >"$TMP/penguin.lua"

# train NAME TARGET DROP MODEL: an artifact in $TMP/NAME.json.
train() {
  local name="$1" target="$2" drop="$3" model="$4"
  timeout --foreground 600 "$BENCH_BIN" train --csv "$DATA" --target "$target" --drop "$drop" \
    --model "$model" --folds 0 --name "$name" --out "$TMP/$name.json" >"$TMP/train_$name.log" 2>&1 || {
    cat "$TMP/train_$name.log" >&2
    die "training $name failed"
  }
}

# measure NAME: serve $TMP/NAME.json on one thread, check one answer, then one wrk run.
measure() {
  local name="$1" port pid
  port="$(free_port)"
  setsid timeout "$SERVER_LIFETIME" "$BENCH_BIN" serve --model "$TMP/$name.json" \
    --addr "$HOST:$port" --threads 1 >"$TMP/serve_$name.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  wait_ready "$name" "$pid" "$TMP/serve_$name.log" get "http://$HOST:$port/health"
  "$PY" compare/python/http_probe.py post "http://$HOST:$port/predict" "$TMP/payload.json" >"$TMP/answer_$name.json" ||
    die "$name did not answer the payload"
  run_wrk "$name" "http://$HOST:$port/predict" "$TMP/wrk_$name.json" "$TMP/penguin.lua"
  stop_pid "$pid"
}

train logistic species body_mass_g logistic
train linear body_mass_g species linear
train tree_classifier species body_mass_g tree
train tree_regressor body_mass_g species tree
for name in logistic linear tree_classifier tree_regressor; do
  measure "$name"
done

echo
echo "wrk -t2 -c16 -d$DURATION, one penguin on POST /predict, ml-workflow serve --threads 1, on $HOST"
"$PY" - "$TMP" <<'EOF'
import json, pathlib, sys
tmp = pathlib.Path(sys.argv[1])
rps = {n: json.loads((tmp / f"wrk_{n}.json").read_text())["rps"]
       for n in ["logistic", "linear", "tree_classifier", "tree_regressor"]}
for classifier, regressor in [("logistic", "linear"), ("tree_classifier", "tree_regressor")]:
    answer = json.loads((tmp / f"answer_{classifier}.json").read_text())
    print(f"  {classifier:16} {rps[classifier]:>9.0f} req/s   {regressor:15} {rps[regressor]:>9.0f} req/s"
          f"   classifier/regressor {rps[classifier] / rps[regressor]:.3f}"
          f"   (answer {answer['prediction'][0]}, {len(answer['probabilities'][0])} probabilities)")
EOF
