#!/usr/bin/env bash
# Installs the Debian packages Rill needs that are missing on this machine.
# Idempotent: it checks with dpkg first and calls apt-get only when something is missing,
# so `make` on a machine that has everything costs a few milliseconds.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libevent-dev        # event loop (epoll) for every shard
  libjemalloc-dev     # the allocator; INFO memory and maxmemory read its statistics
  libssl-dev          # TLS (later issue); OpenSSL 3
  liblz4-dev          # stream and journal compression (later issue)
  libhiredis-dev      # the C client the integration tests use
  libabsl-dev         # flat_hash_map / btree containers
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev   # libFuzzer and sanitizer runtimes
  redis-server redis-tools   # side-by-side benchmarks, redis-cli for compat tests
  python3 python3-redis      # redis-compat client tests
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The Debian redis-server package starts a daemon on 6379, which `make run` wants.
if [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true
else
  $SUDO service redis-server stop >/dev/null 2>&1 || true
fi
