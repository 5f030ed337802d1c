# Runs at install time, once per package's component (packaging/debian.cmake): Debian wants
# /usr/share/doc/<package>/copyright and a changelog in every binary package (lintian:
# no-copyright-file, no-changelog), and manual pages for the host's programs. Only a package
# build (SELFHEAL_PACKAGE_LAYOUT) writes them; `cmake --install` into a prefix does not.
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

# The host's manual pages (lintian: no-manual-page), compressed likewise.
if(SELFHEAL_DEB_PACKAGE STREQUAL "selfheal")
  set(_sh_man "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/share/man/man1")
  file(MAKE_DIRECTORY "${_sh_man}")
  foreach(_sh_page IN ITEMS selfheal.1 selfheal-probe.1)
    message(STATUS "Installing: ${_sh_man}/${_sh_page}.gz")
    file(COPY_FILE "${SELFHEAL_DEB_SOURCE_DIR}/packaging/debian/man/${_sh_page}" "${_sh_man}/${_sh_page}")
    execute_process(COMMAND gzip -9nf "${_sh_man}/${_sh_page}" RESULT_VARIABLE _sh_rc)
    if(NOT _sh_rc EQUAL 0)
      message(FATAL_ERROR "gzip ${_sh_man}/${_sh_page} failed: ${_sh_rc}")
    endif()
    file(CHMOD "${_sh_man}/${_sh_page}.gz" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  endforeach()
endif()
