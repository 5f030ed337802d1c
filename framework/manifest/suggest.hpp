// "Did you mean ...?": the closest allowed word to a misspelt one.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace selfheal::manifest_detail {

// Levenshtein distance (insertions, deletions, substitutions each cost 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word` when at most `max_distance` edits away (first one on ties).
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates,
                                   std::size_t max_distance = 2);

// "a, b, c" — for "allowed keys: ..." messages.
std::string join(const std::vector<std::string>& words, std::string_view separator = ", ");

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace selfheal::manifest_detail
