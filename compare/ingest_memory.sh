#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Peak memory of reading a large CSV: `ml-workflow describe FILE` beside pandas'
# `read_csv(FILE).describe()`, each run once under GNU time (wall time and maximum resident set size),
# on a generated numeric CSV (20 float columns, seeded) of about SIZE_MB megabytes, and on a
# mixed one (numbers, a text column with gaps, a boolean). Then reading alone, the best of five
# reads in one process each: the crate's `read_csv` (examples/read_csv.rs) beside pandas'
# `read_csv` (C engine), timed inside the process, so start-up and imports are left out.
#
#   compare/ingest_memory.sh            # 200 MB
#   SIZE_MB=50 compare/ingest_memory.sh
#
# Env: ML_WORKFLOW_BIN (binary; default ${CARGO_TARGET_DIR:-target}/release/ml-workflow,
# built if missing), SIZE_MB (default 200).
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_cd_root
bench_rust_bin
# shellcheck source=python/venv.sh
source compare/python/venv.sh
bench_need_gnu_time

SIZE_MB="${SIZE_MB:-200}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

"$BENCH_PYTHON" - "$TMP" "$SIZE_MB" <<'PY'
import sys
import numpy as np
folder, size_mb = sys.argv[1], int(sys.argv[2])
rng = np.random.RandomState(0)
target = size_mb * 1_000_000
for name, mixed in (("numeric", False), ("mixed", True)):
    with open(f"{folder}/{name}.csv", "w") as f:
        cols = [f"x{i}" for i in range(18 if mixed else 20)]
        f.write(",".join(cols + (["city", "flag"] if mixed else [])) + "\n")
        cities = np.array(["north", "east", "south", "west", "centre", ""])
        while f.tell() < target:
            block = rng.normal(0, 100, size=(20_000, len(cols)))
            lines = [",".join(f"{v:.6f}" for v in row) for row in block]
            if mixed:
                c = cities[rng.randint(0, 6, size=len(lines))]
                b = np.where(rng.randint(0, 2, size=len(lines)) == 1, "True", "False")
                lines = [f"{l},{ci},{bi}" for l, ci, bi in zip(lines, c, b)]
            f.write("\n".join(lines) + "\n")
PY

printf '%-8s %9s | %-28s %9s %9s %10s\n' file "size MiB" reader "peak MiB" "× file" seconds
for name in numeric mixed; do
  file="$TMP/$name.csv"
  size=$(($(stat -c %s "$file") / 1048576))
  for side in ml-workflow pandas; do
    if [[ $side == ml-workflow ]]; then
      cmd=("$BENCH_BIN" describe "$file" --include all)
    else
      cmd=("$BENCH_PYTHON" -c "import pandas as pd, sys; pd.read_csv(sys.argv[1]).describe(include='all')" "$file")
    fi
    # One run gives both the wall time and the peak.
    read -r s p < <(bench_measure "$TMP/$side.out" "${cmd[@]}")
    printf '%-8s %9s | %-28s %9s %9s %10s\n' "$name" "$size" "$side describe" "$p" \
      "$(awk -v p="$p" -v f="$size" 'BEGIN {printf "%.2f", p / f}')" "$s"
  done
done

cargo build --release --example read_csv >&2 || die "cargo build --release --example read_csv failed."
reader="${CARGO_TARGET_DIR:-target}/release/examples/read_csv"
echo
printf '%-8s %9s | %-28s %9s %9s\n' file "size MiB" reader "best of 5" "× ours"
for name in numeric mixed; do
  file="$TMP/$name.csv"
  size=$(($(stat -c %s "$file") / 1048576))
  ours=$("$reader" "$file" 5 | awk '{print $3}')
  theirs=$("$BENCH_PYTHON" - "$file" <<'PY'
import sys
import time

import pandas as pd

best = float("inf")
for _ in range(5):
    start = time.perf_counter()
    pd.read_csv(sys.argv[1])
    best = min(best, time.perf_counter() - start)
print(f"{best:.3f}")
PY
)
  printf '%-8s %9s | %-28s %9s %9s\n' "$name" "$size" "ml-workflow read_csv" "$ours" 1.00
  printf '%-8s %9s | %-28s %9s %9s\n' "$name" "$size" "pandas read_csv" "$theirs" \
    "$(awk -v a="$theirs" -v b="$ours" 'BEGIN {printf "%.2f", a / b}')"
done
