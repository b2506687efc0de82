# shellcheck shell=bash disable=SC2034  # the variables set here are used by the sourcing scripts
# Helpers shared by compare/*.sh; sourced, not run. Callers set -euo pipefail themselves.
# die ("error: MESSAGE", exit 1) and the cd to the repository root come from scripts/common.sh.

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"

# cd to the repository root (the parent of compare/); BENCH_ROOT is its absolute path.
bench_cd_root() {
  cd_repo_root
  BENCH_ROOT="$PWD"
}

# Absolute path of housing.csv from ML_WORKFLOW_DATA (default: data/ at the repo root),
# or a helpful failure. Also exports ML_WORKFLOW_DATA as an absolute directory.
bench_housing_csv() {
  local dir="${ML_WORKFLOW_DATA:-$BENCH_ROOT/data}"
  if [[ ! -f "$dir/housing.csv" ]]; then
    {
      echo "error: housing.csv not found in '$dir'."
      echo "  Point ML_WORKFLOW_DATA at a directory holding housing.csv (Boston housing, 506 rows,"
      echo "  whitespace-separated, no header), e.g.  ML_WORKFLOW_DATA=/path/to/data $0"
      echo "  or copy the file to data/housing.csv at the repo root (the default cache dir)."
    } >&2
    exit 1
  fi
  ML_WORKFLOW_DATA="$(cd "$dir" && pwd)"
  export ML_WORKFLOW_DATA
  BENCH_HOUSING_CSV="$ML_WORKFLOW_DATA/housing.csv"
}

# Resolve the ml-workflow binary into BENCH_BIN (absolute path).
# ML_WORKFLOW_BIN wins; otherwise ${CARGO_TARGET_DIR:-target}/release/ml-workflow, built with
# cargo only when it does not exist yet.
bench_rust_bin() {
  local bin="${ML_WORKFLOW_BIN:-${CARGO_TARGET_DIR:-target}/release/ml-workflow}"
  if [[ -n "${ML_WORKFLOW_BIN:-}" && ! -x "$bin" ]]; then
    die "ML_WORKFLOW_BIN='$bin' is not an executable file (unset it to use/build the release binary)."
  fi
  if [[ ! -x "$bin" ]]; then
    command -v cargo >/dev/null 2>&1 ||
      die "'$bin' does not exist and cargo is not on PATH to build it: build it with 'cargo build --release --bin ml-workflow' or set ML_WORKFLOW_BIN (or SIDES=python for the Python side only)."
    echo "building $bin (cargo build --release --bin ml-workflow) ..." >&2
    cargo build --release --bin ml-workflow >&2 ||
      die "cargo build --release --bin ml-workflow failed (or set ML_WORKFLOW_BIN to a built binary)."
    [[ -x "$bin" ]] || die "cargo built, but '$bin' is still missing (is CARGO_TARGET_DIR right?)."
  fi
  BENCH_BIN="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
}

# SIDES=both|python|rust (default both): which halves of a benchmark to run.
bench_sides() {
  SIDES="${SIDES:-both}"
  case "$SIDES" in
  both | python | rust) ;;
  *) die "SIDES must be both, python or rust (got '$SIDES')." ;;
  esac
  WANT_PY=0
  WANT_RS=0
  [[ "$SIDES" == rust ]] || WANT_PY=1
  [[ "$SIDES" == python ]] || WANT_RS=1
}

# Current time in seconds with nanoseconds (GNU date).
bench_now() {
  date +%s.%N
}

# GNU time, needed for peak memory.
bench_need_gnu_time() {
  [[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is needed for peak memory: apt-get install time"
}

# Runs a command once under GNU time, its stdout to OUT (stderr to OUT.err); prints
# "wall_seconds peak_MiB".   bench_measure OUT COMMAND...
bench_measure() {
  local out="$1"
  shift
  /usr/bin/time -f "%e %M" -o "$out.time" "$@" >"$out" 2>"$out.err" ||
    die "failed: $* ($(tail -3 "$out.err"))"
  awk '{printf "%s %.0f\n", $1, $2 / 1024}' "$out.time"
}
