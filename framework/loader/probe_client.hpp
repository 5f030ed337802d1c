// Runs selfheal-probe through an sdk::ProcessRunner and reads its verdict (probe_protocol.hpp).
// MT safe (no shared state).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "selfheal/sdk/process.hpp"

namespace selfheal {

struct ProbeRun {
  enum class Verdict {
    accepted,  // exit 0 with "result=ok"
    refused,   // a protocol exit code with its reason line
    broke,     // killed by a signal, timed out, or ended without a verdict: the library's doing
    not_run,   // the probe itself could not be started
  };
  Verdict verdict = Verdict::not_run;
  std::string message;  // refused: the probe's "<file>: <reason>"; broke/not_run: what happened
  int signal = 0;       // broke by this signal; 0 otherwise
  bool timed_out = false;
  std::vector<std::pair<std::string, std::string>> fields;  // stdout key=value lines, in order

  std::string field(std::string_view key) const;  // the first value of `key`, "" if none
  std::vector<std::string> fields_named(std::string_view key) const;
};

// `args` follow the program name; `file` names the library in messages.
ProbeRun run_probe(sdk::ProcessRunner& runner, const std::filesystem::path& program,
                   std::vector<std::string> args, const std::string& file,
                   std::chrono::milliseconds timeout);

// "SIGSEGV", "SIGBUS", ...; "signal N" when unknown.
std::string signal_name(int signal);
// "10 s" for whole seconds, "1500 ms" otherwise.
std::string describe_duration(std::chrono::milliseconds duration);

}  // namespace selfheal
