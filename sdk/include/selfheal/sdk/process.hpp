// Running child processes. Strategies never build shell strings: they hand the host an argv
// vector and the host runs it with stdin closed, in its own process group, with a timeout that
// kills the whole group, and streams its output line by line. MT safe: run() may be called from
// several threads at once; each call blocks its caller until the child and its group are gone.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "selfheal/sdk/cancellation.hpp"

namespace selfheal::sdk {

enum class OutputStream { out, err };

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in `search_path` when it has no '/'
  // The child's whole environment unless `inherit_environment`; then these entries override.
  std::map<std::string, std::string> environment;
  bool inherit_environment = false;
  std::vector<std::filesystem::path> search_path;  // empty: PATH of `environment` or the host's
  std::filesystem::path working_directory;         // empty: the host's
  std::chrono::milliseconds timeout{0};            // 0: none
  std::optional<CancellationToken> cancellation;   // cancel() kills the group
  // Called for every complete line (without '\n'), in order per stream, on a host thread.
  std::function<void(OutputStream, std::string_view)> on_line;
  std::filesystem::path log_file;  // when set, every line is appended to it too
  std::size_t tail_lines = 50;     // how many last lines ProcessResult::tail keeps
};

struct ProcessResult {
  bool started = false;          // false: spawn failed, see `error`
  int exit_code = -1;            // valid when exited normally
  int signal = 0;                // the signal that ended the child, 0 if none
  bool timed_out = false;        // the timeout fired and the group was killed
  bool cancelled = false;        // cancellation fired and the group was killed
  std::chrono::milliseconds duration{0};
  std::vector<std::string> tail;  // last lines of both streams, interleaved in arrival order
  std::string error;              // why it did not start, or what killed it

  bool success() const { return started && !timed_out && !cancelled && signal == 0 && exit_code == 0; }
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual ProcessResult run(const ProcessSpec& spec) = 0;
};

}  // namespace selfheal::sdk
