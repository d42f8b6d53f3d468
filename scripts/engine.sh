#!/usr/bin/env bash
# A private Moby engine for the real-engine tests: its own data root, socket and
# pid file under one state folder, so it never touches a Docker the host may run.
#
#   scripts/engine.sh start   install (Debian's docker.io, when root and missing), start, build the test image
#   scripts/engine.sh stop    stop the engine and unmount what it left behind
#   scripts/engine.sh env     print the DOCKER_HOST line for this engine
#
# EDGE_HEALTH_ENGINE_DIR chooses the state folder (default /tmp/edge-health-engine; scripts/test.sh
# gives each test run a new one).
set -euo pipefail

dir="${EDGE_HEALTH_ENGINE_DIR:-/tmp/edge-health-engine}"
sock="$dir/docker.sock"
pidfile="$dir/docker.pid"
test_image="edge-health-test/busybox:1"

say() { printf 'engine: %s\n' "$*" >&2; }

install_engine() {
  command -v dockerd >/dev/null && command -v busybox >/dev/null && command -v curl >/dev/null && return 0
  if [ "$(id -u)" != 0 ]; then
    say "dockerd or busybox is missing; as root run: apt-get install docker.io busybox-static curl"
    exit 1
  fi
  say "installing docker.io and busybox-static from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io busybox-static curl >/dev/null
}

engine_up() { [ -S "$sock" ] && docker_api /_ping >/dev/null 2>&1; }

docker_api() { curl -fsS --unix-socket "$sock" "http://localhost$1"; }

start_engine() {
  if engine_up; then say "already running at unix://$sock"; return 0; fi
  # A fresh data root each start: nothing an interrupted earlier run planted shows up in findings.
  # Only a folder this script made (it carries the marker) is ever wiped.
  if [ -d "$dir" ] && [ ! -e "$dir/.edge-health-engine" ] && [ -n "$(ls -A "$dir")" ]; then
    say "$dir is not empty and was not made by this script: choose another EDGE_HEALTH_ENGINE_DIR"
    exit 1
  fi
  mkdir -p "$dir"
  touch "$dir/.edge-health-engine"
  stop_engine >/dev/null 2>&1
  rm -rf "$dir/root" "$dir/exec"
  mkdir -p "$dir/root" "$dir/exec"
  say "starting dockerd (data root $dir/root)"
  # Detached with setsid so the engine outlives this script and the test run owns it.
  setsid dockerd \
    --data-root "$dir/root" --exec-root "$dir/exec" \
    --host "unix://$sock" --pidfile "$pidfile" \
    --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
    >"$dir/dockerd.log" 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    engine_up && { say "ready at unix://$sock"; return 0; }
    sleep 0.5
  done
  say "dockerd did not answer within 30 s; its log:"
  tail -n 30 "$dir/dockerd.log" >&2
  exit 1
}

# The tests' image: a busybox rootfs imported as an image, since there is no registry.
build_test_image() {
  if docker_api "/images/$test_image/json" >/dev/null 2>&1; then return 0; fi
  local rootfs
  rootfs="$(mktemp -d)"
  mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/data"
  cp "$(command -v busybox)" "$rootfs/bin/busybox"
  for tool in sh sleep head yes dd cat echo true false seq tr wc; do
    ln -s busybox "$rootfs/bin/$tool"
  done
  tar -C "$rootfs" -c . | curl -fsS --unix-socket "$sock" -X POST \
    -H 'Content-Type: application/x-tar' --data-binary @- \
    "http://localhost/images/create?fromSrc=-&repo=${test_image%%:*}&tag=${test_image##*:}" >/dev/null
  rm -rf "$rootfs"
  say "imported $test_image"
}

stop_engine() {
  if [ -f "$pidfile" ]; then
    local pid
    pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  # vfs leaves no overlay mounts, but containers' shm and netns mounts may remain.
  grep -o " $dir/[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  say "stopped"
}

case "${1:-}" in
  start) install_engine; start_engine; build_test_image ;;
  stop) stop_engine ;;
  env) echo "DOCKER_HOST=unix://$sock" ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
