#!/usr/bin/env bash
# Installs the host into a temporary prefix and checks the unit cmake --install wrote there:
# its paths are that prefix's, `systemd-analyze verify` accepts it (ExecStart exists and runs,
# every directive is known), and `systemd-analyze security --offline=true` rates it 4.0 or lower.
set -euo pipefail
build=$1
prefix=$(mktemp -d /tmp/selfheal-unit.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" --component host >"$prefix.log" 2>&1 ||
  { cat "$prefix.log" >&2; rm -f "$prefix.log"; fail "cmake --install"; }
rm -f "$prefix.log"
unit=$prefix/lib/systemd/system/selfheal.service
[ -f "$unit" ] || fail "no unit at $unit"
grep -q "^ExecStart=$prefix/bin/selfheal serve --config $prefix/share/selfheal/plugins.yaml\$" "$unit" ||
  fail "ExecStart does not name the installed binary and manifest: $(grep ExecStart= "$unit")"
grep -q "^ReadWritePaths=-$prefix/var/lib/selfheal\$" "$unit" ||
  fail "ReadWritePaths is not the installed manifest's state_dir: $(grep ReadWritePaths= "$unit")"
if grep -n '@[A-Z_]*@' "$unit"; then fail "unsubstituted names in the unit"; fi
# The documentation the unit names is installed.
doc=$(sed -n 's/^Documentation=file://p' "$unit")
[ -f "$doc" ] || fail "Documentation=file:$doc is not installed"

verify=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify warns: $verify"

security=$(systemd-analyze security --offline=true "$unit" 2>&1) || true
level=$(printf '%s\n' "$security" | sed -n 's/.*Overall exposure level for selfheal.service: \([0-9.]*\).*/\1/p')
[ -n "$level" ] || fail "no exposure level in: $security"
echo "exposure level: $level"
awk -v l="$level" 'BEGIN { exit !(l <= 4.0) }' || fail "exposure $level is above 4.0:
$(printf '%s\n' "$security" | grep '✗')"
echo "ok: the installed unit verifies and rates $level"
