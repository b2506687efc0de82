#!/usr/bin/env bash
# Install the notebooks' Rust kernel: evcxr_jupyter (pinned, patched: scripts/install_evcxr.sh),
# registered inside the project's venv (never in the user's home), with the environment the
# kernel needs in its kernelspec. Idempotent: skips the ~12-minute install when it is done.
#
#   scripts/setup_kernel.sh            # called by 'make setup'
#
# Environment: VENV (.venv), EVCXR_VERSION (0.22.0),
#   EVCXR_TMPDIR (the kernel's persistent build folder; default
#   ${XDG_CACHE_HOME:-$HOME/.cache}/ml-workflow/evcxr, outside the clone so it survives it)
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd_repo_root

DIE_PREFIX="setup_kernel: "
VENV="${VENV:-.venv}"
EVCXR_VERSION="${EVCXR_VERSION:-0.22.0}"
EVCXR_TMPDIR="${EVCXR_TMPDIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ml-workflow/evcxr}"
[[ -x "${VENV}/bin/python" ]] || die "no venv at ${VENV}: run 'make setup'"

# evcxr_jupyter, pinned and patched (scripts/install_evcxr.sh: skipped when installed).
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:${PATH}"
EVCXR_VERSION="${EVCXR_VERSION}" scripts/install_evcxr.sh

# The kernel builds each cell as a cdylib linked to the toolchain's libstd. Pin the toolchain
# for the kernel's cargo (it runs in the build folder, outside this checkout's
# rust-toolchain.toml) and point the loader at that libstd: the RUNPATH rustc writes is
# relative and breaks when the build folder and the toolchain share a parent such as $HOME.
toolchain="$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)"
sysroot="$(rustc --print sysroot)"
host="$(rustc -vV | sed -n 's/^host: //p')"
libstd_dir="${sysroot}/lib/rustlib/${host}/lib"
compgen -G "${libstd_dir}/libstd-*.so" >/dev/null || die "no libstd-*.so in ${libstd_dir}"

# A build folder last built with static linking (evcxr's default, before scripts/evcxr/evcxr.toml)
# holds libraries evcxr would link statically again: start it afresh, once, and the slots
# copied from it too (scripts/evcxr_kernel.sh seeds new slots from a warm one).
linking_stamp="${EVCXR_TMPDIR}/.ml-workflow-dynamic-linking"
if [[ -d "${EVCXR_TMPDIR}/target" && ! -f "${linking_stamp}" ]]; then
    echo "==> ${EVCXR_TMPDIR}: built with static linking; starting it afresh for dynamic linking"
    rm -rf "${EVCXR_TMPDIR}/target"
    for slot in "${EVCXR_TMPDIR}"-[0-9]*; do
        [[ -d "${slot}" ]] && rm -rf "${slot}"
    done
fi

# The kernel builds offline (scripts/evcxr/evcxr.toml) the versions of the project's Cargo.lock
# (EVCXR_CARGO_LOCK below, honoured by install_evcxr.sh's patch): fetch them now, while online.
cargo fetch --locked --quiet || die "cargo fetch --locked failed: the kernel needs the locked crates downloaded once"

kernels="${VENV}/share/jupyter"
JUPYTER_PATH="${kernels}" evcxr_jupyter --install >/dev/null
spec="${kernels}/kernels/rust/kernel.json"
[[ -f "${spec}" ]] || die "evcxr_jupyter --install did not write ${spec}"
mkdir -p "${EVCXR_TMPDIR}"
touch "${linking_stamp}"
config_dir="$(cd scripts/evcxr && pwd)"
launcher="$(cd scripts && pwd)/evcxr_kernel.sh"
lock_file="$(pwd)/Cargo.lock"
"${VENV}/bin/python" - "${spec}" "$(command -v evcxr_jupyter)" "${EVCXR_TMPDIR}" "${toolchain}" "${libstd_dir}" "${launcher}" "${config_dir}" "${lock_file}" <<'PY'
import json, sys
path, binary, tmpdir, toolchain, libstd_dir, launcher, config_dir, lock_file = sys.argv[1:]
spec = json.load(open(path))
# The launcher gives each running kernel its own build folder (two notebooks open at once),
# then runs evcxr_jupyter by its absolute path (jupyter may start without ~/.cargo/bin).
spec["argv"] = [launcher, binary] + spec["argv"][1:]
spec["display_name"] = "Rust (ml-workflow)"
spec["env"] = {
    "EVCXR_TMPDIR": tmpdir,                # persistent build folder: warm kernels in seconds
    "EVCXR_CONFIG_DIR": config_dir,        # evcxr.toml: dynamic linking, offline builds
    "EVCXR_CARGO_LOCK": lock_file,         # the versions CI tested (install_evcxr.sh's patch)
    "RUSTUP_TOOLCHAIN": toolchain,
    "LD_LIBRARY_PATH": libstd_dir,
}
json.dump(spec, open(path, "w"), indent=2)
PY
echo "kernel 'rust' registered in ${spec} (build folder ${EVCXR_TMPDIR})"
