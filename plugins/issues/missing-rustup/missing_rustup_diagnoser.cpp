#include "missing_rustup_diagnoser.hpp"

#include "support/diagnosis_util.hpp"
#include "support/toolchain.hpp"

namespace selfheal::plugins {

std::optional<sdk::Diagnosis> MissingRustupDiagnoser::diagnose(const sdk::Context& context) {
  sdk::Value searched = sdk::Value::list();
  for (const auto& dir : context.toolchain_search_path()) searched.push_back(dir.string());
  sdk::Value missing = sdk::Value::list();
  for (const char* tool : {"cargo", "rustc"}) {
    if (!find_tool(context, tool)) missing.push_back(tool);
  }
  if (missing.size() > 0) {
    auto d = make_diagnosis(sdk::issue::missing_rustup,
                            "Rust toolchain not found in the search path");
    d.details.set("missing", missing);
    d.details.set("search_path", searched);
    return d;
  }
  // Present is not enough: a rustup proxy without a default toolchain exists but cannot run.
  const auto rustc = *find_tool(context, "rustc");
  if (known_rustc_version(context, rustc)) return std::nullopt;  // the host saw it run, as it is now
  sdk::ProcessSpec spec;
  spec.argv = {rustc.string(), "--version"};
  spec.environment = cargo_environment(context);
  spec.timeout = std::chrono::seconds(context.config()["probe_timeout_s"].as_int(30));
  spec.cancellation = context.cancellation();
  auto run = context.processes().run(spec);
  if (!run.success()) {
    auto d = make_diagnosis(sdk::issue::missing_rustup, "rustc is present but does not run");
    sdk::Value output = sdk::Value::list();
    for (const auto& line : run.tail) output.push_back(line);
    d.details.set("rustc", spec.argv[0]);
    d.details.set("exit_code", run.exit_code);
    d.details.set("output", output);
    d.details.set("search_path", searched);
    return d;
  }
  return std::nullopt;
}

}  // namespace selfheal::plugins
