// Fuzzes the manifest parser and validator: arbitrary text through parse_manifest(), the entry
// point behind load_manifest(). Errors are expected; a crash, a sanitizer report, a leak or a
// broken contract (a manifest together with errors, neither of them, an error without a message)
// is a finding.
//
// Lines of the form "# env NAME=VALUE" (YAML comments, so the parser ignores them) are what the
// environment lookup answers, so the RUST_* overrides are fuzzed too without touching the
// process environment.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "manifest/manifest.hpp"

namespace {

std::map<std::string, std::string>& fuzz_environment() {
  static std::map<std::string, std::string> env;
  return env;
}

std::optional<std::string> lookup(const char* name) {
  const auto& env = fuzz_environment();
  if (auto it = env.find(name); it != env.end()) return it->second;
  return std::nullopt;
}

void read_environment_lines(std::string_view text) {
  constexpr std::string_view kPrefix = "# env ";
  auto& env = fuzz_environment();
  env.clear();
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(at, end - at);
    if (line.substr(0, kPrefix.size()) == kPrefix) {
      const std::string_view assignment = line.substr(kPrefix.size());
      if (const auto eq = assignment.find('='); eq != std::string_view::npos)
        env[std::string(assignment.substr(0, eq))] = std::string(assignment.substr(eq + 1));
    }
    at = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  read_environment_lines(text);
  const auto load = selfheal::parse_manifest(text, "/fuzz/config/plugins.yaml", &lookup);
  if (load.manifest.has_value() == !load.errors.empty()) std::abort();  // exactly one of them
  for (const auto& e : load.errors)
    if (e.message.empty() || e.to_string().empty()) std::abort();
  return 0;
}
