# shellcheck shell=bash
# The preamble shared by scripts/*.sh, binder/postBuild and compare/common.sh; sourced, not run.
# Callers keep their own `set -euo pipefail` and source it before anything else:
#
#   # shellcheck source=scripts/common.sh
#   source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
#   cd_repo_root
#
#   die MESSAGE...   print "${DIE_PREFIX}MESSAGE" on stderr and exit with DIE_STATUS. Both are
#                    reset here to "error: " and 1; a caller sets them after sourcing to keep
#                    its own wording (DIE_PREFIX="check_binder: ") or status.
#   log MESSAGE...   print "==> MESSAGE" on stderr.
#   cd_repo_root     cd to the repository root, the parent of scripts/ (call it before any
#                    other cd: it finds the root through the path this file was sourced by).

DIE_PREFIX="error: "
DIE_STATUS=1

die() {
    printf '%s%s\n' "${DIE_PREFIX}" "$*" >&2
    exit "${DIE_STATUS}"
}

log() { printf '==> %s\n' "$*" >&2; }

cd_repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit; }
