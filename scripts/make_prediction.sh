#!/usr/bin/env bash
# POST one row of Boston housing features to a running ml-workflow server and print the answer.
#
#   scripts/make_prediction.sh                  # http://localhost:8000 (run_docker.sh / run_kubernetes.sh)
#   PORT=8080 scripts/make_prediction.sh        # a server started with 'ml-workflow serve'
#   BASE_URL=http://127.0.0.1:9000 scripts/make_prediction.sh
#
# Environment: PORT (8000), BASE_URL (http://localhost:$PORT), CURL_MAX_TIME seconds (30)
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if ! command -v curl >/dev/null 2>&1; then
    die "curl is not installed. Install it with your package manager (e.g. 'apt-get install curl'), then run this again."
fi

PORT="${PORT:-8000}"
BASE_URL="${BASE_URL:-http://localhost:${PORT}}"
URL="${BASE_URL%/}/predict"

payload='{"CHAS":{"0":0},"RM":{"0":6.575},"TAX":{"0":296.0},"PTRATIO":{"0":15.3},"B":{"0":396.9},"LSTAT":{"0":4.98}}'

printf '==> POST %s\n%s\n' "${URL}" "${payload}" >&2

body="$(mktemp)"
trap 'rm -f "${body}"' EXIT
if ! status="$(curl --silent --show-error --max-time "${CURL_MAX_TIME:-30}" \
    -o "${body}" -w '%{http_code}' \
    -X POST -H 'Content-Type: application/json' --data "${payload}" "${URL}")"; then
    die "no answer from ${URL}: is the server running? (scripts/run_docker.sh or scripts/run_kubernetes.sh)"
fi

cat "${body}"
printf '\n'
if [[ "${status}" != 2?? ]]; then
    die "HTTP ${status} from ${URL}"
fi
