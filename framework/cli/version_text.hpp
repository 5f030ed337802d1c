// What `selfheal --version` prints: the program's version, then what it was built with, one
// "key: value" per line as `rustc -vV` does, so a bug report can quote it whole.
#pragma once

#include <string>

namespace selfheal::cli {

std::string version_text();

}  // namespace selfheal::cli
