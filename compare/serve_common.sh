#!/usr/bin/env bash
# shellcheck shell=bash
# The serving benchmarks' shared part, sourced by serve.sh and serve_classifier.sh after they
# set HOST (loopback only), DURATION, WARMUP, READY_TIMEOUT, PAYLOAD and PY (a Python that
# runs compare/python's scripts): durations in seconds, wrk (installed from Debian when
# missing and root), a temporary folder holding the payload, servers started in their own
# process group and stopped with it (on exit too), readiness polling, and one measured wrk
# run parsed to JSON.
#
# The sourcing script sets the inputs and reads what this sets (SERVER_LIFETIME, TMP, PIDS):
# shellcheck disable=SC2034,SC2153
: "${HOST:?}" "${DURATION:?}" "${WARMUP:?}" "${READY_TIMEOUT:?}" "${PAYLOAD:?}" "${PY:?}"

# "10s" / "2m" / "1h" / "10" -> seconds
to_seconds() {
  local v="$1"
  [[ "$v" =~ ^([0-9]+)([smh]?)$ ]] || die "bad duration '$v' (use e.g. 10s, 2m)"
  case "${BASH_REMATCH[2]}" in
  m) echo $((BASH_REMATCH[1] * 60)) ;;
  h) echo $((BASH_REMATCH[1] * 3600)) ;;
  *) echo "${BASH_REMATCH[1]}" ;;
  esac
}
DURATION_S="$(to_seconds "$DURATION")"
WARMUP_S="$(to_seconds "$WARMUP")"
((DURATION_S > 0)) || die "DURATION must be positive"
# Upper bound on any server's life, in case this script is killed before its trap runs.
SERVER_LIFETIME=$((READY_TIMEOUT * 2 + (DURATION_S + WARMUP_S + 60) * 2 + 720))

if ! command -v wrk >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing wrk (apt-get) ..." >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } >/dev/null ||
      die "apt-get install wrk failed"
  else
    die "wrk is not installed: install the Debian package 'wrk' (apt-get install wrk) as root."
  fi
fi

TMP="$(mktemp -d)"
printf '%s' "$PAYLOAD" >"$TMP/payload.json"
PIDS=()

# Servers run as `setsid timeout LIFETIME server ...`: their own process group (id = the
# background job's pid), so a stop reaches timeout, the server and its workers, and nothing else.
stop_pid() {
  local pid="$1" i
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 -- "-$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    stop_pid "$pid"
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_ready NAME PID LOG METHOD URL: poll until a 2xx answer, the process dies, or timeout.
wait_ready() {
  local name="$1" pid="$2" log="$3" method="$4" url="$5" deadline
  deadline=$((SECONDS + READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$log" >&2
      die "$name exited before it was ready (log above)"
    fi
    if "$PY" compare/python/http_probe.py "$method" "$url" "$TMP/payload.json" >/dev/null 2>&1; then
      echo "$name ready at $url" >&2
      return 0
    fi
    sleep 0.5
  done
  cat "$log" >&2
  die "$name did not answer $url within ${READY_TIMEOUT}s (log above)"
}

# run_wrk NAME URL OUT_JSON [SCRIPT]: a discarded warm-up, then the measured run, parsed to
# JSON. SCRIPT is the wrk Lua script that sets the request (default compare/post.lua).
run_wrk() {
  local name="$1" url="$2" out="$3" script="${4:-compare/post.lua}" raw="$TMP/wrk_$1.txt"
  [[ "$url" == "http://$HOST:"* ]] || die "refusing to benchmark non-loopback URL $url"
  if ((WARMUP_S > 0)); then
    timeout --foreground $((WARMUP_S + 60)) wrk -t2 -c16 -d"$WARMUP" -s "$script" "$url" >/dev/null ||
      die "wrk warm-up against $name failed"
  fi
  echo "wrk -t2 -c16 -d$DURATION --latency -s $script $url  ($name) ..." >&2
  timeout --foreground $((DURATION_S + 60)) wrk -t2 -c16 -d"$DURATION" --latency -s "$script" "$url" >"$raw" ||
    die "wrk against $name failed"
  "$PY" compare/python/report.py wrk-parse "$raw" >"$out"
  if [[ -n "${VERBOSE:-}" ]]; then cat "$raw" >&2; fi
}
