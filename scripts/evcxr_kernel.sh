#!/usr/bin/env bash
# The Rust kernel's launcher (the kernelspec's argv): runs evcxr_jupyter in a build folder that
# no other running kernel uses. evcxr keeps its crate (src/lib.rs, libcode_N.so) in one folder
# (EVCXR_TMPDIR); two kernels sharing it overwrite each other's cells, and the second dies with
# "dlsym failed" and restarts in a loop. So each kernel takes the first free slot: the folder
# set up by setup_kernel.sh, else FOLDER-1, FOLDER-2, ... A slot is held by a lock (flock) on
# FOLDER.lock for the kernel's lifetime.
#
# A slot that has never built starts as a copy of one that has (`cp -a`, a reflink where the
# file system can): cargo finds the dependencies it needs already built, so the new kernel's
# first cell takes seconds more than in a warm slot instead of the 8 minutes of a cold build.
# The copy lands under a temporary name and is renamed into place, so an interrupted copy
# leaves no half slot. A free warm slot is preferred as the source (locked while copied);
# else a busy one, whose kernel only writes while it builds a cell.
#
#   evcxr_kernel.sh EVCXR_JUPYTER [ARGS...]      # environment: EVCXR_TMPDIR (the first slot)
set -euo pipefail

binary="$1"
shift
base="${EVCXR_TMPDIR:?the kernelspec sets EVCXR_TMPDIR}"
max_slots="${ML_WORKFLOW_KERNEL_SLOTS:-8}"

slot_dir() { # slot number -> folder
  if (($1 == 0)); then echo "${base}"; else echo "${base}-$1"; fi
}

# Copies a warm slot's folder to $1 (which must not have built yet); quiet when none is warm.
seed() {
  local dir="$1" src tmp s pass
  for pass in free busy; do
    for ((s = 0; s < max_slots; s++)); do
      src="$(slot_dir "${s}")"
      [[ "${src}" != "${dir}" && -d "${src}/target" ]] || continue
      if [[ "${pass}" == free ]]; then
        exec {src_lock}>"${src}.lock"
        flock -n "${src_lock}" || { exec {src_lock}>&-; continue; }
      fi
      tmp="${dir}.seeding.$$"
      rm -rf "${tmp}"
      if cp -a --reflink=auto "${src}" "${tmp}" 2>/dev/null; then
        rm -rf "${dir}"
        mv "${tmp}" "${dir}"
        [[ "${pass}" == free ]] && exec {src_lock}>&-
        echo "evcxr_kernel: build folder ${dir} seeded from ${src}" >&2
        return 0
      fi
      rm -rf "${tmp}"
      [[ "${pass}" == free ]] && exec {src_lock}>&-
    done
  done
  return 0
}

for ((slot = 0; slot < max_slots; slot++)); do
  dir="$(slot_dir "${slot}")"
  exec {lock}>"${dir}.lock"
  if flock -n "${lock}"; then
    [[ -d "${dir}/target" ]] || seed "${dir}"
    mkdir -p "${dir}"
    export EVCXR_TMPDIR="${dir}"
    # exec keeps the lock's descriptor open: the slot stays held until the kernel exits.
    exec "${binary}" "$@"
  fi
  exec {lock}>&-
done
echo "evcxr_kernel: all ${max_slots} build folders are in use (ML_WORKFLOW_KERNEL_SLOTS)" >&2
exit 1
