# Debian packages through CPack (`make package`; details in packaging/README.md). Included from
# the top-level CMakeLists.txt after every install() rule, since include(CPack) reads them.
#
#   package              components           what
#   selfheal             host                 /usr/bin/selfheal, selfheal-probe, the plugins in
#                                             /usr/lib/selfheal, /etc/selfheal/plugins.yaml (a
#                                             conffile), rust-core's sources, the unit, the docs
#   libselfheal2         runtime              /usr/lib/libselfheal.so.2
#   python3-selfheal     python               `import selfheal` (Debian wants Python modules in
#                                             a python3-* package that depends on python3)
#   libselfheal-sdk-dev  sdk, runtime-dev     headers, libselfheal.so, the CMake packages
#                                             SelfHealSDK and SelfHeal, the examples
#
# One -dev package for both the SDK and the runtime keeps the set small: a plugin author and an
# application author install the same package.

set(SELFHEAL_PACKAGE_MAINTAINER "selfheal maintainers <maintainers@users.noreply.r-seed-ab272332.example>"
  CACHE STRING "Maintainer: field of the Debian packages")

# Every package install (cpack) stages with the packages' layout, whatever this tree was configured
# with: prefix /usr, the manifest in /etc/selfheal with absolute paths, state in /var/lib/selfheal
# (packaging/install-layout.cmake.in reads these at install time). So the tree `make test` built
# packages without a second configure (tests/packaging/debian_packages_test.sh).
set(CPACK_CUSTOM_INSTALL_VARIABLES
  "SELFHEAL_PACKAGE_LAYOUT=ON"
  "SELFHEAL_INSTALL_MANIFEST_DIR=/etc/selfheal"
  "SELFHEAL_INSTALL_STATE_DIR=/var/lib/selfheal")
# DESTDIR staging: the install runs with CMAKE_INSTALL_PREFIX=/usr (the paths written into the
# manifest and the unit are the installed ones, not the staging folder's) and /etc lands in the
# staging folder too, never in this machine's /etc.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Debian ships stripped binaries (lintian: unstripped-binary-or-object); the RelWithDebInfo tree of
# `make test` has debug info.
set(CPACK_STRIP_FILES ON)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME selfheal)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "selfheal")
set(CPACK_PACKAGE_CONTACT "${SELFHEAL_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SELFHEAL_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# <name>_<version>_<arch>.deb, as dpkg-deb names them.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Depends: from the ELF files' libraries (dpkg-shlibdeps, from dpkg-dev); a shlibs file for
# libselfheal.so.2, so packages built against it depend on libselfheal2 (lintian: no-shlibs).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
# Control files (conffiles, maintainer scripts) mode 0644/0755 as dpkg-deb wants them.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# One package per component group.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_COMPONENTS_ALL host runtime python sdk runtime-dev)
set(_sh_deb_version ${PROJECT_VERSION})

set(CPACK_DEBIAN_DAEMON_PACKAGE_NAME selfheal)
set(CPACK_DEBIAN_DAEMON_PACKAGE_SECTION admin)
# adduser: postinst creates the system user. cargo and rustc build rust-core; without them every
# component serves its C++ implementation and the host reports missing_rustup.
set(CPACK_DEBIAN_DAEMON_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_DAEMON_PACKAGE_RECOMMENDS "cargo, rustc")
set(CPACK_DEBIAN_DAEMON_PACKAGE_CONTROL_EXTRA
  ${CMAKE_CURRENT_LIST_DIR}/debian/selfheal/conffiles
  ${CMAKE_CURRENT_LIST_DIR}/debian/selfheal/postinst
  ${CMAKE_CURRENT_LIST_DIR}/debian/selfheal/prerm
  ${CMAKE_CURRENT_LIST_DIR}/debian/selfheal/postrm)
set(CPACK_DEBIAN_DAEMON_DESCRIPTION "self-healing host for native components with Rust implementations
selfheal keeps native components (a Bloom filter, a sliding window of frames,
a memory pool) working: each has a fast Rust implementation, built by cargo
from a crate selfheal manages, and a C++ implementation that is always there.
The host diagnoses why the Rust side cannot be used, repairs it with pluggable
strategies and records every attempt; it serves an HTTP API and runs as the
systemd service selfheal.service.")

set(CPACK_DEBIAN_SHLIB_PACKAGE_NAME libselfheal2)
set(CPACK_DEBIAN_SHLIB_PACKAGE_SECTION libs)
# The runtime opens its components' plugins in selfheal-probe and loads the plugins of the
# selfheal package.
set(CPACK_DEBIAN_SHLIB_PACKAGE_DEPENDS "selfheal (= ${_sh_deb_version})")
# ldconfig through dpkg's trigger (lintian: lacks-ldconfig-trigger). CPack still writes a postinst
# and postrm that call ldconfig themselves (lintian warns: maintscript-calls-ldconfig); replacing
# them with empty scripts would only trade that warning for maintainer-script-empty.
set(CPACK_DEBIAN_SHLIB_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_LIST_DIR}/debian/libselfheal2/triggers)
set(CPACK_DEBIAN_SHLIB_DESCRIPTION "selfheal runtime library for applications
libselfheal.so.2 lets an application use the selfheal components (Bloom
filter, sliding window, memory pool) through handles that stay valid while
the host switches them between their C++ and Rust implementations, from C++
or through its C ABI.")

set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME python3-selfheal)
set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
# The module is built for one Python (selfheal.cpython-311-...so), as dh_python3 would depend.
set(_sh_py "${SELFHEAL_PYTHON_VERSION}")
string(REGEX REPLACE "^([0-9]+)\\.([0-9]+)$" "\\1" _sh_py_major "${_sh_py}")
string(REGEX REPLACE "^([0-9]+)\\.([0-9]+)$" "\\2" _sh_py_minor "${_sh_py}")
math(EXPR _sh_py_next "${_sh_py_minor} + 1")
# dpkg-shlibdeps cannot look into libselfheal2 (another package of this build, not installed), so
# its Depends are written here: libselfheal2 of this very build, which carries the versions of
# libc6, libstdc++6 and libgcc-s1 computed for the same compiler (named too: lintian's
# missing-dependency-on-libc).
set(CPACK_DEBIAN_PYTHON_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS
  "python3 (>= ${_sh_py}~), python3 (<< ${_sh_py_major}.${_sh_py_next}), libselfheal2 (= ${_sh_deb_version}), libc6, libstdc++6, libgcc-s1")
set(CPACK_DEBIAN_PYTHON_DESCRIPTION "selfheal runtime for Python
The Python module selfheal (import selfheal) gives Python programs the
selfheal components (Bloom filter, sliding window, memory pool) through
libselfheal2, with the same handles and modes as the C++ runtime.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libselfheal-sdk-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libselfheal2 (= ${_sh_deb_version})")
set(CPACK_DEBIAN_DEV_DESCRIPTION "selfheal plugin SDK and runtime development files
Headers and CMake packages for writing selfheal plugins (SelfHealSDK: the SDK
and its testing kit of fake host services) and for building applications on
the runtime library (SelfHeal: libselfheal.so, selfheal/runtime.hpp and the C
header selfheal/selfheal.h), with the example plugins and applications.")

include(CPack)

cpack_add_component_group(daemon)
cpack_add_component_group(shlib)
cpack_add_component_group(python)
cpack_add_component_group(dev)
cpack_add_component(host GROUP daemon)
cpack_add_component(runtime GROUP shlib)
cpack_add_component(python GROUP python)
cpack_add_component(sdk GROUP dev)
cpack_add_component(runtime-dev GROUP dev)

# /usr/share/doc/<package>/copyright and changelog.gz, written only by a package build.
foreach(_sh_pair IN ITEMS host:selfheal runtime:libselfheal2 python:python3-selfheal sdk:libselfheal-sdk-dev)
  string(REPLACE ":" ";" _sh_pair "${_sh_pair}")
  list(GET _sh_pair 0 _sh_component)
  list(GET _sh_pair 1 _sh_package)
  install(CODE "
    set(SELFHEAL_DEB_PACKAGE [[${_sh_package}]])
    set(SELFHEAL_DEB_VERSION [[${_sh_deb_version}]])
    set(SELFHEAL_DEB_MAINTAINER [[${SELFHEAL_PACKAGE_MAINTAINER}]])
    set(SELFHEAL_DEB_SOURCE_DIR [[${PROJECT_SOURCE_DIR}]])
    include([[${CMAKE_CURRENT_LIST_DIR}/debian/install-docs.cmake]])
  " COMPONENT ${_sh_component})
endforeach()
