// What this build of selfheal is and was built with: the facts `selfheal --version` prints and
// the HTTP API reports (`version` in GET /self-healing/plugins and on the status page), kept here
// so that the CLI and the API share them without the API depending on the CLI.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace selfheal {

// In order: selfheal, sdk-api, cxx-abi, boost, yaml-cpp, sqlite, build-type.
std::vector<std::pair<std::string, std::string>> build_facts();

// "selfheal X.Y.Z" then "key: value" per line, as `rustc -vV` prints.
std::string build_facts_text();

}  // namespace selfheal
