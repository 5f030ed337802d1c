#include "install_dependencies_strategy.hpp"

#include <fstream>
#include <sstream>

#include "support/cargo_run.hpp"

namespace selfheal::plugins {
namespace {

// Points the crate's cargo at a local directory source (a vendored registry) instead of
// crates.io, which may be unreachable. Written to <crate>/.cargo/config.toml, a file selfheal
// owns: it is replaced whole.
bool write_source_config(const std::filesystem::path& crate_root,
                         const std::filesystem::path& directory, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(crate_root / ".cargo", ec);
  std::ofstream out(crate_root / ".cargo" / "config.toml", std::ios::trunc);
  if (!out) {
    error = "cannot write " + (crate_root / ".cargo" / "config.toml").string();
    return false;
  }
  out << "# Written by selfheal's install_dependencies strategy.\n"
      << "[source.crates-io]\nreplace-with = \"selfheal-local\"\n\n"
      << "[source.selfheal-local]\ndirectory = \"" << directory.string() << "\"\n";
  return static_cast<bool>(out.flush());
}

}  // namespace

// Config:
//   directory_source: <path>   a directory source (as `cargo vendor` makes) to resolve from
//   pins: {crate: version}     known-good versions, applied with cargo update --precise
//   offline: true              pass --offline to cargo (default true)
sdk::FixResult InstallDependenciesStrategy::apply(const sdk::Context& context,
                                                  const sdk::Diagnosis& diagnosis) {
  const auto& c = context.crate();
  const auto& config = context.config();
  const bool offline = config["offline"].as_bool(true);
  sdk::FixResult result;
  sdk::Value steps = sdk::Value::list();

  if (config.contains("directory_source")) {
    std::filesystem::path dir = config["directory_source"].as_string();
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
      return sdk::FixResult::failed("directory source " + dir.string() + " does not exist");
    std::string error;
    if (!write_source_config(c.root, dir, error)) return sdk::FixResult::failed(error);
    steps.push_back("source: " + dir.string());
  }
  auto cargo = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"--manifest-path", c.manifest.string()});
    if (offline) args.push_back("--offline");
    auto run = run_cargo(context, args, /*record_as_build=*/false);
    result.log_tail = run.tail;
    return run;
  };
  // Resolve again: the old lock file may name versions the sources do not have.
  if (auto run = cargo({"generate-lockfile"}); !run.success()) {
    result.error = "cargo generate-lockfile failed (exit " + std::to_string(run.exit_code) + ")";
    result.details.set("steps", steps);
    return result;
  }
  steps.push_back("generate-lockfile");
  for (const auto& [name, version] : config["pins"].entries()) {
    auto run = cargo({"update", "-p", name, "--precise", version.as_string()});
    if (!run.success()) {
      result.error = "cannot pin " + name + " to " + version.as_string();
      result.details.set("steps", steps);
      return result;
    }
    steps.push_back("pin " + name + " " + version.as_string());
  }
  if (auto run = cargo({"fetch"}); !run.success()) {
    result.error = "cargo fetch failed (exit " + std::to_string(run.exit_code) + ")";
    result.details.set("steps", steps);
    return result;
  }
  steps.push_back("fetch");
  result.success = true;
  result.message = "dependencies resolved";
  result.details.set("steps", steps);
  result.details.set("missing_crates", diagnosis.details["missing_crates"]);
  return result;
}

}  // namespace selfheal::plugins
