#include "support/cargo_progress.hpp"

#include <fstream>

#include "support/json_reader.hpp"

namespace selfheal::plugins {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// "name 0.1.0" from a package id: "path+file:///x/name#0.1.0", "registry+...#name@0.1.0",
// or the old "name 0.1.0 (path+file:///x)".
std::string package_key(std::string_view id) {
  if (const auto hash = id.rfind('#'); hash != std::string_view::npos) {
    std::string_view fragment = id.substr(hash + 1);
    if (const auto at = fragment.find('@'); at != std::string_view::npos)
      return std::string(fragment.substr(0, at)) + " " + std::string(fragment.substr(at + 1));
    std::string_view path = id.substr(0, hash);
    if (const auto slash = path.rfind('/'); slash != std::string_view::npos) path.remove_prefix(slash + 1);
    return std::string(path) + " " + std::string(fragment);
  }
  const auto space = id.find(' ');
  const auto end = id.find(' ', space == std::string_view::npos ? id.size() : space + 1);
  return std::string(id.substr(0, end));
}

}  // namespace

std::optional<std::size_t> count_locked_packages(const std::filesystem::path& lock_file) {
  std::ifstream in(lock_file);
  if (!in) return std::nullopt;
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);)
    if (trim(line) == "[[package]]") ++n;
  return n;
}

std::size_t CargoProgress::total() {
  if (!total_) total_ = count_locked_packages(lock_file_).value_or(0);
  return *total_;
}

std::optional<std::string> CargoProgress::feed(std::string_view line) {
  const std::string_view text = trim(line);
  if (text.empty()) return std::nullopt;
  if (text.front() == '{') {
    // A unit cargo did not need to build still counts towards the total.
    if (text.find("\"compiler-artifact\"") == std::string_view::npos) return std::nullopt;
    const auto message = parse_json(text);
    if (!message || !message->is_map()) return std::nullopt;
    if ((*message)["fresh"].as_bool(false) && (*message)["package_id"].is_string())
      seen_.insert(package_key((*message)["package_id"].as_string()));
    return std::nullopt;
  }
  constexpr std::string_view kCompiling = "Compiling ";
  if (!text.starts_with(kCompiling)) return std::string(text);
  // "Compiling name v0.1.0 (/path)"
  std::string_view rest = text.substr(kCompiling.size());
  const auto space = rest.find(' ');
  const std::string_view name = rest.substr(0, space);
  std::string_view version = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  version = version.substr(0, version.find(' '));
  if (version.starts_with('v')) version.remove_prefix(1);
  seen_.insert(std::string(name) + " " + std::string(version));
  const std::size_t n = seen_.size();
  const std::size_t all = total();
  return "Compiling " + std::string(name) + " (" + std::to_string(n) +
         (all >= n ? "/" + std::to_string(all) : std::string()) + ")";
}

}  // namespace selfheal::plugins
