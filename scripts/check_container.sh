#!/usr/bin/env bash
# What can be checked of the container without a Docker engine: the Dockerfile's own
# `cargo build` command succeeds here, and the binary started with the image's ENTRYPOINT, CMD
# and ENV (PORT, artifact path) serves /health and a prediction.
#
#   scripts/check_container.sh        # part of 'make test'
#
# Environment: CARGO_TARGET_DIR (the build folder, default target), PYTHON (python3)
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd_repo_root

DIE_PREFIX="check_container: "
PYTHON="${PYTHON:-python3}"
target="${CARGO_TARGET_DIR:-target}"

# 1. The final build command of the Dockerfile's builder stage, run as written.
build_cmd="$(grep -oE 'cargo build [^\\&]*' Dockerfile | tail -n 1 | sed 's/[[:space:]]*$//')"
[[ -n "${build_cmd}" ]] || die "no 'cargo build' command found in the Dockerfile"
# Every bench and test target Cargo.toml declares must be stubbed in the dependency-cache layer,
# or that layer's build fails for want of the file (only src/ is copied in).
while read -r bench; do
    grep -q "benches/${bench}.rs" Dockerfile || die "the Dockerfile's dependency layer does not stub benches/${bench}.rs"
done < <(sed -n '/^\[\[bench\]\]/,/^$/s/^name = "\(.*\)"/\1/p' Cargo.toml)
while read -r test; do
    grep -q "tests/${test}.rs" Dockerfile || die "the Dockerfile's dependency layer does not stub tests/${test}.rs"
done < <(sed -n '/^\[\[test\]\]/,/^$/s/^name = "\(.*\)"/\1/p' Cargo.toml)
if grep -q '^\[\[example\]\]' Cargo.toml; then
    die "Cargo.toml declares an [[example]]: stub it in the Dockerfile's dependency layer and check it here"
fi
echo "==> ${build_cmd}"
read -ra words <<<"${build_cmd}"
"${words[@]}"
bin="${target}/release/ml-workflow"
[[ -x "${bin}" ]] || die "${bin} was not built"

# 2. The image's ENTRYPOINT + CMD and ENV, with its paths mapped onto this checkout.
tmp="$(mktemp -d)"
server_pid=""
cleanup() {
    if [[ -n "${server_pid}" ]]; then kill "${server_pid}" 2>/dev/null || true; wait "${server_pid}" 2>/dev/null || true; fi
    rm -rf "${tmp}"
}
trap cleanup EXIT
"${bin}" train --dataset boston-housing --out "${tmp}/model.json" --json >/dev/null

mapfile -t argv < <("${PYTHON}" - "${bin}" "${tmp}/model.json" <<'PY'
import json, re, sys
binary, model = sys.argv[1], sys.argv[2]
text = open("Dockerfile").read()
runtime = text[text.rindex("\nFROM "):]
def exec_form(name):
    m = re.search(r"^%s\s+(\[.*\])\s*$" % name, runtime, re.M)
    if not m:
        sys.exit(f"the runtime stage has no exec-form {name}")
    return json.loads(m.group(1))
env = dict(re.findall(r"(\w+)=(\S+)", " ".join(re.findall(r"^ENV\s+((?:.*\\\n)*.*)$", runtime, re.M)).replace("\\\n", " ")))
paths = {"/app/ml-workflow": binary, "/app/models/model.json": model}
for k, v in sorted(env.items()):
    print(f"{k}={paths.get(v, v)}")
print("--")
for word in exec_form("ENTRYPOINT") + exec_form("CMD"):
    print(paths.get(word, word))
PY
)
envs=()
cmd=()
seen_sep=0
for item in "${argv[@]}"; do
    if [[ "${item}" == "--" ]]; then seen_sep=1; continue; fi
    if (( seen_sep )); then cmd+=("${item}"); else envs+=("${item}"); fi
done
(( ${#cmd[@]} > 0 )) || die "could not read ENTRYPOINT/CMD from the Dockerfile"
port="$("${PYTHON}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "==> env ${envs[*]} PORT=${port} ${cmd[*]}"
env "${envs[@]}" PORT="${port}" "${cmd[@]}" 2>"${tmp}/server.log" &
server_pid=$!

for _ in $(seq 1 100); do
    if curl --silent --fail "http://127.0.0.1:${port}/health" >"${tmp}/health.json" 2>/dev/null; then break; fi
    kill -0 "${server_pid}" 2>/dev/null || { cat "${tmp}/server.log" >&2; die "the server exited"; }
    sleep 0.1
done
grep -q '"status":"ok"' "${tmp}/health.json" || { cat "${tmp}/server.log" >&2; die "/health did not answer ok"; }
PORT="${port}" BASE_URL="http://127.0.0.1:${port}" scripts/make_prediction.sh >/dev/null 2>&1 \
    || die "the chapter's make_prediction.sh failed against the server"
kill -TERM "${server_pid}"
wait "${server_pid}" || die "the server did not shut down cleanly on SIGTERM"
server_pid=""
grep -q "shutdown signal received" "${tmp}/server.log" || die "no graceful-shutdown log line"
echo "container check: build command ok, server answered /health and /predict on PORT=${port}, stopped on SIGTERM"
