#!/usr/bin/env bash
# The notebook check must catch what nbconvert lets through: execute a copy of
# tests/notebooks/hidden-failures.ipynb (a panic and a `?` error) and expect
# scripts/run_notebooks.sh to fail, naming both cells.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT
cp tests/notebooks/hidden-failures.ipynb "${tmp}/"
if scripts/run_notebooks.sh "${tmp}/hidden-failures.ipynb" >"${tmp}/log" 2>&1; then
    cat "${tmp}/log" >&2
    echo "check_notebook_guard: a notebook with a panic and a ? error passed the check" >&2
    exit 1
fi
for expected in "code cell 1" "panicked" "code cell 2"; do
    grep -q "${expected}" "${tmp}/log" || { cat "${tmp}/log" >&2; echo "check_notebook_guard: no '${expected}' in the report" >&2; exit 1; }
done
echo "check_notebook_guard: the panic and the ? error were both caught"
