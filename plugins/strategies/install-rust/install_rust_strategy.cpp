#include "install_rust_strategy.hpp"

#include <cstdlib>

#include "support/toolchain.hpp"

namespace selfheal::plugins {

// Config:
//   command: [argv...]   the installer (default: rustup toolchain install stable --profile minimal,
//                        when rustup is found); run without a shell, with the build timeout
//   toolchain_bin: path  the folder with cargo and rustc afterwards (default: ~/.cargo/bin)
sdk::FixResult InstallRustStrategy::apply(const sdk::Context& context, const sdk::Diagnosis&) {
  const auto& config = context.config();
  const char* home = std::getenv("HOME");
  std::filesystem::path bin = config.contains("toolchain_bin")
                                  ? std::filesystem::path(config["toolchain_bin"].as_string())
                                  : std::filesystem::path(home ? home : "/root") / ".cargo" / "bin";
  sdk::ProcessSpec spec;
  for (const auto& arg : config["command"].items()) spec.argv.push_back(arg.as_string());
  if (spec.argv.empty()) {
    auto rustup = find_tool(context, "rustup");
    if (!rustup && std::filesystem::exists(bin / "rustup")) rustup = bin / "rustup";
    if (!rustup)
      return sdk::FixResult::failed(
          "no installer: rustup is not on the search path and no `command` is configured");
    spec.argv = {rustup->string(), "toolchain", "install", "stable", "--profile", "minimal"};
  }
  spec.environment = cargo_environment(context);
  spec.search_path = context.toolchain_search_path();
  spec.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(context.settings().build_timeout);
  spec.cancellation = context.cancellation();
  spec.log_file = context.crate().build_log;
  spec.on_line = [&](sdk::OutputStream, std::string_view line) { context.report_progress(line); };
  auto run = context.processes().run(spec);
  sdk::FixResult result;
  result.log_tail = run.tail;
  result.details.set("command", spec.argv.front());
  result.details.set("toolchain_bin", bin.string());
  if (!run.success()) {
    result.error = run.started ? "installer failed with exit code " + std::to_string(run.exit_code)
                               : "installer did not start: " + run.error;
    return result;
  }
  context.add_toolchain_dir(bin);  // the next build sees the new toolchain
  if (!find_tool(context, "cargo") || !find_tool(context, "rustc")) {
    result.error = "installer ran but cargo/rustc are still not in " + bin.string();
    return result;
  }
  result.success = true;
  result.message = "Rust toolchain available in " + bin.string();
  return result;
}

}  // namespace selfheal::plugins
