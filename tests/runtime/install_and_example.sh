#!/usr/bin/env bash
# What an application developer outside this repository does (CTest: runtime.install_and_example):
#  1. `cmake --install` this build tree into a temporary prefix: libselfheal.so with its SONAME
#     and only the public API exported, the headers, the CMake package, the example's sources;
#  2. build examples/dedup from the install with find_package(SelfHeal) alone, and a C program
#     with <selfheal/selfheal.h> and -lselfheal alone;
#  3. run both against the installed plugins in follow mode with no daemon (C++ serves, the
#     runtime finds the installed probe), and check nothing was written into the prefix.
# usage: install_and_example.sh BINARY_DIR SOURCE_DIR CXX CC BUILD_TYPE CXX_FLAGS EXE_LDFLAGS
set -euo pipefail

binary_dir=$1 source_dir=$2 cxx=$3 cc=$4 build_type=$5 cxx_flags=$6 exe_ldflags=$7

work=$(mktemp -d "${TMPDIR:-/tmp}/selfheal-runtime-e2e.XXXXXX")
trap 'rm -rf "$work"' EXIT
step() { echo "== $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

prefix=$work/prefix
step "install $binary_dir into $prefix"
cmake --install "$binary_dir" --prefix "$prefix" >"$work/install.log"
for f in lib/libselfheal.so lib/libselfheal.so.2 include/selfheal/runtime.hpp include/selfheal/selfheal.h \
         lib/cmake/SelfHeal/SelfHealConfig.cmake lib/cmake/SelfHeal/SelfHealConfigVersion.cmake \
         lib/cmake/SelfHeal/SelfHealTargets.cmake share/doc/selfheal/examples/dedup/dedup.cpp \
         share/doc/selfheal/examples/dedup/CMakeLists.txt bin/selfheal-probe; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
readelf -d "$prefix/lib/libselfheal.so.2" | grep -q 'SONAME.*\[libselfheal\.so\.2\]' ||
  fail "libselfheal.so.2 has no SONAME libselfheal.so.2: $(readelf -d "$prefix/lib/libselfheal.so.2" | grep SONAME)"
step "only the public API is exported"
exported=$(nm -D --defined-only -C "$prefix/lib/libselfheal.so.2")
# Here-strings, not `echo | grep -q`: grep -q exits at the first match, echo then dies of SIGPIPE
# on a long symbol list (the ASan build's), and pipefail turned a match into a failure.
grep -q 'selfheal::Runtime::open' <<<"$exported" || fail "selfheal::Runtime::open is not exported"
grep -q ' selfheal_open$' <<<"$exported" || fail "selfheal_open is not exported"
if leaked=$(echo "$exported" | grep -E 'selfheal::(Host|Healer|ComponentLoader|PluginLoader|ArtifactStore|http::)'); then
  fail "framework internals are exported: $(echo "$leaked" | head -3)"
fi
marker=$work/installed.marker
touch "$marker"

step "build the installed example against the installed runtime only"
example=$work/example-build
cmake -S "$prefix/share/doc/selfheal/examples/dedup" -B "$example" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  -DCMAKE_BUILD_TYPE="$build_type" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_FLAGS="$cxx_flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$exe_ldflags" -DEXAMPLE_WERROR=ON >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log" >&2; fail "configure"; }
grep -qx "SelfHeal_DIR:PATH=$prefix/lib/cmake/SelfHeal" "$example/CMakeCache.txt" ||
  fail "SelfHeal was not found in the prefix: $(grep SelfHeal_DIR "$example/CMakeCache.txt")"
if grep -rqF -- "$source_dir/framework" "$example/CMakeCache.txt" "$example"/CMakeFiles/*.dir/flags.make; then
  fail "the example saw the source tree's headers"
fi
cmake --build "$example" -j2 >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "build"; }

step "build a C program against <selfheal/selfheal.h> and -lselfheal"
# shellcheck disable=SC2086  # the flags are words
"$cc" -std=c11 -Wall -Wextra -Werror $cxx_flags -I"$prefix/include" "$source_dir/tests/runtime/c_abi_test.c" \
  -o "$work/c_abi_test" -L"$prefix/lib" -lselfheal -lpthread -Wl,-rpath,"$prefix/lib" $exe_ldflags ||
  fail "the C program did not build against the install"

step "run both on the installed plugins, following no daemon"
manifest=$work/plugins.yaml
cat >"$manifest" <<YAML
version: 1
settings:
  state_dir: $work/state
  plugin_dir: $prefix/lib/selfheal
crates:
  - { name: rust-core, path: $prefix/share/selfheal/rust-core, library: selfheal_rust_core, abi_version: 1 }
plugins:
  components:
    - { name: bloom_filter_cpp,    library: component-bloom-filter-cpp.so }
    - { name: bloom_filter_rust,   library: component-bloom-filter-rust.so }
    - { name: sliding_window_cpp,  library: component-sliding-window-cpp.so }
    - { name: sliding_window_rust, library: component-sliding-window-rust.so }
    - { name: memory_pool_cpp,     library: component-memory-pool-cpp.so }
    - { name: memory_pool_rust,    library: component-memory-pool-rust.so }
components:
  bloom_filter:   { implementations: { cpp: bloom_filter_cpp, rust: bloom_filter_rust } }
  sliding_window: { implementations: { cpp: sliding_window_cpp, rust: sliding_window_rust } }
  memory_pool:    { implementations: { cpp: memory_pool_cpp, rust: memory_pool_rust } }
YAML
"$example/selfheal-dedup" --config "$manifest" --frames 500 >"$work/example.out" 2>"$work/example.err" ||
  { cat "$work/example.out" "$work/example.err" >&2; fail "the example failed"; }
cat "$work/example.out"
grep -q '^served by: bloom_filter=cpp memory_pool=cpp sliding_window=cpp$' "$work/example.out" ||
  fail "the example did not say which implementation served"
grep -q '^failed calls: 0, keys lost: 0, damaged buffers: 0$' "$work/example.out" || fail "the example lost work"
"$work/c_abi_test" "$prefix/lib/selfheal" "$prefix/share/selfheal/rust-core" >"$work/c.out" 2>"$work/c.err" ||
  { cat "$work/c.out" "$work/c.err" >&2; fail "the C program failed"; }
[ ! -e "$work/state" ] || fail "a follower wrote the state folder"
if written=$(find "$prefix" -newer "$marker" | head -5) && [ -n "$written" ]; then
  fail "written into the prefix: $written"
fi
echo "OK"
