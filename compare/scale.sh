#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Histogram gradient boosting at scale, side by side in one run: on make_friedman1 data
# (20 features, noise 1, random_state 0; written once per size to a CSV), the same 80/20 split
# and hyperparameters (100 iterations, 31 leaves, learning rate 0.1, 255 bins, 20 rows a leaf,
# no early stopping), it times
#   - ml-workflow's whole `train --csv FILE --target y --model hist-gbm --folds 0` (read, bin,
#     fit, evaluate),
#   - scikit-learn's HistGradientBoostingRegressor, LightGBM and XGBoost (hist) fits alone, on
#     arrays already in memory (every core),
# and prints seconds, ratios to ml-workflow, held-out RMSE and each process's peak memory
# (/usr/bin/time -v; the Python peers' include pandas reading the CSV).
#
# With TASK=classification the target is binary text ("yes" when friedman1's number is above
# 14.4, about its median): ml-workflow trains HistGradientBoostingClassifier's twin, the peers
# their classifiers with log loss, on the same stratified split; the last columns are the
# held-out log loss and accuracy.
#
#   compare/scale.sh                  # 100000 and 1000000 rows
#   ROWS="100000 1000000 3000000" compare/scale.sh
#   TASK=classification compare/scale.sh
#
# Env: ML_WORKFLOW_BIN (binary; default ${CARGO_TARGET_DIR:-target}/release/ml-workflow,
# built if missing), ROWS, TASK, KEEP (a folder to keep the CSVs in between runs).
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_cd_root
bench_rust_bin
# shellcheck source=python/venv.sh
source compare/python/venv.sh
bench_need_gnu_time

ROWS="${ROWS:-100000 1000000}"
TASK="${TASK:-regression}"
case "$TASK" in
  regression) metric="test RMSE" ;;
  classification) metric="log loss / accuracy" ;;
  *) echo "TASK is regression or classification, not $TASK" >&2; exit 2 ;;
esac
# The held-out figure(s) of a report: ours (`train --json`'s test) or a peer's.
score() {
  "$BENCH_PYTHON" -c 'import json,sys
d = json.load(open(sys.argv[1])); t = d.get("test", d)
print("%.6f" % t["rmse"] if "rmse" in t else "%.6f / %.4f" % (t["log_loss"], t["accuracy"]))' "$1"
}
DATA="${KEEP:-$(mktemp -d)}"
mkdir -p "$DATA"
[[ -n "${KEEP:-}" ]] || trap 'rm -rf "$DATA"' EXIT

printf '%9s  %-30s %9s %7s %9s  %s\n' rows side seconds ratio "peak MiB" "$metric"
for n in $ROWS; do
  csv="$DATA/friedman1-$TASK-$n.csv"
  [[ -f "$csv" ]] || "$BENCH_PYTHON" compare/python/scale.py generate "$n" "$csv" "$TASK"
  read -r ours ours_mem < <(bench_measure "$DATA/ours.json" "$BENCH_BIN" train --csv "$csv" \
    --target y --model hist-gbm --folds 0 --json --no-save)
  printf '%9s  %-30s %9s %7s %9s  %s\n' "$n" "ml-workflow (whole command)" "$ours" "1.00" \
    "$ours_mem" "$(score "$DATA/ours.json")"
  for peer in sklearn lightgbm xgboost; do
    read -r _ mem < <(bench_measure "$DATA/$peer.json" "$BENCH_PYTHON" compare/python/scale.py \
      fit "$peer" "$csv" "$TASK")
    secs=$("$BENCH_PYTHON" -c 'import json,sys; print("%.2f" % json.load(open(sys.argv[1]))["seconds"])' "$DATA/$peer.json")
    printf '%9s  %-30s %9s %7s %9s  %s\n' "$n" "$peer (fit only)" "$secs" \
      "$(awk -v a="$secs" -v b="$ours" 'BEGIN {printf "%.2f", a / b}')" "$mem" "$(score "$DATA/$peer.json")"
  done
done
