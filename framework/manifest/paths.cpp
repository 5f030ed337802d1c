#include "manifest/paths.hpp"

#include <system_error>

namespace selfheal::manifest_detail {

std::filesystem::path normalise(const std::filesystem::path& p) {
  std::filesystem::path n = p.lexically_normal();
  if (!n.has_filename() && n.has_relative_path()) n = n.parent_path();
  return n;
}

std::filesystem::path resolve(const std::filesystem::path& base, const std::filesystem::path& p) {
  return normalise(p.is_absolute() ? p : base / p);
}

std::filesystem::path absolute_file(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(file, ec);
  return normalise(ec ? file : abs);
}

}  // namespace selfheal::manifest_detail
