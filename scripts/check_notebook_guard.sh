#!/usr/bin/env bash
# The notebook check must catch what nbconvert lets through: execute a copy of
# tests/notebooks/hidden-failures.ipynb (a panic and a `?` error) and expect
# scripts/run_notebooks.sh to fail, naming both cells.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT

# evcxr forwards a cell's stderr asynchronously; now and then a message arrives after the
# cell's idle status and nbclient drops it. So a clean report is retried (up to 3 runs) before
# the guard fails; each run must still fail as a whole.
for attempt in 1 2 3; do
    cp tests/notebooks/hidden-failures.ipynb "${tmp}/"
    if scripts/run_notebooks.sh "${tmp}/hidden-failures.ipynb" >"${tmp}/log" 2>&1; then
        cat "${tmp}/log" >&2
        echo "check_notebook_guard: a notebook with a panic and a ? error passed the check" >&2
        exit 1
    fi
    missing=""
    for expected in "code cell 1" "panicked" "code cell 2"; do
        grep -q "${expected}" "${tmp}/log" || missing="${missing} '${expected}'"
    done
    if [[ -z "${missing}" ]]; then
        echo "check_notebook_guard: the panic and the ? error were both caught (run ${attempt})"
        exit 0
    fi
    echo "check_notebook_guard: run ${attempt}: no${missing} in the report; retrying" >&2
done
cat "${tmp}/log" >&2
echo "check_notebook_guard: the report missed${missing} in 3 runs" >&2
exit 1
