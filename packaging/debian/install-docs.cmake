# Runs at install time, once per package's component (packaging/debian.cmake): Debian wants
# /usr/share/doc/<package>/copyright and a changelog in every binary package (lintian:
# no-copyright-file, no-changelog). Only a package build (SELFHEAL_PACKAGE_LAYOUT) writes them;
# `cmake --install` into a prefix does not.
# In: SELFHEAL_DEB_PACKAGE, SELFHEAL_DEB_VERSION, SELFHEAL_DEB_MAINTAINER, SELFHEAL_DEB_SOURCE_DIR.
if(NOT SELFHEAL_PACKAGE_LAYOUT)
  return()
endif()
set(_sh_doc "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/share/doc/${SELFHEAL_DEB_PACKAGE}")
file(MAKE_DIRECTORY "${_sh_doc}")
message(STATUS "Installing: ${_sh_doc}/copyright")
file(COPY_FILE "${SELFHEAL_DEB_SOURCE_DIR}/packaging/debian/copyright" "${_sh_doc}/copyright")
file(CHMOD "${_sh_doc}/copyright" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
# A native package (no Debian revision): changelog.gz, compressed as dh_compress does (-9n).
configure_file("${SELFHEAL_DEB_SOURCE_DIR}/packaging/debian/changelog.in" "${_sh_doc}/changelog" @ONLY)
execute_process(COMMAND gzip -9nf "${_sh_doc}/changelog" RESULT_VARIABLE _sh_rc)
if(NOT _sh_rc EQUAL 0)
  message(FATAL_ERROR "gzip ${_sh_doc}/changelog failed: ${_sh_rc}")
endif()
file(CHMOD "${_sh_doc}/changelog.gz" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
