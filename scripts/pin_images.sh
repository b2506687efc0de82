#!/usr/bin/env bash
# Pin the Dockerfile's base images by digest: each `FROM image:tag` becomes
# `FROM image:tag@sha256:... ` with the tag kept for readers, resolved from the registry with
# `docker buildx imagetools inspect` (needs Docker and access to Docker Hub and gcr.io).
# Run it again to move to the newest build of the same tags; commit the result.
#
#   scripts/pin_images.sh              # rewrites Dockerfile in place
#   DOCKERFILE=other/Dockerfile scripts/pin_images.sh
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd_repo_root

DOCKERFILE="${DOCKERFILE:-Dockerfile}"
[[ -f "$DOCKERFILE" ]] || die "no $DOCKERFILE"
command -v docker >/dev/null 2>&1 || die "docker is not installed; pinning needs 'docker buildx imagetools'"

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
declare -A pinned=()
while IFS= read -r line; do
    if [[ "$line" =~ ^FROM[[:space:]]+([^[:space:]@]+)(@sha256:[0-9a-f]+)?([[:space:]].*)?$ ]]; then
        image="${BASH_REMATCH[1]}"
        rest="${BASH_REMATCH[3]}"
        if [[ -z "${pinned[$image]:-}" ]]; then
            digest="$(docker buildx imagetools inspect "$image" --format '{{json .Manifest.Digest}}' | tr -d '"')"
            [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || die "no digest for $image (got '$digest')"
            pinned[$image]="$digest"
            log "$image -> $digest"
        fi
        printf 'FROM %s@%s%s\n' "$image" "${pinned[$image]}" "$rest" >>"$tmp"
    else
        printf '%s\n' "$line" >>"$tmp"
    fi
done <"$DOCKERFILE"
mv "$tmp" "$DOCKERFILE"
trap - EXIT
log "pinned ${#pinned[@]} image(s) in $DOCKERFILE"
