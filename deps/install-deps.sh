#!/usr/bin/env bash
# Installs the Debian packages Rill needs that are missing on this machine, then the npm
# clients the compatibility tests use (redis-compat/package.json, exact versions pinned in
# package-lock.json) into redis-compat/node_modules.
# Idempotent: it checks with dpkg (and for node/npm on PATH) first and calls apt-get or npm
# only when something is missing, so `make` on a machine that has everything costs a few
# milliseconds.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
COMPAT="$HERE/../redis-compat"

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
  gnuplot-nox                # the plots in docs/BENCHMARKS.md (utils/bench/queue-plot.py)
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done
# Node.js runs the npm clients in redis-compat/ (ioredis). Checked on PATH, not with dpkg: a
# machine may already have a node that bundles npm (NodeSource), which Debian's npm package
# would conflict with.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -ne 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
  # The Debian redis-server package starts a daemon on 6379, which `make run` wants.
  if [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true
  else
    $SUDO service redis-server stop >/dev/null 2>&1 || true
  fi
fi

# npm clients for redis-compat/, exactly as package-lock.json pins them. npm ci records what
# it installed in node_modules/.package-lock.json, so a changed lock file installs again.
if [ ! -d "$COMPAT/node_modules" ] ||
   [ "$COMPAT/package-lock.json" -nt "$COMPAT/node_modules/.package-lock.json" ]; then
  echo "deps: npm ci in redis-compat/"
  (cd "$COMPAT" && npm ci --no-audit --no-fund --loglevel=error)
fi
