#!/usr/bin/env bash
# Builds the module image and prints, in bytes, the layers it adds on top of the Node base image:
# what a device downloads and stores besides a base it may already hold.
#
#   scripts/image-size.sh [--dockerfile Dockerfile.amd64] [--base IMAGE] [--tag TAG] [docker build options…]
#
# --base defaults to the Dockerfile's NODE_IMAGE default and is passed as that build argument;
# other options (e.g. --network host) go to `docker build`. Build output goes to standard error;
# standard output gets one "<bytes>\t<instruction>" line per added layer in build order, then
# "added <bytes>".
# The classic builder is used unless DOCKER_BUILDKIT says otherwise: it is what the IoT Edge
# tooling runs and what engines without BuildKit (Moby 20.10 on vfs, the test engine) offer.
set -euo pipefail
cd "$(dirname "$0")/.."

dockerfile=Dockerfile.amd64
base=""
tag="edge-health-agent:size"
build_options=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dockerfile) dockerfile="$2"; shift 2 ;;
    --base) base="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    *) build_options+=("$1"); shift ;;
  esac
done
if [ -z "$base" ]; then
  base="$(sed -n 's/^ARG NODE_IMAGE=//p' "$dockerfile")"
  [ -n "$base" ] || { echo "image-size: no ARG NODE_IMAGE default in $dockerfile" >&2; exit 1; }
fi

# --force-rm: a failed step leaves no container behind either.
DOCKER_BUILDKIT="${DOCKER_BUILDKIT:-0}" docker build --force-rm \
  --file "$dockerfile" --build-arg "NODE_IMAGE=$base" --tag "$tag" ${build_options[@]+"${build_options[@]}"} . >&2

# The image's history is the base's history with the added steps on top, newest first.
base_steps="$(docker history --quiet "$base" | wc -l)"
image_steps="$(docker history --quiet "$tag" | wc -l)"
docker history --no-trunc --human=false --format '{{.Size}}\t{{.CreatedBy}}' "$tag" \
  | awk -F '\t' -v added="$((image_steps - base_steps))" '
      NR <= added && $1 > 0 { sub(/^\/bin\/sh -c #\(nop\) +/, "", $2); line[++n] = sprintf("%d\t%s", $1, $2); total += $1 }
      END { for (i = n; i > 0; i--) print line[i]; printf "added %d\n", total }'
