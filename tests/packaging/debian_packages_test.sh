#!/usr/bin/env bash
# The Debian packages (CTest: packaging.debian_packages). Builds them with CPack from this build
# tree (packaging/debian.cmake stages the packages' layout at install time, so no second configure),
# checks each with lintian (an error fails, warnings are printed) and inspects them with dpkg-deb:
# where the files are, the conffile, the manifest's and the unit's paths, the maintainer scripts,
# the dependencies between the packages. Nothing is installed, enabled or started on this machine.
# usage: debian_packages_test.sh BINARY_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/selfheal-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
step() { echo "== $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in cpack dpkg-deb dpkg-shlibdeps lintian; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/install-deps.sh installs it)"
done

step "cpack -G DEB from $build"
start=$SECONDS
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "cpack"; }
echo "built in $((SECONDS - start)) s"
host_deb=$(echo "$work"/out/selfheal_*.deb)
lib_deb=$(echo "$work"/out/libselfheal2_*.deb)
py_deb=$(echo "$work"/out/python3-selfheal_*.deb)
dev_deb=$(echo "$work"/out/libselfheal-sdk-dev_*.deb)
for deb in "$host_deb" "$lib_deb" "$py_deb" "$dev_deb"; do
  [ -f "$deb" ] || fail "not built: $deb ($(ls "$work/out"))"
done
debs=("$host_deb" "$lib_deb" "$py_deb" "$dev_deb")

step "lintian (errors fail; warnings are printed)"
start=$SECONDS
# One run for all four (lintian's start-up is a good part of its time); root is fine here.
lintian_rc=0
lintian --fail-on error --tag-display-limit 0 "${debs[@]}" >"$work/lintian.log" 2>&1 || lintian_rc=$?
grep -v '^running with root privileges' "$work/lintian.log" || true
[ $lintian_rc -eq 0 ] || fail "lintian exits $lintian_rc: errors (E: lines above)"
echo "lintian took $((SECONDS - start)) s"

# Per package: the file list (no directories), the control fields and files, the extracted tree.
for deb in "${debs[@]}"; do
  name=$(dpkg-deb -f "$deb" Package)
  dpkg-deb -c "$deb" >"$work/$name.contents"
  grep -v '^d' "$work/$name.contents" | awk '{ print $6 }' | sed 's|^\./|/|' | sort >"$work/$name.files"
  dpkg-deb -e "$deb" "$work/$name.control"
  dpkg-deb -x "$deb" "$work/$name.root"
done
files() { cat "$work/$1.files"; }
has() {  # has PACKAGE PATH: PATH is a file or link of PACKAGE
  grep -qx -- "$2" "$work/$1.files" || fail "$1 has no $2"
}

step "selfheal: the host, the probe, the plugins, the manifest, the unit, the docs"
has selfheal /usr/bin/selfheal
has selfheal /usr/bin/selfheal-probe
plugins=$(files selfheal | grep -c '^/usr/lib/selfheal/[^/]*\.so$' || true)
expected=$(grep -c 'library: .*\.so' "$source_dir/config/plugins.installed.yaml.in")
[ "$plugins" -eq "$expected" ] ||
  fail "selfheal has $plugins plugins in /usr/lib/selfheal, the manifest names $expected"
has selfheal /etc/selfheal/plugins.yaml
has selfheal /usr/lib/systemd/system/selfheal.service
has selfheal /usr/share/selfheal/rust-core/Cargo.toml
has selfheal /usr/share/doc/selfheal/README.md
has selfheal /usr/share/doc/selfheal/copyright
has selfheal /usr/share/doc/selfheal/changelog.gz
has selfheal /usr/share/man/man1/selfheal.1.gz
has selfheal /usr/share/man/man1/selfheal-probe.1.gz
! files selfheal | grep -q '^/usr/share/selfheal/rust-core/target/' || fail "rust-core's target/ is packaged"
! files selfheal | grep -q '^/usr/share/selfheal/plugins.yaml$' || fail "a second manifest in /usr/share/selfheal"

step "selfheal: /etc/selfheal/plugins.yaml is a conffile"
[ "$(cat "$work/selfheal.control/conffiles")" = "/etc/selfheal/plugins.yaml" ] ||
  fail "conffiles: $(cat "$work/selfheal.control/conffiles" 2>&1)"

step "selfheal: the manifest names the packages' paths"
manifest=$work/selfheal.root/etc/selfheal/plugins.yaml
for line in 'state_dir: /var/lib/selfheal' 'plugin_dir: /usr/lib/selfheal' \
            'path: /usr/share/selfheal/rust-core' 'target_dir: /var/lib/selfheal/rust-core-target'; do
  grep -q "^ *$line\$" "$manifest" || fail "the manifest has no '$line':
$(grep -E 'state_dir|plugin_dir|path:|target_dir' "$manifest")"
done
if grep -n '@[A-Z_]*@' "$manifest"; then fail "unsubstituted names in the manifest"; fi

step "selfheal: the unit runs the packaged host on /etc/selfheal/plugins.yaml"
unit=$work/selfheal.root/usr/lib/systemd/system/selfheal.service
grep -qx 'ExecStart=/usr/bin/selfheal serve --config /etc/selfheal/plugins.yaml' "$unit" ||
  fail "ExecStart: $(grep ExecStart= "$unit")"
grep -qx 'ReadWritePaths=-/var/lib/selfheal' "$unit" || fail "ReadWritePaths: $(grep ReadWritePaths= "$unit")"
grep -qx 'Environment=CARGO_HOME=/var/lib/selfheal/cargo-home' "$unit" ||
  fail "CARGO_HOME: $(grep CARGO_HOME "$unit")"
grep -qx 'User=selfheal' "$unit" || fail "the unit does not run as selfheal"
grep -qx 'Documentation=file:/usr/share/doc/selfheal/packaging/README.md' "$unit" ||
  fail "Documentation: $(grep Documentation= "$unit")"
has selfheal /usr/share/doc/selfheal/packaging/README.md
if grep -n '@[A-Z_]*@' "$unit"; then fail "unsubstituted names in the unit"; fi
# systemd accepts every directive (the unit's hardening is rated by packaging.systemd_unit); the
# only complaint allowed is the packaged binary's absence from this machine.
verify=$(systemd-analyze verify "$unit" 2>&1 | grep -v 'Command /usr/bin/selfheal is not executable' || true)
[ -z "$verify" ] || fail "systemd-analyze verify: $verify"

step "selfheal: maintainer scripts"
for script in postinst prerm postrm; do
  f=$work/selfheal.control/$script
  [ -x "$f" ] || fail "no executable $script"
  sh -n "$f" || fail "$script: sh -n"
  bash -n "$f" || fail "$script: bash -n"
done
grep -q 'adduser --system --group --home /nonexistent --no-create-home .*selfheal' "$work/selfheal.control/postinst" ||
  fail "postinst does not create the system user selfheal"
grep -q 'install -d -o selfheal -g selfheal -m 0750 /var/lib/selfheal' "$work/selfheal.control/postinst" ||
  fail "postinst does not create /var/lib/selfheal"
grep -q 'deb-systemd-helper enable .selfheal.service.' "$work/selfheal.control/postinst" ||
  fail "postinst does not enable the unit"
grep -q 'rm -rf /var/lib/selfheal' "$work/selfheal.control/postrm" || fail "postrm purge keeps the state"
depends=$(dpkg-deb -f "$host_deb" Depends)
echo "selfheal Depends: $depends"
grep -q 'adduser' <<<"$depends" || fail "selfheal does not depend on adduser"
grep -q 'libyaml-cpp' <<<"$depends" || fail "selfheal's Depends lack the shared libraries (dpkg-shlibdeps)"

step "libselfheal2: the runtime library; python3-selfheal: its Python module"
has libselfheal2 /usr/lib/libselfheal.so.2
has libselfheal2 /usr/share/doc/libselfheal2/copyright
files python3-selfheal | grep -q '^/usr/lib/python3/dist-packages/selfheal\..*so$' ||
  fail "python3-selfheal has no Python module: $(files python3-selfheal)"
! files libselfheal2 | grep -q '^/usr/lib/libselfheal\.so$' || fail "the namelink is in libselfheal2"
grep -q '^libselfheal 2 libselfheal2 ' "$work/libselfheal2.control/shlibs" ||
  fail "shlibs: $(cat "$work/libselfheal2.control/shlibs" 2>&1)"
grep -qx 'activate-noawait ldconfig' "$work/libselfheal2.control/triggers" || fail "libselfheal2 has no ldconfig trigger"
for so in "$work"/libselfheal2.root/usr/lib/libselfheal.so.2 "$work"/python3-selfheal.root/usr/lib/python3/dist-packages/selfheal.*so; do
  if readelf -d "$so" | grep -E 'RPATH|RUNPATH'; then fail "$(basename "$so") has a search path"; fi
done
dpkg-deb -f "$lib_deb" Depends | grep -q 'selfheal (= ' || fail "libselfheal2 does not depend on selfheal"
dpkg-deb -f "$py_deb" Depends | grep -q 'python3 (>= .*libselfheal2 (= ' ||
  fail "python3-selfheal's Depends: $(dpkg-deb -f "$py_deb" Depends)"

step "libselfheal-sdk-dev: headers, the CMake packages, the testing kit, the examples"
for f in /usr/include/selfheal/sdk/sdk.hpp /usr/include/selfheal/sdk/plugin.hpp \
         /usr/include/selfheal/sdk/testing/fake_context.hpp \
         /usr/lib/cmake/SelfHealSDK/SelfHealSDKConfig.cmake /usr/lib/cmake/SelfHealSDK/SelfHealSDKTargets.cmake \
         /usr/include/selfheal/runtime.hpp /usr/include/selfheal/selfheal.h /usr/lib/libselfheal.so \
         /usr/lib/cmake/SelfHeal/SelfHealConfig.cmake /usr/lib/cmake/SelfHeal/SelfHealTargets.cmake \
         /usr/share/doc/selfheal/sdk/examples/README.md /usr/share/doc/selfheal/examples/dedup/dedup.cpp \
         /usr/share/doc/libselfheal-sdk-dev/copyright; do
  has libselfheal-sdk-dev "$f"
done
[ "$(readlink "$work/libselfheal-sdk-dev.root/usr/lib/libselfheal.so")" = libselfheal.so.2 ] ||
  fail "libselfheal.so does not point to libselfheal.so.2"
dpkg-deb -f "$dev_deb" Depends | grep -q 'libselfheal2 (= ' || fail "libselfheal-sdk-dev does not depend on libselfheal2"

step "no file in two packages, none under /usr/local or the build tree, all owned by root"
dups=$(cat "$work"/*.files | sort | uniq -d)
[ -z "$dups" ] || fail "in more than one package: $dups"
if cat "$work"/*.files | grep -E "^/usr/local/|^$build|^$source_dir|^/home|^/root"; then
  fail "files outside the packages' layout"
fi
if grep -rlI -- "$build" "$work"/*.root; then fail "packaged text files name the build tree $build"; fi
if awk '$2 != "root/root"' "$work"/*.contents | grep .; then fail "entries not owned by root/root"; fi

step "the packaged host validates the packaged manifest (paths moved into the extracted tree)"
root=$work/selfheal.root
sed -e "s|/usr/|$root/usr/|g" -e "s|/var/lib/selfheal|$work/state|g" "$manifest" >"$work/check.yaml"
"$root/usr/bin/selfheal" check --config "$work/check.yaml" >"$work/check.log" 2>&1 ||
  { cat "$work/check.log" >&2; fail "selfheal check of the packaged manifest"; }
tail -n 3 "$work/check.log"

echo "ok: $(for d in "${debs[@]}"; do basename "$d"; done | tr '\n' ' ')"
