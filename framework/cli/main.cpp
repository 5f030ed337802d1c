// selfheal: the host's command-line program. See README.md ("Command line") for every command.
#include <cstdlib>
#include <iostream>
#include <utility>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/version_text.hpp"

using namespace selfheal::cli;

namespace {

constexpr const char* kFolderOptions =
    "  --state-dir D       overrides settings.state_dir (also SELFHEAL_STATE_DIR): history,\n"
    "                      artifacts, build logs and the build cache live there\n"
    "  --plugin-dir D      overrides settings.plugin_dir (also SELFHEAL_PLUGIN_DIR): where\n"
    "                      relative plugin `library:` values are looked up\n";

void print_overview(std::ostream& out) {
  out << "usage: selfheal <command> [options]\n\n"
         "Keeps the Rust implementations of native components working: diagnoses why they\n"
         "cannot be used, repairs them with plugins, and switches components at run time.\n\n"
         "commands:\n";
  for (const auto& c : commands()) {
    std::string name = c.name;
    name.resize(14, ' ');
    out << "  " << name << c.summary << "\n";
  }
  out << "\nRun 'selfheal <command> --help' for a command's options, 'selfheal --version' for\n"
         "the version and what it was built with.\n"
         "Exit codes: 0 ok/healthy, 1 issue or failure, 2 usage, 3 invalid manifest,\n"
         "4 internal error, 5 fixed.\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args.front() == "--help" || args.front() == "-h" || args.front() == "help") {
    print_overview(std::cout);
    return args.empty() ? kUsage : kOk;
  }
  if (args.front() == "--version" || args.front() == "-V") {
    std::cout << version_text();
    return kOk;
  }
  for (const auto& command : commands()) {
    if (args.front() != command.name) continue;
    Args parsed = parse_args(args, command.takes_value, command.flags);
    std::string usage = command.usage;
    if (command.takes_value.count("state-dir")) {  // before the "exit:" line
      const auto exit_line = usage.find("exit:");
      usage.insert(exit_line == std::string::npos ? usage.size() : exit_line, kFolderOptions);
    }
    if (parsed.has("help")) {
      std::cout << usage;
      return kOk;
    }
    if (!parsed.error.empty()) {
      std::cerr << "selfheal " << command.name << ": " << parsed.error << "\n" << usage;
      return kUsage;
    }
    // The flags are the environment variables the manifest reader applies (and a reload
    // re-applies), so a command line and a systemd Environment= line mean the same.
    for (const auto& [flag, variable] : {std::pair{"state-dir", "SELFHEAL_STATE_DIR"},
                                         std::pair{"plugin-dir", "SELFHEAL_PLUGIN_DIR"}}) {
      if (auto value = parsed.option(flag)) {
        if (value->empty()) {
          std::cerr << "selfheal " << command.name << ": --" << flag << " needs a folder\n" << usage;
          return kUsage;
        }
        ::setenv(variable, value->c_str(), 1);
      }
    }
    try {
      return command.run(parsed);
    } catch (const std::exception& e) {
      std::cerr << "selfheal " << command.name << ": " << e.what() << "\n";
      return kInternal;
    }
  }
  std::cerr << "selfheal: unknown command '" << args.front() << "'\n\n";
  print_overview(std::cerr);
  return kUsage;
}
