#include "missing_dependencies_diagnoser.hpp"

#include <algorithm>
#include <regex>
#include <set>

#include "support/build_record.hpp"
#include "support/diagnosis_util.hpp"

namespace selfheal::plugins {
namespace {

// cargo's resolution and download errors, with the crate name in the first group.
const std::regex& crate_patterns() {
  static const std::regex re(
      "no matching package named `([^`]+)` found"
      "|failed to select a version for the requirement `([^ `]+)"
      "|failed to get `([^`]+)` as a dependency"
      "|failed to load source for dependency `([^`]+)`"
      "|failed to download `?([A-Za-z0-9_-]+)"
      "|no matching package found[^`]*searched package name: `([^`]+)`");
  return re;
}

const std::regex& requirement_pattern() {
  static const std::regex re("required by package `([^`]+)`|requirement `([^`]+)`");
  return re;
}

// cargo's resolution errors are short lines; only the first KiB of a line goes through the
// regexes, because libstdc++'s regex matcher recurses once per character and a long line (a
// garbled or hostile build log) overflows the stack.
constexpr std::size_t kMatchedLineBytes = 1024;

constexpr const char* kResolutionMarkers[] = {
    "attempting to make an HTTP request, but --offline was specified",
    "failed to download",
    "Unable to update registry",
    "failed to select a version",
    "no matching package",
};

}  // namespace

std::optional<sdk::Diagnosis> MissingDependenciesDiagnoser::diagnose(
    const sdk::Context& context) {
  const auto& c = context.crate();
  auto record = read_build_record(c);
  if (!record || record->success()) return std::nullopt;
  if (newest_source_mtime_ms(c.root) > record->started_at_ms) return std::nullopt;  // stale
  std::set<std::string> crates;
  sdk::Value requirements = sdk::Value::list();
  sdk::Value lines = sdk::Value::list();
  bool resolution_error = false;
  for (const auto& line : read_build_output(c, 1 << 20)) {
    if (!line.empty() && line.front() == '{') continue;  // JSON messages are the compiler's
    bool relevant = false;
    const auto head_end = line.begin() + static_cast<std::ptrdiff_t>(
                                             std::min(line.size(), kMatchedLineBytes));
    std::smatch m;
    if (std::regex_search(line.begin(), head_end, m, crate_patterns())) {
      for (std::size_t i = 1; i < m.size(); ++i)
        if (m[i].matched) crates.insert(m[i].str());
      relevant = true;
    }
    for (const char* marker : kResolutionMarkers)
      if (line.find(marker) != std::string::npos) relevant = true;
    if (std::regex_search(line.begin(), head_end, m, requirement_pattern())) {
      requirements.push_back(line);
      relevant = true;
    }
    if (relevant) {
      resolution_error = true;
      if (lines.size() < 20) lines.push_back(line);
    }
  }
  if (!resolution_error) return std::nullopt;
  sdk::Value missing = sdk::Value::list();
  for (const auto& name : crates) missing.push_back(name);
  auto d = make_diagnosis(sdk::issue::missing_dependencies,
                          crates.empty() ? std::string("cargo could not resolve dependencies")
                                         : "missing crates: " + missing.items().front().as_string() +
                                               (crates.size() > 1 ? " and more" : ""));
  d.details.set("missing_crates", missing);
  d.details.set("requirements", requirements);
  d.details.set("cargo_output", lines);
  return d;
}

}  // namespace selfheal::plugins
