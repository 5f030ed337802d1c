#include "incompatible_version_diagnoser.hpp"

#include <fstream>
#include <regex>
#include <sstream>

#include "support/diagnosis_util.hpp"
#include "support/toolchain.hpp"

namespace selfheal::plugins {
namespace {

std::string info_field(const std::string& info, const std::string& key) {
  std::istringstream in(info);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  }
  return {};
}

// [package] version from Cargo.toml (a line scan: no TOML library in plugins).
std::string crate_version(const std::filesystem::path& manifest) {
  std::ifstream in(manifest);
  std::string line;
  bool in_package = false;
  static const std::regex version_re(R"re(^\s*version\s*=\s*"([^"]+)")re");
  while (std::getline(in, line)) {
    if (!line.empty() && line.front() == '[') in_package = line.rfind("[package]", 0) == 0;
    std::smatch m;
    if (in_package && std::regex_search(line, m, version_re)) return m[1].str();
  }
  return {};
}

std::string current_rustc(const sdk::Context& context) {
  auto rustc = find_tool(context, "rustc");
  if (!rustc) return {};
  if (auto known = known_rustc_version(context, *rustc)) return *known;
  sdk::ProcessSpec spec;
  spec.argv = {rustc->string(), "--version"};
  spec.environment = cargo_environment(context);
  spec.timeout = std::chrono::seconds(30);
  spec.cancellation = context.cancellation();
  auto run = context.processes().run(spec);
  return run.success() && !run.tail.empty() ? run.tail.front() : std::string();
}

}  // namespace

std::optional<sdk::Diagnosis> IncompatibleVersionDiagnoser::diagnose(
    const sdk::Context& context) {
  const auto& c = context.crate();
  std::error_code ec;
  if (!std::filesystem::exists(c.artifact, ec)) return std::nullopt;
  auto probe = context.probe_library(c.artifact);
  if (!probe.ok) return std::nullopt;  // corrupted_binary's business

  sdk::Value mismatches = sdk::Value::list();
  auto mismatch = [&](const char* what, const std::string& expected, const std::string& found) {
    sdk::Value m = sdk::Value::map();
    m.set("what", what);
    m.set("expected", expected);
    m.set("found", found);
    mismatches.push_back(std::move(m));
  };
  const std::string found_abi = probe.abi_version ? std::to_string(*probe.abi_version) : "none";
  if (!probe.abi_version || *probe.abi_version != c.expected_abi_version)
    mismatch("abi_version", std::to_string(c.expected_abi_version), found_abi);
  if (context.config()["check_toolchain"].as_bool(true)) {
    const std::string built_with = info_field(probe.build_info, "rustc_version");
    const std::string now = current_rustc(context);
    if (!built_with.empty() && !now.empty() && built_with != now)
      mismatch("rustc_version", now, built_with);
  }
  const std::string built_version = info_field(probe.build_info, "crate_version");
  const std::string source_version = crate_version(c.manifest);
  if (!built_version.empty() && !source_version.empty() && built_version != source_version)
    mismatch("crate_version", source_version, built_version);

  if (mismatches.size() == 0) return std::nullopt;
  const auto& first = mismatches.items().front();
  auto d = make_diagnosis(sdk::issue::incompatible_version,
                          first["what"].as_string() + " is " + first["found"].as_string() +
                              ", expected " + first["expected"].as_string());
  d.details.set("mismatches", mismatches);
  d.details.set("artifact", c.artifact.string());
  return d;
}

}  // namespace selfheal::plugins
