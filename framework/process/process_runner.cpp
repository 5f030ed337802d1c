#include "process/process_runner.hpp"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <boost/asio/io_context.hpp>
#include <exception>
#include <string>
#include <system_error>
#include <utility>

#include "process/child_environment.hpp"
#include "process/child_session.hpp"
#include "process/output_collector.hpp"
#include "process/program_lookup.hpp"
#include "process/spawn.hpp"

namespace selfheal {
namespace {

std::string signal_name(int signal) {
  const char* abbrev = ::sigabbrev_np(signal);  // thread safe, unlike strsignal
  return abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(signal);
}

std::string describe(const sdk::ProcessSpec& spec) {
  std::string text;
  for (const auto& arg : spec.argv) {
    if (!text.empty()) text += ' ';
    text += arg;
  }
  return text;
}

sdk::ProcessResult not_started(std::string error) {
  sdk::ProcessResult result;
  result.error = std::move(error);
  return result;
}

}  // namespace

PosixProcessRunner::PosixProcessRunner(std::shared_ptr<LogSink> log) : log_(std::move(log)) {}

sdk::ProcessResult PosixProcessRunner::run(const sdk::ProcessSpec& spec) {
  const auto start = std::chrono::steady_clock::now();
  sdk::ProcessResult result;
  try {
    result = run_or_throw(spec);
  } catch (const std::exception& e) {
    result = not_started(std::string("process runner: ") + e.what());
  } catch (...) {
    result = not_started("process runner: unknown exception");
  }
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  return result;
}

sdk::ProcessResult PosixProcessRunner::run_or_throw(const sdk::ProcessSpec& spec) {
  if (spec.cancellation && spec.cancellation->cancelled()) {
    auto result = not_started("cancelled before start");
    result.cancelled = true;
    return result;
  }
  auto program = process::find_program(spec);
  if (program.path.empty()) return not_started(std::move(program.error));
  if (!spec.working_directory.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(spec.working_directory, ec)) {
      return not_started("working directory " + spec.working_directory.string() +
                         " does not exist");
    }
  }
  process::OutputCollector output(spec);
  if (auto error = output.open_log(spec); !error.empty()) return not_started(std::move(error));

  boost::asio::io_context io{1};  // this run's: the child's handle, its pipes, the timers
  auto child = process::spawn_child(io, {.executable = program.path,
                                         .argv = spec.argv,
                                         .environment = process::child_environment(spec),
                                         .working_directory = spec.working_directory,
                                         .nice = child_nice_});
  if (!child.error.empty()) return not_started(std::move(child.error));
  const pid_t pid = child.process.id();
  log("pid " + std::to_string(pid) + " started: " + describe(spec));

  if (registry_) registry_->add(pid);
  process::ChildSession session(io, std::move(child), spec.timeout, spec.cancellation, output);
  const auto outcome = session.run();
  if (registry_ && outcome.group_gone) registry_->remove(pid);

  sdk::ProcessResult result;
  result.started = true;
  result.timed_out = outcome.timed_out;
  result.cancelled = outcome.cancelled;
  if (outcome.status_known && WIFEXITED(outcome.wait_status)) {
    result.exit_code = WEXITSTATUS(outcome.wait_status);
  }
  if (outcome.status_known && WIFSIGNALED(outcome.wait_status)) {
    result.signal = WTERMSIG(outcome.wait_status);
  }
  if (outcome.timed_out) {
    result.error =
        "timed out after " + std::to_string(spec.timeout.count()) + " ms; process group killed";
  } else if (outcome.cancelled) {
    result.error = "cancelled; process group killed";
  } else if (result.signal != 0) {
    result.error = "killed by " + signal_name(result.signal);
  }
  if (!outcome.status_known) {
    if (!result.error.empty()) result.error += "; ";
    result.error += "exit status unavailable (was SIGCHLD ignored?)";
  }
  if (!outcome.group_gone) {
    if (!result.error.empty()) result.error += "; ";
    result.error += "process group " + std::to_string(pid) + " survived SIGKILL";
  }
  result.tail = output.take_tail();
  log("pid " + std::to_string(pid) + " ended: " +
      (result.error.empty() ? "exit code " + std::to_string(result.exit_code) : result.error));
  return result;
}

void PosixProcessRunner::log(std::string_view message) const {
  if (log_) log_->write(LogLevel::debug, "process", message);
}

}  // namespace selfheal
