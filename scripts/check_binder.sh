#!/usr/bin/env bash
# Run binder/postBuild's offline steps (kernel registration) against a throwaway HOME and
# Python prefix, and check the kernelspec it leaves: what can be checked of Binder without
# building its image.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd_repo_root

DIE_PREFIX="check_binder: "
VENV="${VENV:-.venv}"
tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT
mkdir -p "${tmp}/home" "${tmp}/env/bin"
ln -s "$(cd "${VENV}/bin" && pwd)/python" "${tmp}/env/bin/python"

# Keep the real toolchain and cargo binaries; everything else lands in the throwaway HOME.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
rustup_home="${RUSTUP_HOME:-$HOME/.rustup}"
CARGO_HOME="${cargo_home}" RUSTUP_HOME="${rustup_home}" HOME="${tmp}/home" XDG_CACHE_HOME="" \
    NB_PYTHON_PREFIX="${tmp}/env" binder/postBuild --offline

spec="${tmp}/env/share/jupyter/kernels/rust/kernel.json"
[[ -f "${spec}" ]] || die "no kernelspec at ${spec}"
"${VENV}/bin/python" - "${spec}" "${tmp}/home" <<'PY' || die "unexpected kernelspec"
import json, os, sys
spec, home = json.load(open(sys.argv[1])), sys.argv[2]
assert spec["argv"][0].endswith("scripts/evcxr_kernel.sh") and os.access(spec["argv"][0], os.X_OK), spec["argv"]
assert os.path.isabs(spec["argv"][1]) and spec["argv"][1].endswith("evcxr_jupyter"), spec["argv"]
assert spec["env"]["EVCXR_TMPDIR"] == os.path.join(home, ".cache/ml-workflow/evcxr"), spec["env"]
assert spec["language"] == "rust", spec
PY
# Binder's image gets its Python packages from binder/requirements.txt: the same pins as here.
while read -r pin; do
    grep -qxF "${pin}" requirements-dev.txt || die "binder/requirements.txt pins ${pin}, requirements-dev.txt does not"
done < <(grep -v '^[[:space:]]*\(#\|$\)' binder/requirements.txt)
echo "check_binder: postBuild --offline registered the kernel with its build folder in the throwaway HOME"
