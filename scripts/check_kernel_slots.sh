#!/usr/bin/env bash
# Checks scripts/evcxr_kernel.sh's slots without a real kernel (the "kernel" is a shell that
# prints its build folder): a free first slot is taken as it is; with the first slot held, a
# kernel gets the second, seeded as a copy of the warm first; with both held, the third.
# Exits non-zero, naming the case, when one goes wrong.
#
#   scripts/check_kernel_slots.sh          # run by 'make test-notebooks'
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd_repo_root

DIE_PREFIX="check_kernel_slots: "
tmp="$(mktemp -d)"
holders=()
cleanup() {
  for pid in "${holders[@]}"; do kill "${pid}" 2>/dev/null || true; done
  rm -rf "${tmp}"
}
trap cleanup EXIT

base="${tmp}/evcxr"
mkdir -p "${base}/target/debug"
echo warm >"${base}/target/debug/marker"
# The stand-in kernel prints its folder and what the warm slot's build left there (single
# quotes: the stand-in expands them, not this script).
# shellcheck disable=SC2016
stand_in='echo "$EVCXR_TMPDIR $(cat "$EVCXR_TMPDIR/target/debug/marker" 2>/dev/null || echo cold)"'
kernel() {
  EVCXR_TMPDIR="${base}" scripts/evcxr_kernel.sh /bin/sh -c "${stand_in}" 2>/dev/null
}
hold() { # folder: keep its slot's lock until the script ends
  flock "$1.lock" sleep 600 &
  holders+=("$!")
  sleep 0.3
}

got="$(kernel)"
[[ "${got}" == "${base} warm" ]] || die "a free first slot: got '${got}'"
hold "${base}"
got="$(kernel)"
[[ "${got}" == "${base}-1 warm" ]] || die "the second slot, seeded from the first: got '${got}'"
[[ -z "$(find "${tmp}" -maxdepth 1 -name '*.seeding.*')" ]] || die "a temporary copy was left behind"
hold "${base}-1"
got="$(kernel)"
[[ "${got}" == "${base}-2 warm" ]] || die "the third slot, seeded from a busy one: got '${got}'"
log "slots: free first slot taken, new slots seeded warm, busy slots skipped"
