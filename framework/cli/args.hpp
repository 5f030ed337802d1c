// A small command-line parser: `selfheal <command> [--flag] [--option value] ...`.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace selfheal::cli {

struct Args {
  std::string command;
  std::map<std::string, std::string> options;  // --name value
  std::set<std::string> flags;                 // --name
  std::string error;                           // set when parsing failed

  bool has(const std::string& flag) const { return flags.count(flag) > 0; }
  std::optional<std::string> option(const std::string& name) const;
  std::string config() const;  // --config, default config/plugins.yaml
};

// `takes_value` lists the options of `command` that take a value; everything else starting with
// "--" must be in `allowed_flags`.
Args parse_args(const std::vector<std::string>& argv, const std::set<std::string>& takes_value,
                const std::set<std::string>& allowed_flags);

}  // namespace selfheal::cli
