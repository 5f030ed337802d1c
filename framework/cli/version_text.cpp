#include "cli/version_text.hpp"

#include "core/build_facts.hpp"

namespace selfheal::cli {

std::string version_text() { return build_facts_text(); }

}  // namespace selfheal::cli
