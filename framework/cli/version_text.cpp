#include "cli/version_text.hpp"

#include <sqlite3.h>

#include <boost/version.hpp>
#include <sstream>

#include "selfheal/sdk/version.hpp"

// Set by framework/cli/CMakeLists.txt from the project and the packages CMake found.
#ifndef SELFHEAL_VERSION
#error "SELFHEAL_VERSION must be defined by the build"
#endif

namespace selfheal::cli {

std::string version_text() {
  std::ostringstream out;
  out << "selfheal " << SELFHEAL_VERSION << "\n"
      << "sdk-api: " << sdk::kApiMajor << "." << sdk::kApiMinor << "\n"
      << "cxx-abi: " << sdk::kCxxAbiTag << "\n"
      << "boost: " << BOOST_VERSION / 100000 << "." << BOOST_VERSION / 100 % 1000 << "."
      << BOOST_VERSION % 100 << "\n"
      << "yaml-cpp: " << SELFHEAL_YAML_CPP_VERSION << "\n"
      << "sqlite: " << sqlite3_libversion() << " (built against " << SQLITE_VERSION << ")\n"
      << "build-type: " << SELFHEAL_BUILD_TYPE << "\n";
  return out.str();
}

}  // namespace selfheal::cli
