#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, when any is missing.
# As root it runs apt-get; otherwise it prints the exact command and fails.
#   --fuzz  also what `make fuzz-smoke` needs: clang and libFuzzer's runtime
#           (libclang_rt.fuzzer-x86_64.a is in libclang-rt-14-dev)
set -euo pipefail

fuzz=0
if [ "${1:-}" = "--fuzz" ]; then
  fuzz=1
  shift
fi

packages=(
  cmake make g++ pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-filesystem1.81-dev libboost-system1.81-dev
  libyaml-cpp-dev libgtest-dev libgmock-dev libsqlite3-dev libbenchmark-dev
  curl  # tests/sdk: the installed host's HTTP API
  libhiredis-dev redis-server  # the fleet's Redis client, and the server its tests start
  libxxhash-dev  # XXH64 of the C++ components (the Bloom filter, the sliding window)
  libssl-dev  # libcrypto: SHA-256 of plugins and artifacts, Ed25519 signatures of fleet entries
  chromium  # tests/browser: the status page in a real browser
  sccache  # the build cache (settings.build_cache) and its tests
  systemd  # tests/packaging: systemd-analyze verify and security of the installed unit
  lld  # the linker of every build tree (SELFHEAL_LLD): two to three times faster than GNU ld here
  python3-dev python3-pybind11  # the Python module `selfheal` (framework/runtime/python)
  python3-pytest python3-numpy  # its tests (tests/runtime/python) and bench/python_overhead.py
  dpkg-dev file lintian  # make package: CPack's dpkg-shlibdeps and file; tests/packaging checks the .debs with lintian
  wrk nginx-light  # scripts/measure-load.sh: /health under load, beside nginx answering a fixed body
  libjemalloc2 libmimalloc2.0  # make bench: the pool against jemalloc and mimalloc (bench/pool_bench.cpp)
)
# Node.js runs the browser test (playwright-core); Debian's only when no node is installed.
if ! command -v node >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi
# Rust: cargo/rustc may come from rustup (~/.cargo/bin); only install Debian's when none is found.
if ! command -v cargo >/dev/null 2>&1 && [ ! -x "${HOME:-/root}/.cargo/bin/cargo" ]; then
  packages+=(cargo rustc)
fi
[ $fuzz -eq 1 ] && packages+=(clang libclang-rt-14-dev)
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  cmd="apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "selfheal: missing Debian packages. Run as root:" >&2
    echo "  apt-get update && $cmd" >&2
    exit 1
  fi
  echo "selfheal: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  $cmd
fi

# tests/browser: playwright-core from the npm registry, as package-lock.json pins it.
browser_tests="$(dirname "$0")/../tests/browser"
if [ ! -d "$browser_tests/node_modules" ]; then
  echo "selfheal: npm ci in tests/browser" >&2
  (cd "$browser_tests" && npm ci --no-audit --no-fund)
fi
