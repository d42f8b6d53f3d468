#!/usr/bin/env bash
# The multi-platform tags of a release: REPOSITORY:X.Y.Z and REPOSITORY:latest, each a manifest list
# over the three platform images the IoT Edge tooling pushed as REPOSITORY:X.Y.Z-<platform>
# (module.json), so a device of any platform pulls the same tag. X.Y.Z is package.json's version.
#
#   scripts/manifest-lists.sh REPOSITORY            print what it would do, change nothing
#   scripts/manifest-lists.sh REPOSITORY --push     do it
#
# e.g. scripts/manifest-lists.sh myregistry.azurecr.io/edge-health-agent --push, after `docker login`.
# X.Y.Z is immutable: when the registry already holds it, nothing is pushed. Manifest lists live in
# a registry only, so this needs one; it uses `docker manifest` (Docker CLI 20.10 or newer).
set -euo pipefail
cd "$(dirname "$0")/.."

repository="${1:-}"
push="${2:-}"
if [ -z "$repository" ] || { [ -n "$push" ] && [ "$push" != --push ]; } || [ $# -gt 2 ]; then
  echo "usage: $0 REPOSITORY [--push]" >&2
  exit 2
fi
version="$(node -p 'require("./package.json").version')"

# platform in module.json → the manifest list's platform fields.
platforms=(amd64 arm32v7 arm64v8)
declare -A arch=([amd64]=amd64 [arm32v7]=arm [arm64v8]=arm64)
declare -A variant=([amd64]="" [arm32v7]=v7 [arm64v8]=v8)

step() {
  printf '+ %s\n' "$*"
  if [ -n "$push" ]; then "$@"; fi
}

if docker manifest inspect "$repository:$version" >/dev/null 2>&1; then
  echo "manifest-lists: $repository:$version already exists; a release tag is never pushed again (bump package.json's version)" >&2
  exit 1
fi
for platform in "${platforms[@]}"; do
  if [ -n "$push" ] && ! docker manifest inspect "$repository:$version-$platform" >/dev/null 2>&1; then
    echo "manifest-lists: $repository:$version-$platform is not in the registry: build and push the platform images first" >&2
    exit 1
  fi
done

for tag in "$version" latest; do
  step docker manifest create --amend "$repository:$tag" "${platforms[@]/#/$repository:$version-}"
  for platform in "${platforms[@]}"; do
    step docker manifest annotate "$repository:$tag" "$repository:$version-$platform" \
      --os linux --arch "${arch[$platform]}" ${variant[$platform]:+--variant "${variant[$platform]}"}
  done
  step docker manifest push --purge "$repository:$tag"
done
[ -n "$push" ] || echo "Nothing was pushed; run again with --push to publish $repository:$version and $repository:latest."
