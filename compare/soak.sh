#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Soak and idle-connection check of `ml-workflow serve` on 127.0.0.1 (compare/python/soak.py):
# 64 keep-alive clients send a mix of good, bad and large requests for SOAK_SECONDS, then 2,000
# idle or half-header connections sit open while /health is measured from another client.
#
#   compare/soak.sh                       # 10 minutes, as the figures in docs/benchmarks.md
#   SOAK_SECONDS=60 compare/soak.sh       # a quick run
#
# Env: ML_WORKFLOW_DATA, ML_WORKFLOW_BIN (as in grid_search.sh), SOAK_SECONDS (default 600),
# SOAK_CONNECTIONS (64), SOAK_IDLE (2000), SERVE_FLAGS (extra `serve` flags, default
# "--threads 1", what a 1-CPU pod runs). Prints soak.py's JSON report; exits 1 if a check fails.
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_cd_root
bench_housing_csv
bench_rust_bin

readonly HOST=127.0.0.1 # never anything but loopback
SOAK_SECONDS="${SOAK_SECONDS:-600}"
SOAK_CONNECTIONS="${SOAK_CONNECTIONS:-64}"
SOAK_IDLE="${SOAK_IDLE:-2000}"
SERVE_FLAGS="${SERVE_FLAGS:---threads 1}"
[[ "$SOAK_SECONDS" =~ ^[1-9][0-9]*$ ]] || die "SOAK_SECONDS must be a whole number of seconds"

TMP="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

"$BENCH_BIN" train --dataset boston-housing --out "$TMP/model.json" >/dev/null
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# shellcheck disable=SC2086 # SERVE_FLAGS is a list of flags
"$BENCH_BIN" serve --model "$TMP/model.json" --addr "$HOST:$port" $SERVE_FLAGS \
  >"$TMP/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://$HOST:$port/health/ready', timeout=1)" \
    2>/dev/null && break
  sleep 0.2
done
log "soak: ${SOAK_SECONDS}s x ${SOAK_CONNECTIONS} connections, then ${SOAK_IDLE} idle connections (server pid $SERVER_PID)"
python3 compare/python/soak.py --base "http://$HOST:$port" --pid "$SERVER_PID" \
  --seconds "$SOAK_SECONDS" --connections "$SOAK_CONNECTIONS" --idle "$SOAK_IDLE"
