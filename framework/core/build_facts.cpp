#include "core/build_facts.hpp"

#include <sqlite3.h>

#include <boost/version.hpp>
#include <sstream>

#include "selfheal/sdk/version.hpp"

// Set by framework/core/CMakeLists.txt from the project and the packages CMake found.
#ifndef SELFHEAL_VERSION
#error "SELFHEAL_VERSION must be defined by the build"
#endif

namespace selfheal {

std::vector<std::pair<std::string, std::string>> build_facts() {
  const auto boost = std::to_string(BOOST_VERSION / 100000) + "." +
                     std::to_string(BOOST_VERSION / 100 % 1000) + "." +
                     std::to_string(BOOST_VERSION % 100);
  return {
      {"selfheal", SELFHEAL_VERSION},
      {"sdk-api", std::to_string(sdk::kApiMajor) + "." + std::to_string(sdk::kApiMinor)},
      {"cxx-abi", sdk::kCxxAbiTag},
      {"boost", boost},
      {"yaml-cpp", SELFHEAL_YAML_CPP_VERSION},
      {"sqlite", std::string(sqlite3_libversion()) + " (built against " SQLITE_VERSION ")"},
      {"build-type", SELFHEAL_BUILD_TYPE},
  };
}

std::string build_facts_text() {
  std::ostringstream out;
  bool first = true;
  for (const auto& [key, value] : build_facts()) {
    out << key << (first ? " " : ": ") << value << "\n";
    first = false;
  }
  return out.str();
}

}  // namespace selfheal
