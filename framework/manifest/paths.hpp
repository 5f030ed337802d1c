// Path resolution: every path the manifest stores is absolute and lexically normalised.
#pragma once

#include <filesystem>

namespace selfheal::manifest_detail {

// Lexically normal, without a trailing separator ("/a/b/../c/" -> "/a/c").
std::filesystem::path normalise(const std::filesystem::path& p);
// `p` if absolute, else `base / p`; normalised. `base` is absolute.
std::filesystem::path resolve(const std::filesystem::path& base, const std::filesystem::path& p);
// The manifest file's absolute, normalised path (relative to the working directory).
std::filesystem::path absolute_file(const std::filesystem::path& file);

}  // namespace selfheal::manifest_detail
