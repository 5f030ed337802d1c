// The host's sdk::ProcessRunner for POSIX: starts children through Boost.Process v2 with our own
// allocation-free launcher (spawn.hpp), reads and waits with Asio.
// MT safe: run() may be called from several threads at once; every call has its own
// io_context and blocks until the child and its process group are gone.
#pragma once

#include <memory>

#include "core/log.hpp"
#include "process/group_registry.hpp"
#include "selfheal/sdk/process.hpp"

namespace selfheal {

class PosixProcessRunner final : public sdk::ProcessRunner {
 public:
  // `log` (optional) receives one debug line per start and per end of a child.
  explicit PosixProcessRunner(std::shared_ptr<LogSink> log = nullptr);

  // sdk::ProcessRunner. Never throws: failures come back as started=false and an error.
  sdk::ProcessResult run(const sdk::ProcessSpec& spec) override;

  // Records every running child's group in `registry` (see process/group_registry.hpp) from now
  // on. Call before the first run().
  void record_groups_in(std::shared_ptr<const process::GroupRegistry> registry) { registry_ = std::move(registry); }
  // Every child from now on runs `increment` nice levels below the host (at most 19); 0: at the
  // host's priority. Call before the first run().
  void lower_child_priority(int increment) { child_nice_ = increment; }

 private:
  sdk::ProcessResult run_or_throw(const sdk::ProcessSpec& spec);
  void log(std::string_view message) const;

  std::shared_ptr<LogSink> log_;
  std::shared_ptr<const process::GroupRegistry> registry_;
  int child_nice_ = 0;
};

}  // namespace selfheal
