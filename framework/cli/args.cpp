#include "cli/args.hpp"

namespace selfheal::cli {

std::optional<std::string> Args::option(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

std::string Args::config() const { return option("config").value_or("config/plugins.yaml"); }

Args parse_args(const std::vector<std::string>& argv, const std::set<std::string>& takes_value,
                const std::set<std::string>& allowed_flags) {
  Args args;
  if (argv.empty()) return args;
  args.command = argv.front();
  for (std::size_t i = 1; i < argv.size(); ++i) {
    std::string a = argv[i];
    if (a == "-h") a = "--help";
    if (a.rfind("--", 0) != 0) {
      args.error = "unexpected argument '" + a + "'";
      return args;
    }
    std::string name = a.substr(2), value;
    const auto eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (takes_value.count(name)) {
      if (!inline_value) {
        if (i + 1 >= argv.size()) {
          args.error = "--" + name + " needs a value";
          return args;
        }
        value = argv[++i];
      }
      args.options[name] = value;
    } else if (allowed_flags.count(name) && !inline_value) {
      args.flags.insert(name);
    } else {
      args.error = "unknown option '--" + name + "' for '" + args.command + "'";
      return args;
    }
  }
  return args;
}

}  // namespace selfheal::cli
