#!/usr/bin/env bash
# Make sure compare/.venv exists with the pins of compare/python/requirements.txt.
#
#   compare/python/venv.sh            # create/refresh it, print the venv's python path
#   source compare/python/venv.sh     # same, then BENCH_PYTHON and BENCH_VENV are set
#
# The venv is rebuilt from scratch when requirements.txt (or the base interpreter)
# changes: a sha256 of both is kept in compare/.venv/.requirements.sha256.
# PYTHON picks the base interpreter (default: python3).

_bench_venv_main() {
  local here req venv base stamp want have log
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  req="$here/requirements.txt"
  venv="$(cd "$here/.." && pwd)/.venv"
  base="${PYTHON:-python3}"
  stamp="$venv/.requirements.sha256"

  if ! command -v "$base" >/dev/null 2>&1; then
    echo "venv.sh: '$base' not found; install Python 3.11+ or set PYTHON=/path/to/python3" >&2
    return 1
  fi
  want="$({ cat "$req"; "$base" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)"
  have="$(cat "$stamp" 2>/dev/null || true)"

  if [[ "$want" != "$have" || ! -x "$venv/bin/python" ]]; then
    echo "venv.sh: creating $venv (pins from ${req#"$PWD"/})" >&2
    rm -rf "$venv"
    log="$(mktemp)"
    if ! { "$base" -m venv "$venv" &&
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip &&
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"; } >"$log" 2>&1; then
      cat "$log" >&2
      rm -f "$log"
      echo "venv.sh: could not build $venv (see above)" >&2
      return 1
    fi
    rm -f "$log"
    echo "$want" >"$stamp"
  fi
  BENCH_VENV="$venv"
  BENCH_PYTHON="$venv/bin/python"
  export BENCH_VENV BENCH_PYTHON
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  # Executed, not sourced: strict mode here only, so a sourcing shell keeps its own options.
  set -euo pipefail
  _bench_venv_main
  echo "$BENCH_PYTHON"
else
  _bench_venv_main
fi
