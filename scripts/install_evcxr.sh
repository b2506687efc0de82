#!/usr/bin/env bash
# Installs evcxr_jupyter (pinned) with the project's two small patches to evcxr
# (scripts/evcxr/evcxr-VERSION-*.patch, applied in name order):
# - cargo-lock: with EVCXR_CARGO_LOCK set (the kernelspec sets it to the project's Cargo.lock),
#   each new set of dependencies starts from that lock, so the kernel builds the versions CI
#   tested instead of resolving the newest releases. evcxr compiles an empty crate at every
#   start, which prunes any lock left in its build folder; hence a patch, not a copied file.
# - dylib-metadata: the kernel links the notebooks' dependencies dynamically
#   (scripts/evcxr/evcxr.toml), and evcxr 0.22.0 then hands rustc the standard library's and
#   the dependencies' shared objects alone, which from Rust 1.95 on hold only a stub of their
#   metadata ("only metadata stub found for `dylib` dependency `core`"); the patch passes the
#   `.rmeta` beside each as well.
# Each is one function, small on purpose, so that it can be offered upstream; drop one when an
# evcxr release does the same.
#
#   scripts/install_evcxr.sh          # called by scripts/setup_kernel.sh; idempotent
#
# The crates' sources come from crates.io through cargo (a throwaway project's `cargo
# metadata` unpacks them); the build uses evcxr_jupyter's own Cargo.lock, only evcxr's entry
# pointed at the patched copy. Environment: EVCXR_VERSION (0.22.0), EVCXR_SRC (where the
# patched sources are built from); the install is redone when the version, the patches or the
# installed binary changes.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd_repo_root

DIE_PREFIX="install_evcxr: "
EVCXR_VERSION="${EVCXR_VERSION:-0.22.0}"
EVCXR_SRC="${EVCXR_SRC:-${XDG_CACHE_HOME:-$HOME/.cache}/ml-workflow/evcxr-src}"
patches=("$(pwd)/scripts/evcxr/evcxr-${EVCXR_VERSION}-"*.patch)
[[ -f "${patches[0]}" ]] || die "no patches for evcxr ${EVCXR_VERSION} in scripts/evcxr/"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:${PATH}"

jupyter_src="${EVCXR_SRC}/evcxr_jupyter-${EVCXR_VERSION}"
# The stamp beside the binary names the version, the patches and the binary it was written for,
# so another install of evcxr_jupyter over it is noticed.
bin_dir="${CARGO_HOME:-$HOME/.cargo}/bin"
stamp="${bin_dir}/.evcxr_jupyter.ml-workflow"
want="${EVCXR_VERSION} $(cat "${patches[@]}" | sha256sum | cut -d' ' -f1)"
installed() {
    [[ -x "${bin_dir}/evcxr_jupyter" ]] &&
        [[ "$(cat "${stamp}" 2>/dev/null)" == "${want} $(sha256sum "${bin_dir}/evcxr_jupyter" | cut -d' ' -f1)" ]]
}
installed && exit 0

# `patch` applies the patch: with apt-get when running as root, else the user is told.
if ! command -v patch >/dev/null; then
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "==> Installing patch with apt-get"
        if ! DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
            ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends patch; then
            die "apt-get could not install patch"
        fi
    else
        die "patch is not installed: install it ('sudo apt-get install patch' on Debian/Ubuntu)"
    fi
fi

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

# The published sources of evcxr_jupyter and evcxr, unpacked by cargo into its registry.
mkdir -p "${work}/fetch/src"
touch "${work}/fetch/src/lib.rs"
cat >"${work}/fetch/Cargo.toml" <<EOF
[package]
name = "fetch-evcxr"
version = "0.0.0"
edition = "2021"

[dependencies]
evcxr_jupyter = "=${EVCXR_VERSION}"
evcxr = "=${EVCXR_VERSION}"
EOF
manifests="$(cd "${work}/fetch" && cargo metadata --format-version 1 |
    python3 -c 'import json, sys
for p in json.load(sys.stdin)["packages"]:
    if p["name"] in ("evcxr", "evcxr_jupyter") and p["version"] == sys.argv[1]:
        print(p["name"], p["manifest_path"])' "${EVCXR_VERSION}")"
evcxr_dir="$(dirname "$(sed -n 's/^evcxr //p' <<<"${manifests}")")"
jupyter_dir="$(dirname "$(sed -n 's/^evcxr_jupyter //p' <<<"${manifests}")")"
[[ -f "${evcxr_dir}/src/module.rs" && -f "${jupyter_dir}/Cargo.lock" ]] ||
    die "cargo did not unpack evcxr ${EVCXR_VERSION} and evcxr_jupyter ${EVCXR_VERSION}"

# Fresh copies, the patches applied, evcxr_jupyter's build pointed at the patched evcxr.
rm -rf "${EVCXR_SRC}"
mkdir -p "${EVCXR_SRC}"
cp -R "${evcxr_dir}" "${EVCXR_SRC}/evcxr-${EVCXR_VERSION}"
cp -R "${jupyter_dir}" "${jupyter_src}"
chmod -R u+w "${EVCXR_SRC}"
for patch_file in "${patches[@]}"; do
    patch --quiet --directory "${EVCXR_SRC}/evcxr-${EVCXR_VERSION}" -p1 <"${patch_file}" ||
        die "$(basename "${patch_file}") does not apply to evcxr ${EVCXR_VERSION}"
done
cat >>"${jupyter_src}/Cargo.toml" <<EOF

[patch.crates-io]
evcxr = { path = "../evcxr-${EVCXR_VERSION}" }
EOF
# Only evcxr's lock entry changes (from the registry to the patched copy: a path dependency's
# entry has no source and no checksum); every other version stays the one evcxr_jupyter was
# published with. Edited as text, not with `cargo update`: offline, that re-resolves whatever
# the local index lacks to the newest versions it holds (salsa 0.28.7 then broke ra_ap_span's
# build), and online it may move more than evcxr. `cargo install --locked` below checks the
# result against the manifest.
python3 - "${jupyter_src}/Cargo.lock" "${EVCXR_VERSION}" <<'PY' ||
import re, sys
path, version = sys.argv[1], sys.argv[2]
text = open(path).read()
entry = re.compile(
    r'(name = "evcxr"\nversion = "' + re.escape(version) + r'"\n)source = [^\n]*\nchecksum = [^\n]*\n')
text, found = entry.subn(r"\1", text)
if found != 1:
    sys.exit(f"found {found} registry entries for evcxr {version} in {path}")
open(path, "w").write(text)
PY
    die "could not point evcxr_jupyter's lock at the patched evcxr"

echo "==> cargo install evcxr_jupyter ${EVCXR_VERSION}, patched (about 12 minutes on 2 cores)"
# Its own, throwaway target folder: not the project's build cache.
CARGO_TARGET_DIR="${work}/target" cargo install --locked --force --path "${jupyter_src}"
echo "${want} $(sha256sum "${bin_dir}/evcxr_jupyter" | cut -d' ' -f1)" >"${stamp}"
