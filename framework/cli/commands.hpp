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
// Prints manifest errors as file:line:column lines on stderr and, with --json, as
// {"valid": false, "file", "errors": [{file, line, column, key, message, text}]} on stdout.
void report_manifest_errors(const Args& args, const std::string& file,
                            const std::vector<ManifestError>& errors);
// False (with the manifest's crate names on stderr) when --crate names no crate of the manifest.
bool crate_is_known(const Manifest& m, const Args& args);

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
