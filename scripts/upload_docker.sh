#!/usr/bin/env bash
# Tag the locally built ml-workflow image and push it to a container registry.
#
#   scripts/run_docker.sh     # or: docker build -t ml-workflow:<tag> .   (builds the image)
#   docker login <registry>   # once
#   REGISTRY=registry.example.com/my-team scripts/upload_docker.sh
#
# Environment:
#   REGISTRY  required: registry host and namespace, e.g. docker.io/<user>,
#             ghcr.io/<owner> or <account>.dkr.ecr.<region>.amazonaws.com
#   IMAGE     image name                        (ml-workflow)
#   TAG       tag to push                       (git describe --tags --always --dirty, or latest)
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd_repo_root

if ! command -v docker >/dev/null 2>&1; then
    die "docker is not installed. Install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop, then run this again."
fi

if [[ -z "${REGISTRY:-}" ]]; then
    die "REGISTRY is not set. Name the registry and namespace to push to, e.g.
    REGISTRY=docker.io/<user> $0
    REGISTRY=ghcr.io/<owner> $0
and log in to it first with 'docker login <registry host>'."
fi

IMAGE="${IMAGE:-ml-workflow}"
TAG="${TAG:-$(git describe --tags --always --dirty 2>/dev/null || echo latest)}"
TAG="${TAG//[^A-Za-z0-9_.-]/-}"   # a Docker tag allows only these characters
REGISTRY="${REGISTRY%/}"
LOCAL_REF="${IMAGE}:${TAG}"
REMOTE_REF="${REGISTRY}/${IMAGE}:${TAG}"

if ! docker image inspect "${LOCAL_REF}" >/dev/null 2>&1; then
    die "no local image ${LOCAL_REF}: build it first with scripts/run_docker.sh or 'docker build -t ${LOCAL_REF} .'"
fi

log "Tagging ${LOCAL_REF} as ${REMOTE_REF}"
docker tag "${LOCAL_REF}" "${REMOTE_REF}"

log "Pushing ${REMOTE_REF}"
if ! docker push "${REMOTE_REF}"; then
    die "push failed. Are you logged in? Try: docker login ${REGISTRY%%/*}"
fi

log "Pushed ${REMOTE_REF}. To run it on a cluster:"
printf '    REGISTRY=%s TAG=%s scripts/run_kubernetes.sh\n' "${REGISTRY}" "${TAG}" >&2
