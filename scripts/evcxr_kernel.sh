#!/usr/bin/env bash
# The Rust kernel's launcher (the kernelspec's argv): runs evcxr_jupyter in a build folder that
# no other running kernel uses. evcxr keeps its crate (src/lib.rs, libcode_N.so) in one folder
# (EVCXR_TMPDIR); two kernels sharing it overwrite each other's cells, and the second dies with
# "dlsym failed" and restarts in a loop. So each kernel takes the first free slot: the folder
# set up by setup_kernel.sh, else FOLDER-1, FOLDER-2, ... A slot is held by a lock (flock) on
# FOLDER.lock for the kernel's lifetime. A slot's first kernel builds its dependencies once
# (about 8 minutes on 2 cores; a copy of the first slot does not help, since cargo rebuilds
# what it finds at another path); after that it starts warm like the first.
#
#   evcxr_kernel.sh EVCXR_JUPYTER [ARGS...]      # environment: EVCXR_TMPDIR (the first slot)
set -euo pipefail

binary="$1"
shift
base="${EVCXR_TMPDIR:?the kernelspec sets EVCXR_TMPDIR}"
max_slots="${ML_WORKFLOW_KERNEL_SLOTS:-8}"

for ((slot = 0; slot < max_slots; slot++)); do
  dir="${base}"
  ((slot == 0)) || dir="${base}-${slot}"
  exec {lock}>"${dir}.lock"
  if flock -n "${lock}"; then
    mkdir -p "${dir}"
    export EVCXR_TMPDIR="${dir}"
    # exec keeps the lock's descriptor open: the slot stays held until the kernel exits.
    exec "${binary}" "$@"
  fi
  exec {lock}>&-
done
echo "evcxr_kernel: all ${max_slots} build folders are in use (ML_WORKFLOW_KERNEL_SLOTS)" >&2
exit 1
