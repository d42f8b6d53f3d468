#!/usr/bin/env bash
# Node runtime images for engines that reach no image registry (the private test engine): the
# Dockerfiles take one as NODE_IMAGE in place of <platform>/node:22-bookworm-slim.
#
# - amd64, this machine's platform: this machine's own Node installation.
# - arm32v7, arm64v8: a Debian trixie minbase root filesystem with Debian's nodejs (20.19, the
#   oldest Node this project supports: package.json engines, test/container checks it), made by
#   debootstrap with its second stage run under qemu-user-static, imported with its platform.
#   qemu-user-static, debootstrap and the binfmt_misc registration (with the F flag, so the
#   emulator works inside containers) are set up when missing, which needs root. The Debian root
#   filesystem is cached (EDGE_HEALTH_CACHE_DIR, default ~/.cache/edge-health-agent) and made once
#   however many callers ask at the same time.
#
# Every image mirrors the official image's layout where the build and the agent rely on it: node
# and npm (this machine's npm: it is JavaScript) on PATH, /bin/sh (npx runs commands through it),
# df, mkdir and env, the CA bundle (NODE_EXTRA_CA_CERTS, so npm trusts what this machine trusts),
# users root and node (uid 1000) and a world-writable /tmp.
#
#   scripts/node-base-image.sh [amd64|arm32v7|arm64v8] [--force]
#
# Prints the image name, loading it into the engine first when missing (--force: again; delete the
# cache folder to make the Debian root filesystem anew). Talks to the engine through DOCKER_HOST
# with the docker CLI.
set -euo pipefail

platform=amd64
force=""
for arg in "$@"; do
  case "$arg" in
    amd64 | arm32v7 | arm64v8) platform="$arg" ;;
    --force) force=1 ;;
    *) echo "usage: $0 [amd64|arm32v7|arm64v8] [--force]" >&2; exit 2 ;;
  esac
done

say() { printf 'node-base-image %s: %s\n' "$platform" "$*" >&2; }

# The platform as an image records it (architecture, variant), and Debian's name for it.
case "$platform" in
  amd64) architecture=amd64 variant="" ;;
  arm32v7) architecture=arm variant=v7 debian_arch=armhf qemu=qemu-arm ;;
  arm64v8) architecture=arm64 variant=v8 debian_arch=arm64 qemu=qemu-aarch64 ;;
esac
if [ "$platform" = amd64 ] && [ "$(uname -m)" != x86_64 ]; then
  say "the amd64 image is made from this machine's Node, and this machine is $(uname -m)"
  exit 1
fi

node_bin="$(command -v node)"
npm_dir="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
ca_bundle=/etc/ssl/certs/ca-certificates.crt
[ -f "$npm_dir/package.json" ] || { say "npm not found next to $node_bin"; exit 1; }
[ -f "$ca_bundle" ] || { say "no CA bundle at $ca_bundle"; exit 1; }
if [ "$platform" = amd64 ]; then
  image="edge-health-test/node:$("$node_bin" -p 'process.versions.node.split(".")[0]')"
else
  image="edge-health-test/node:trixie-$platform"
fi

cache_dir="${EDGE_HEALTH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/edge-health-agent}"
mkdir -p "$cache_dir"
# One maker per platform at a time: the others wait, then find the image (or the cached root
# filesystem) made. The deadline keeps a stuck maker from hanging every caller.
exec 9>"$cache_dir/node-base-$platform.lock"
flock --wait 2400 9 || { say "another run has been making this image for 40 minutes; giving up"; exit 1; }

if [ -z "$force" ] && docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi

need_root() {
  if [ "$(id -u)" != 0 ]; then say "$1 needs root"; exit 1; fi
}

install_emulation() {
  # One at a time across platforms: apt and dpkg allow a single installer.
  exec 8>"$cache_dir/emulation.lock"
  flock --wait 600 8 || { say "another run has been installing the emulation for 10 minutes; giving up"; exit 1; }
  if ! command -v debootstrap >/dev/null || [ ! -f "/usr/lib/binfmt.d/$qemu.conf" ]; then
    need_root "installing qemu-user-static and debootstrap"
    say "installing qemu-user-static and debootstrap from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq qemu-user-static debootstrap >/dev/null
  fi
  local binfmt=/proc/sys/fs/binfmt_misc
  if [ ! -e "$binfmt/register" ]; then
    need_root "mounting binfmt_misc"
    mount -t binfmt_misc binfmt_misc "$binfmt"
  fi
  # F: the kernel opens the emulator at registration, so it runs programs inside containers too,
  # where its path does not exist. An entry without F (e.g. from binfmt-support) is replaced.
  if [ -e "$binfmt/$qemu" ] && ! grep -q '^flags:.*F' "$binfmt/$qemu"; then
    need_root "replacing the binfmt_misc entry $qemu (it lacks the F flag)"
    echo -1 >"$binfmt/$qemu"
  fi
  if [ ! -e "$binfmt/$qemu" ]; then
    need_root "registering $qemu with binfmt_misc"
    grep -v '^#' "/usr/lib/binfmt.d/$qemu.conf" >"$binfmt/register"
  fi
  flock -u 8
}

# The archive mirror apt uses here (deb822 sources or a one-line sources.list), else Debian's.
debian_mirror() {
  local mirror
  mirror="$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
    | sed -n -e 's/^URIs: *\([^ ]*\).*/\1/p' -e 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\).*/\2/p' \
    | grep -v -e security -e '^cdrom:' | head -n 1)"
  echo "${mirror:-http://deb.debian.org/debian}"
}

# The Debian root filesystem as a tar in the cache, made when missing.
debian_rootfs_tar() {
  local tar="$cache_dir/debian-trixie-$debian_arch-nodejs.tar"
  if [ -s "$tar" ]; then echo "$tar"; return 0; fi
  install_emulation
  local dir="$work/debian" mirror
  mirror="$(debian_mirror)"
  say "debootstrap trixie $debian_arch minbase with nodejs from $mirror (second stage emulated: minutes)"
  if ! debootstrap --arch="$debian_arch" --variant=minbase --include=nodejs,ca-certificates \
    trixie "$dir" "$mirror" >"$work/debootstrap.log" 2>&1; then
    say "debootstrap failed; the end of its log:"
    tail -n 30 "$work/debootstrap.log" >&2
    [ -f "$dir/debootstrap/debootstrap.log" ] && tail -n 30 "$dir/debootstrap/debootstrap.log" >&2
    exit 1
  fi
  # What an image needs no copy of: downloaded packages, package lists, device nodes.
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/dev/*
  tar -C "$dir" -cf "$tar.partial" .
  mv "$tar.partial" "$tar"
  echo "$tar"
}

# Interrupted (scripts/test.sh stops it when the run ends first), nothing stays behind: not the
# proc and sys debootstrap mounts in its target, not the work folder.
work="$(mktemp -d)"
cleanup() {
  grep -o " $work/[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' INT TERM
rootfs="$work/rootfs"
mkdir -m 755 "$rootfs"

if [ "$platform" = amd64 ]; then
  mkdir -p "$rootfs"/{bin,usr/bin,usr/local/bin,usr/local/lib,etc/ssl/certs,tmp}
  cp "$node_bin" "$rootfs/usr/local/bin/node"
  cp "$(readlink -f /bin/sh)" "$rootfs/bin/sh"
  cp "$(command -v df)" "$rootfs/bin/df"
  cp "$(command -v mkdir)" "$rootfs/bin/mkdir"
  cp "$(command -v env)" "$rootfs/usr/bin/env"
  # Every shared library those programs load, at the path the loader looks for it.
  for lib in $(ldd "$node_bin" "$rootfs"/bin/* "$rootfs/usr/bin/env" | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\n' >"$rootfs/etc/group"
else
  tar -C "$rootfs" -xf "$(debian_rootfs_tar)"
fi
chmod 755 "$rootfs"
mkdir -p "$rootfs/tmp" "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules" "$rootfs/root" "$rootfs/home/node"
chmod 1777 "$rootfs/tmp"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
cp "$ca_bundle" "$rootfs$ca_bundle"
echo 'node:x:1000:1000::/home/node:/bin/sh' >>"$rootfs/etc/passwd"
echo 'node:x:1000:' >>"$rootfs/etc/group"
chown 1000:1000 "$rootfs/home/node"

# Loaded as a one-layer image archive rather than imported: `docker import` on Moby 20.10 records
# the engine's own architecture whatever --platform says, and an image's platform is what this is for.
archive="$work/archive"
mkdir "$archive"
tar -C "$rootfs" -cf "$archive/layer.tar" .
diff_id="sha256:$(sha256sum "$archive/layer.tar" | cut -d ' ' -f 1)"
created="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
variant_field=""
[ -z "$variant" ] || variant_field="\"variant\":\"$variant\","
cat >"$archive/config.json" <<EOF
{"architecture":"$architecture",$variant_field"os":"linux","created":"$created",
 "config":{"Env":["PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin","NODE_EXTRA_CA_CERTS=$ca_bundle"],"Cmd":["node"]},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created":"$created","created_by":"scripts/node-base-image.sh $platform"}]}
EOF
printf '[{"Config":"config.json","RepoTags":["%s"],"Layers":["layer.tar"]}]\n' "$image" >"$archive/manifest.json"
tar -C "$archive" -c manifest.json config.json layer.tar | docker load >/dev/null
say "loaded $image ($architecture${variant:+/$variant})"
echo "$image"
