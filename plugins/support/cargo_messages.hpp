// Reading cargo's output: the --message-format=json lines on stdout and the plain lines
// (resolution errors, "process didn't exit successfully", rustc's "LLVM ERROR") on stderr.
#pragma once

#include <string>
#include <vector>

#include "selfheal/sdk/value.hpp"

namespace selfheal::plugins {

struct CompilerMessage {
  std::string level;    // "error", "warning", ...
  std::string code;     // e.g. "E0425"; empty when rustc gave none
  std::string message;
  std::string file;     // primary span, relative to the crate as cargo prints it
  int line = 0;
  int column = 0;
};

struct CargoOutput {
  std::vector<CompilerMessage> errors;  // compiler messages of level error (and "error: ..." ICEs)
  std::vector<std::string> artifacts;   // filenames of compiler-artifact messages
  bool finished = false;                // a build-finished message was seen
  bool finished_success = false;
  std::vector<std::string> plain_lines;  // lines that are not JSON messages
};

CargoOutput parse_cargo_output(const std::vector<std::string>& lines);

// CompilerMessage list as a Value list of maps {file, line, column, code, message, level}.
sdk::Value to_value(const std::vector<CompilerMessage>& messages);

}  // namespace selfheal::plugins
