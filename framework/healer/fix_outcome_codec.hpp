// A FixOutcome as the text the history keeps for it (JSON), so a process that waited on another
// process's fix reports that fix's outcome instead of diagnosing again. Attempts are not in the
// text: they are the history's rows with the fix's id.
#pragma once

#include <optional>
#include <string>

#include "healer/fix_types.hpp"

namespace selfheal {

std::string encode_outcome(const FixOutcome& outcome);
// nullopt when the text is not an outcome this version wrote.
std::optional<FixOutcome> decode_outcome(const std::string& text);

}  // namespace selfheal
