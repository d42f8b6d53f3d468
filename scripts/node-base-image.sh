#!/usr/bin/env bash
# A Node runtime image made from this machine's own Node installation, for engines that reach no
# image registry (the private test engine): the Dockerfiles take it as NODE_IMAGE in place of
# node:22-bookworm-slim. It mirrors that image's layout where the build and the agent rely on it:
# node and npm under /usr/local, /bin/sh (npx runs commands through it), df, mkdir and env, the shared
# libraries they load, the CA bundle (NODE_EXTRA_CA_CERTS, so npm trusts what this machine trusts),
# a passwd with root and node (uid 1000) and a world-writable /tmp.
#
#   scripts/node-base-image.sh          print the image name, importing it first when missing
#   scripts/node-base-image.sh --force  import it again
#
# Talks to the engine through DOCKER_HOST with the docker CLI.
set -euo pipefail

node_bin="$(command -v node)"
major="$("$node_bin" -p 'process.versions.node.split(".")[0]')"
image="edge-health-test/node:$major"

if [ "${1:-}" != "--force" ] && docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi

npm_dir="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
ca_bundle=/etc/ssl/certs/ca-certificates.crt
[ -f "$npm_dir/package.json" ] || { echo "node-base-image: npm not found next to $node_bin" >&2; exit 1; }
[ -f "$ca_bundle" ] || { echo "node-base-image: no CA bundle at $ca_bundle" >&2; exit 1; }

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
chmod 755 "$rootfs"
mkdir -p "$rootfs"/{bin,usr/bin,usr/local/bin,usr/local/lib,etc/ssl/certs,tmp}
chmod 1777 "$rootfs/tmp"

cp "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
cp "$(readlink -f /bin/sh)" "$rootfs/bin/sh"
cp "$(command -v df)" "$rootfs/bin/df"
cp "$(command -v mkdir)" "$rootfs/bin/mkdir"
cp "$(command -v env)" "$rootfs/usr/bin/env"

# Every shared library those programs load, at the path the loader looks for it.
for lib in $(ldd "$node_bin" "$rootfs"/bin/* "$rootfs/usr/bin/env" | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done

cp "$ca_bundle" "$rootfs$ca_bundle"
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' >"$rootfs/etc/group"
mkdir -p "$rootfs/root" "$rootfs/home/node"
chown 1000:1000 "$rootfs/home/node"

tar -C "$rootfs" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change "ENV NODE_EXTRA_CA_CERTS=$ca_bundle" \
  --change 'CMD ["node"]' \
  - "$image" >/dev/null
echo "$image"
