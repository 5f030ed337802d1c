// Helpers for the process tests: temporary directories, deadline polls, process liveness.
#pragma once

#include <signal.h>
#include <stdlib.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "process/proc_file.hpp"
#include "selfheal/sdk/process.hpp"

#include "eventually.hpp"
#include "temp_dir.hpp"

namespace selfheal::testing {

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// True when `pid` no longer runs: gone, or a zombie waiting for its reaper.
inline bool process_dead(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  const std::string stat = process::read_proc_file("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = stat.rfind(')');
  return paren == std::string::npos || (paren + 2 < stat.size() && stat[paren + 2] == 'Z');
}

// A spec running `script` with /bin/sh and a minimal environment.
inline sdk::ProcessSpec shell(std::string script) {
  sdk::ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", std::move(script)};
  spec.environment = {{"PATH", "/usr/bin:/bin"}};
  return spec;
}

}  // namespace selfheal::testing
