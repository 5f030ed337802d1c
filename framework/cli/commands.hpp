// The subcommands of `selfheal`. Each returns an exit code (exit_codes.hpp).
#pragma once

#include <memory>
#include <optional>

#include "cli/args.hpp"
#include "manifest/manifest.hpp"

namespace selfheal::cli {

struct Command {
  const char* name;
  const char* summary;
  const char* usage;  // the whole --help text
  std::set<std::string> takes_value;
  std::set<std::string> flags;
  int (*run)(const Args& args);
};

const std::vector<Command>& commands();

// Loads and validates the manifest named by --config; prints the errors and returns nullopt.
std::optional<Manifest> load_or_report(const Args& args);

int run_check(const Args& args);
int run_plugins(const Args& args);
int run_serve(const Args& args);
int run_diagnose(const Args& args);
int run_fix(const Args& args);
int run_clean_build(const Args& args);
int run_status(const Args& args);
int run_history(const Args& args);
int run_components(const Args& args);
int run_force_check(const Args& args);

}  // namespace selfheal::cli
