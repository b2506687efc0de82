#!/usr/bin/env bash
# Build the ml-workflow image and run it locally, the server's port mapped to the host.
#
#   make model                  # the image bakes in models/boston-housing.json
#   scripts/run_docker.sh       # then, in another terminal: scripts/make_prediction.sh
#
# Environment (all optional):
#   IMAGE           image name                              (ml-workflow)
#   TAG             image tag; the image is also tagged :latest, which deploy/k8s uses
#                                                           (git describe --tags --always --dirty, or latest)
#   PORT, HOST_PORT port on this machine                    (HOST_PORT, else PORT, else 8000)
#   HOST_ADDR       address on this machine to publish on   (127.0.0.1: this machine only;
#                   0.0.0.0 opens the unauthenticated API to every network it can reach)
#   CONTAINER_PORT  port the server listens on in the container (8080)
#   MODEL_FILE      artifact to bake in, inside the build context (models/boston-housing.json)
#   RUST_LOG        server log level                        (info)
#   DOCKER_NAME     name of the running container           (ml-workflow)
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd_repo_root

if ! command -v docker >/dev/null 2>&1; then
    die "docker is not installed. Install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop, then run this again."
fi

IMAGE="${IMAGE:-ml-workflow}"
TAG="${TAG:-$(git describe --tags --always --dirty 2>/dev/null || echo latest)}"
TAG="${TAG//[^A-Za-z0-9_.-]/-}"   # a Docker tag allows only these characters
HOST_PORT="${HOST_PORT:-${PORT:-8000}}"
HOST_ADDR="${HOST_ADDR:-127.0.0.1}"
CONTAINER_PORT="${CONTAINER_PORT:-8080}"
MODEL_FILE="${MODEL_FILE:-models/boston-housing.json}"
RUST_LOG="${RUST_LOG:-info}"
DOCKER_NAME="${DOCKER_NAME:-ml-workflow}"

if [[ ! -s "${MODEL_FILE}" ]]; then
    die "model artifact ${MODEL_FILE} not found: run 'make model' (or 'cargo run --release -- train --dataset boston-housing --out models/boston-housing.json') first."
fi

tags=(-t "${IMAGE}:${TAG}")
if [[ "${TAG}" != latest ]]; then
    tags+=(-t "${IMAGE}:latest")
fi
log "Building ${IMAGE}:${TAG} with model ${MODEL_FILE}"
docker build \
    --build-arg "MODEL_FILE=${MODEL_FILE}" \
    --build-arg "VERSION=${TAG}" \
    --build-arg "REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
    "${tags[@]}" \
    .

log "Images named ${IMAGE}:"
docker image ls "${IMAGE}"

log "Running ${IMAGE}:${TAG} as ${DOCKER_NAME} on http://${HOST_ADDR}:${HOST_PORT} (Ctrl-C stops it)"
tty_flags=()
if [[ -t 0 && -t 1 ]]; then
    tty_flags=(--interactive --tty)
fi
exec docker run --rm ${tty_flags[@]+"${tty_flags[@]}"} \
    --init \
    --name "${DOCKER_NAME}" \
    -p "${HOST_ADDR}:${HOST_PORT}:${CONTAINER_PORT}" \
    -e "PORT=${CONTAINER_PORT}" \
    -e "RUST_LOG=${RUST_LOG}" \
    "${IMAGE}:${TAG}"
