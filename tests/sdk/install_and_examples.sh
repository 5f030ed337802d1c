#!/usr/bin/env bash
# What a plugin author outside this repository does, end to end (CTest: sdk.install_and_examples):
#  1. `cmake --install` this build tree into a temporary prefix;
#  2. configure, build and unit-test sdk/examples against that prefix alone (find_package);
#  3. run the installed, unmodified host with a manifest that adds the example plugins, on a copy
#     of tests/fixtures/crates/tiny whose src/lib.rs was deleted: the new issue type
#     missing_required_file is diagnosed (CLI and HTTP), listed plugins show the examples, and
#     `selfheal fix` repairs it (restore_backup, then the built-in build strategy).
# usage: install_and_examples.sh BINARY_DIR SOURCE_DIR CXX BUILD_TYPE CXX_FLAGS EXE_LDFLAGS MODULE_LDFLAGS
set -euo pipefail

binary_dir=$1 source_dir=$2 cxx=$3 build_type=$4 cxx_flags=$5 exe_ldflags=$6 module_ldflags=$7

work=$(mktemp -d "${TMPDIR:-/tmp}/selfheal-sdk-e2e.XXXXXX")
serve_pid=""
cleanup() {
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
    kill -TERM "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step() { echo "== $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_json FILE NEEDLE...: every needle occurs in the (compact) JSON of FILE.
expect_json() {
  local file=$1; shift
  for needle in "$@"; do
    grep -qF -- "$needle" "$file" || { echo "--- $file:" >&2; cat "$file" >&2; fail "missing $needle"; }
  done
}
# Polls `cmd` until it succeeds or `seconds` pass.
wait_until() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.05
  done
}

prefix=$work/prefix
step "install $binary_dir into $prefix"
cmake --install "$binary_dir" --prefix "$prefix" >"$work/install.log"
for f in bin/selfheal bin/selfheal-probe include/selfheal/sdk/plugin.hpp \
         include/selfheal/sdk/testing/fake_context.hpp include/selfheal/sdk/testing/temp_crate.hpp \
         lib/cmake/SelfHealSDK/SelfHealSDKConfig.cmake lib/cmake/SelfHealSDK/SelfHealSDKConfigVersion.cmake \
         lib/cmake/SelfHealSDK/SelfHealSDKTargets.cmake share/selfheal/plugins.yaml \
         share/selfheal/rust-core/Cargo.toml share/doc/selfheal/docs/plugin-guide.md \
         share/doc/selfheal/sdk/examples/CMakeLists.txt lib/systemd/system/selfheal.service \
         lib/selfheal/strategy-build.so lib/selfheal/issue-not-built.so; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
if ls "$prefix"/lib/selfheal/fixture-* >/dev/null 2>&1; then fail "test fixtures were installed"; fi
[ ! -e "$prefix/share/selfheal/rust-core/target" ] || fail "rust-core's target/ was installed"
step "every link between the installed documents resolves in the install"
docs=$prefix/share/doc/selfheal
links=0
while IFS= read -r doc; do
  # Markdown links [text](target): relative targets only (no scheme), anchors dropped.
  while IFS= read -r target; do
    target=${target%%#*}
    [ -n "$target" ] || continue
    case $target in *://*|mailto:*) continue ;; esac
    links=$((links + 1))
    [ -e "$(dirname "$doc")/$target" ] || fail "${doc#"$prefix"/}: link to $target does not resolve in the install"
  done < <(grep -o '\]([^)[:space:]]*)' "$doc" | sed 's/^](//; s/)$//')
done < <(find "$docs" -name '*.md')
[ "$links" -gt 5 ] || fail "only $links links found under $docs: the check looked at nothing"
echo "$links links resolve"
step "the installed default manifest is valid in the installed layout"
"$prefix/bin/selfheal" check --config "$prefix/share/selfheal/plugins.yaml" >"$work/check.log" 2>&1 ||
  { cat "$work/check.log" >&2; fail "selfheal check of the installed manifest"; }

examples=$work/examples-build
step "build the installed sdk/examples against the installed SDK only"
cmake -S "$prefix/share/doc/selfheal/sdk/examples" -B "$examples" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  -DCMAKE_BUILD_TYPE="$build_type" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_FLAGS="$cxx_flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$exe_ldflags" -DCMAKE_MODULE_LINKER_FLAGS="$module_ldflags" \
  -DEXAMPLE_WERROR=ON >"$work/configure.log" 2>&1 || { cat "$work/configure.log" >&2; fail "configure"; }
grep -qx "SelfHealSDK_DIR:PATH=$prefix/lib/cmake/SelfHealSDK" "$examples/CMakeCache.txt" ||
  fail "SelfHealSDK was not found in the prefix: $(grep SelfHealSDK_DIR "$examples/CMakeCache.txt")"
if grep -rqF -- "$source_dir/sdk/include" "$examples/CMakeCache.txt" "$examples"/*/CMakeFiles/*.dir/flags.make; then
  fail "the examples saw the source tree's SDK headers"
fi
cmake --build "$examples" -j2 >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "build"; }
step "unit tests of the examples (SelfHeal::sdk_testing)"
ctest --test-dir "$examples" --output-on-failure
diagnoser_so=$examples/required-files/required_files.so
strategy_so=$examples/restore-backup/restore_backup.so
[ -f "$diagnoser_so" ] && [ -f "$strategy_so" ] || fail "example plugins not built"

step "a crate with a deleted source, healed by the installed host"
crate=$work/crate backup=$work/backup manifest=$work/plugins.yaml
cp -r "$source_dir/tests/fixtures/crates/tiny" "$crate"
rm -rf "$crate/target"
cat >"$manifest" <<YAML
version: 1
settings:
  state_dir: $work/state
  plugin_dir: $prefix/lib/selfheal
  build_timeout: 120
  backoff: { base: 0.01, cap: 60, reset_after: 1 }
  min_free_memory_mb: 0
  min_free_disk_mb: 0
  log_level: info
crates:
  - { name: tiny, path: $crate, library: selfheal_tiny, abi_version: 1 }
plugins:
  diagnosers:
    - name: required_files
      library: $diagnoser_so
      config: { files: [Cargo.toml, src/lib.rs] }
    - { name: missing_rustup,       library: issue-missing-rustup.so }
    - { name: build_failed,         library: issue-build-failed.so }
    - { name: not_built,            library: issue-not-built.so }
    - name: corrupted_binary
      library: issue-corrupted-binary.so
      config: { required_symbols: [selfheal_abi_version] }
  strategies:
    - name: restore_backup
      library: $strategy_so
      config: { backup_dir: $backup }
    - { name: build,                library: strategy-build.so }
    - { name: clean_build,          library: strategy-clean-build.so }
issues:
  missing_required_file: [restore_backup, build]
  not_built: [build]
  build_failed: [clean_build]
  corrupted_binary: [clean_build]
YAML
mkdir -p "$backup/src"
cp "$crate/src/lib.rs" "$work/lib.rs.saved"
rm "$crate/src/lib.rs"
host=("$prefix/bin/selfheal")

step "CLI: selfheal diagnose --json reports the new issue"
set +e
"${host[@]}" diagnose --config "$manifest" --json >"$work/diagnose.json" 2>"$work/diagnose.err"
rc=$?
set -e
[ $rc -eq 1 ] || { cat "$work/diagnose.err" >&2; fail "diagnose exit code $rc, expected 1 (an issue)"; }
expect_json "$work/diagnose.json" '"issue_type":"missing_required_file"' '"diagnoser":"required_files"' \
  '"missing":["src/lib.rs"]' '"recommended_fix":"restore_backup' '"can_auto_fix":true'

step "CLI: selfheal plugins --json shows the example plugins loaded"
"${host[@]}" plugins --config "$manifest" --json >"$work/plugins.json" 2>"$work/plugins.err" ||
  { cat "$work/plugins.err" >&2; fail "plugins"; }
expect_json "$work/plugins.json" '"required_files"' '"restore_backup"' "$diagnoser_so" "$strategy_so" \
  "$(sha256sum "$diagnoser_so" | cut -c1-64)"

step "CLI: without a backup the fix fails and says why"
set +e
"${host[@]}" fix --config "$manifest" --json >"$work/fix-fail.json" 2>"$work/fix-fail.err"
set -e
expect_json "$work/fix-fail.json" '"success":false' '"issue_type":"missing_required_file"' \
  '"strategy":"restore_backup"' 'no backup of src/lib.rs'

step "HTTP: selfheal serve, POST /self-healing/diagnose reports the new issue"
"${host[@]}" serve --config "$manifest" --listen 127.0.0.1:0 2>"$work/serve.log" >/dev/null &
serve_pid=$!
listening() { grep -qE 'listening on 127\.0\.0\.1:[0-9]+' "$work/serve.log"; }
wait_until 30 listening || { cat "$work/serve.log" >&2; fail "serve did not start listening"; }
port=$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$work/serve.log" | head -1 | sed 's/.*://')
base=http://127.0.0.1:$port
curl -sS --max-time 60 -X POST -H 'Content-Type: application/json' -d '{"crate":"tiny"}' \
  "$base/self-healing/diagnose" >"$work/http-diagnose.json"
expect_json "$work/http-diagnose.json" '"issue_type":"missing_required_file"' '"diagnoser":"required_files"'
curl -sS --max-time 30 "$base/self-healing/plugins" >"$work/http-plugins.json"
expect_json "$work/http-plugins.json" '"required_files"' '"restore_backup"' "$strategy_so"
kill -TERM "$serve_pid"
wait "$serve_pid" || true
serve_pid=""

step "CLI: with the backup in place, selfheal fix --json repairs it"
cp "$work/lib.rs.saved" "$backup/src/lib.rs"
set +e
"${host[@]}" fix --config "$manifest" --json >"$work/fix.json" 2>"$work/fix.err"
rc=$?
set -e
[ $rc -eq 5 ] || { cat "$work/fix.json" "$work/fix.err" >&2; fail "fix exit code $rc, expected 5 (fixed)"; }
expect_json "$work/fix.json" '"success":true' '"issue_type":"missing_required_file"' \
  '"strategy":"restore_backup"' '"restored":["src/lib.rs"]'
cmp -s "$crate/src/lib.rs" "$work/lib.rs.saved" || fail "src/lib.rs was not restored"

step "CLI: the crate is healthy afterwards"
"${host[@]}" diagnose --config "$manifest" --json >"$work/healthy.json" 2>"$work/healthy.err" ||
  { cat "$work/healthy.json" "$work/healthy.err" >&2; fail "still not healthy"; }
expect_json "$work/healthy.json" '"issue_type":null'
echo "OK"
