// selfheal: the host's command-line program. See README.md ("Command line") for every command.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/version_text.hpp"

using namespace selfheal::cli;

namespace {

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
    if (parsed.has("help")) {
      std::cout << command.usage;
      return kOk;
    }
    if (!parsed.error.empty()) {
      std::cerr << "selfheal " << command.name << ": " << parsed.error << "\n" << command.usage;
      return kUsage;
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
