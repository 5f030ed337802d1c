// Runs the real `selfheal` CLI binary (the build tree's) and collects its exit code and output.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "process/process_runner.hpp"

namespace selfheal::testing {

struct CliRun {
  int exit_code = -1;
  int signal = 0;  // the signal that ended it, 0 if none
  std::string out, err;
};

inline CliRun run_selfheal(std::vector<std::string> args,
                           std::chrono::milliseconds timeout = std::chrono::seconds(120)) {
  auto collected = std::make_shared<CliRun>();
  auto mutex = std::make_shared<std::mutex>();
  sdk::ProcessSpec spec;
  spec.argv.push_back(std::string(SELFHEAL_BINARY_DIR) + "/bin/selfheal");
  for (auto& a : args) spec.argv.push_back(std::move(a));
  spec.inherit_environment = true;
  spec.timeout = timeout;
  spec.on_line = [collected, mutex](sdk::OutputStream stream, std::string_view line) {
    std::lock_guard lock(*mutex);
    (stream == sdk::OutputStream::out ? collected->out : collected->err).append(line).append("\n");
  };
  PosixProcessRunner runner;
  const auto result = runner.run(spec);
  std::lock_guard lock(*mutex);
  CliRun run = *collected;
  run.exit_code = result.exit_code;
  run.signal = result.signal;
  return run;
}

}  // namespace selfheal::testing
