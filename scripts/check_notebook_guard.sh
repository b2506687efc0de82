#!/usr/bin/env bash
# The notebook check must catch what a plain nbconvert run lets through: execute a copy of
# tests/notebooks/hidden-failures.ipynb (a panic, then a `?` error whose message evcxr delivers
# just after the cell ends) and expect scripts/run_notebooks.sh to fail, naming both cells.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd_repo_root

DIE_PREFIX="check_notebook_guard: "
tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT

cp tests/notebooks/hidden-failures.ipynb "${tmp}/"
if scripts/run_notebooks.sh "${tmp}/hidden-failures.ipynb" >"${tmp}/log" 2>&1; then
    cat "${tmp}/log" >&2
    die "a notebook with a panic and a ? error passed the check"
fi
missing=""
for expected in "code cell 1 .*panicked" "code cell 2 .*invalid digit found in string"; do
    grep -q "${expected}" "${tmp}/log" || missing="${missing} '${expected}'"
done
if [[ -n "${missing}" ]]; then
    cat "${tmp}/log" >&2
    die "the report has no${missing}"
fi
echo "check_notebook_guard: the panic and the ? error were both caught"
