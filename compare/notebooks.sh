#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Notebook benchmark: the two evcxr notebooks and their Python twins
# (compare/python/notebooks/, pandas + seaborn + scikit-learn) executed with nbconvert one after
# the other, on a warm kernel build folder; prints wall time per notebook, the ratio, and the
# slowest cells of each side.
#
#   compare/notebooks.sh
#
# Env: ML_WORKFLOW_DATA (dir with both CSVs, default data/), VENV (the project venv with the
# Rust kernel, .venv; 'make setup' makes it). The Rust side's first cell compiles the crate
# into the kernel's build folder if it changed: run it twice and read the second run.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_cd_root
bench_housing_csv
VENV="${VENV:-.venv}"
[[ -x "$VENV/bin/jupyter" ]] || die "no Jupyter in $VENV: run 'make setup' first"
# shellcheck source=python/venv.sh
source compare/python/venv.sh

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

run() { # side jupyter kernel notebook
  local side="$1" jupyter="$2" kernel="$3" notebook="$4" start end
  mkdir -p "$TMP/$side"
  echo "$side: executing $notebook ..." >&2
  start="$EPOCHREALTIME"
  "$jupyter" nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name="$kernel" \
    --ExecutePreprocessor.timeout=3600 --output-dir "$TMP/$side" "$notebook" >"$TMP/$side.log" 2>&1 ||
    { cat "$TMP/$side.log" >&2; die "$notebook failed"; }
  end="$EPOCHREALTIME"
  echo "$side $(basename "$notebook") $start $end" >>"$TMP/walls.txt"
}

for nb in 01-height-weight 02-boston-housing; do
  run rust "$VENV/bin/jupyter" rust "notebooks/$nb.ipynb"
  run python "$(dirname "$BENCH_PYTHON")/jupyter" python3 "compare/python/notebooks/$nb.ipynb"
done

"$BENCH_PYTHON" - "$TMP" <<'PY'
import json, sys
from datetime import datetime
tmp = sys.argv[1]
walls = {}
for line in open(f"{tmp}/walls.txt"):
    side, name, start, end = line.split()
    walls[(side, name)] = float(end) - float(start)

def cells(side, name):
    out = []
    for cell in json.load(open(f"{tmp}/{side}/{name}"))["cells"]:
        t = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in t and "shell.execute_reply" in t:
            a, b = (datetime.fromisoformat(t[k].replace("Z", "+00:00")) for k in ("iopub.execute_input", "shell.execute_reply"))
            out.append(((b - a).total_seconds(), "".join(cell["source"]).splitlines()[0][:50]))
    return out

print(f"{'notebook':<26}{'Rust s':>9}{'Python s':>10}{'ratio':>8}   (whole nbconvert run, kernel start included)")
for name in ("01-height-weight.ipynb", "02-boston-housing.ipynb"):
    r, p = walls[("rust", name)], walls[("python", name)]
    print(f"{name:<26}{r:>9.1f}{p:>10.1f}{r / p:>7.2f}x")
for side in ("rust", "python"):
    for name in ("01-height-weight.ipynb", "02-boston-housing.ipynb"):
        c = cells(side, name)
        total = sum(s for s, _ in c)
        print(f"\n{side} {name}: cells {total:.1f} s of {walls[(side, name)]:.1f} s; slowest:")
        for s, src in sorted(c, reverse=True)[:4]:
            print(f"  {s:6.2f} s  {src}")
PY
