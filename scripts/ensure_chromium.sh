#!/usr/bin/env bash
# Make sure Debian's Chromium (and a font for the charts' text) is installed, for
# scripts/test_lab.py (Playwright drives /usr/bin/chromium; it never downloads a browser).
# Says nothing when Chromium is already there. Installs with apt-get when running as root;
# otherwise it stops and says how to install it.
#
#   scripts/ensure_chromium.sh          # called by 'make test-lab'
#
# Environment: CHROMIUM (/usr/bin/chromium)
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DIE_PREFIX="ensure_chromium: "
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
PACKAGES=(chromium fonts-dejavu-core)

[[ -x "${CHROMIUM}" ]] && exit 0
if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    die "no ${CHROMIUM}: install Chromium ('sudo apt-get install chromium fonts-dejavu-core' on Debian) or set CHROMIUM"
fi
export DEBIAN_FRONTEND=noninteractive
log "Installing ${PACKAGES[*]} with apt-get"
# The package lists may be missing or stale on a fresh machine: update only when needed.
if ! out="$(apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" 2>&1)"; then
    log "apt-get install failed; running apt-get update, then trying again"
    if ! out="$(apt-get update -qq 2>&1 &&
        apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" 2>&1)"; then
        printf '%s\n' "${out}" >&2
        die "apt-get could not install ${PACKAGES[*]}"
    fi
fi
[[ -x "${CHROMIUM}" ]] || die "apt-get installed ${PACKAGES[*]} but there is no ${CHROMIUM}"
log "$("${CHROMIUM}" --version 2>/dev/null || echo chromium)"
