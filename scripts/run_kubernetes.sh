#!/usr/bin/env bash
# Deploy ml-workflow to the current kubectl context and forward its service to this machine.
#
#   scripts/run_kubernetes.sh                   # image ml-workflow:latest, already on the nodes
#   REGISTRY=ghcr.io/<owner> TAG=v0.1.0 scripts/run_kubernetes.sh   # image pushed by upload_docker.sh
#
# On a local cluster, load the image built by run_docker.sh into it first, e.g.
#   kind load docker-image ml-workflow:latest    or    minikube image load ml-workflow:latest
#
# Environment (all optional):
#   NAMESPACE        namespace to deploy into          (the context's default)
#   REGISTRY, IMAGE, TAG
#                    when REGISTRY is set, the Deployment is switched to $REGISTRY/$IMAGE:$TAG
#                    (IMAGE defaults to ml-workflow, TAG to git describe --tags --always --dirty, or latest)
#   ROLLOUT_TIMEOUT  how long to wait for the rollout  (180s)
#   PORT             local port for the port-forward   (8000); the service listens on 80
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd_repo_root

if ! command -v kubectl >/dev/null 2>&1; then
    die "kubectl is not installed. Install it (https://kubernetes.io/docs/tasks/tools/), point it at a cluster (kind, minikube or a cloud one), then run this again."
fi

MANIFESTS="${MANIFESTS:-deploy/k8s/}"
DEPLOYMENT="ml-workflow"
SERVICE="ml-workflow"
CONTAINER="ml-workflow"
IMAGE="${IMAGE:-ml-workflow}"
TAG="${TAG:-$(git describe --tags --always --dirty 2>/dev/null || echo latest)}"
TAG="${TAG//[^A-Za-z0-9_.-]/-}"
ROLLOUT_TIMEOUT="${ROLLOUT_TIMEOUT:-180s}"
PORT="${PORT:-8000}"

# kubectl, in $NAMESPACE when it is set
kc() {
    if [[ -n "${NAMESPACE:-}" ]]; then
        kubectl --namespace "${NAMESPACE}" "$@"
    else
        kubectl "$@"
    fi
}

log "Checking the cluster of context '$(kubectl config current-context 2>/dev/null || echo none)'"
if ! kubectl version --request-timeout=15s >/dev/null 2>&1; then
    die "no cluster reachable with the current kubectl context. Start one (e.g. 'kind create cluster' or 'minikube start') or pick one with 'kubectl config use-context NAME'."
fi

log "Applying ${MANIFESTS}"
kc apply -f "${MANIFESTS}"

if [[ -n "${REGISTRY:-}" ]]; then
    image_ref="${REGISTRY%/}/${IMAGE}:${TAG}"
    log "Setting the image of deployment/${DEPLOYMENT} to ${image_ref}"
    kc set image "deployment/${DEPLOYMENT}" "${CONTAINER}=${image_ref}"
fi

log "Waiting up to ${ROLLOUT_TIMEOUT} for deployment/${DEPLOYMENT} to roll out"
if ! kc rollout status "deployment/${DEPLOYMENT}" --timeout="${ROLLOUT_TIMEOUT}"; then
    kc get pods -l app.kubernetes.io/name=ml-workflow -o wide >&2 || true
    die "rollout did not finish. Look at 'kubectl describe pods -l app.kubernetes.io/name=ml-workflow' (ErrImagePull: load or push the image; CrashLoopBackOff: 'kubectl logs deployment/${DEPLOYMENT}')."
fi

kc get deployment,service,hpa,pods -l app.kubernetes.io/name=ml-workflow

log "Forwarding http://localhost:${PORT} to service/${SERVICE} port 80 (Ctrl-C stops it); try scripts/make_prediction.sh"
kc port-forward "service/${SERVICE}" "${PORT}:80"
