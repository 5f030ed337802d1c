// The record of the last cargo run, shared by the build strategies (which write it) and the
// diagnosers (which judge it): <state_dir>/last-build.status (key=value lines) and
// <state_dir>/last-build.log (that run's whole output). <state_dir>/build.log keeps every run,
// rotated. Written after the run ends, atomically (rename), so a reader never sees half a record.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "selfheal/sdk/context.hpp"

namespace selfheal::plugins {

struct BuildRecord {
  std::int64_t started_at_ms = 0;  // unix milliseconds; sources newer than this make it stale
  std::int64_t finished_at = 0;    // unix seconds
  std::int64_t duration_ms = 0;
  bool started = false;
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;
  bool cancelled = false;
  std::string command;  // argv joined by spaces, for operators
  std::string error;

  bool success() const { return started && exit_code == 0 && signal == 0 && !timed_out && !cancelled; }
};

std::filesystem::path build_record_file(const sdk::CratePaths& crate);
std::filesystem::path build_output_file(const sdk::CratePaths& crate);

bool write_build_record(const sdk::CratePaths& crate, const BuildRecord& record);
std::optional<BuildRecord> read_build_record(const sdk::CratePaths& crate);
// The last build's output lines (at most the last `max_bytes` of it).
std::vector<std::string> read_build_output(const sdk::CratePaths& crate,
                                           std::size_t max_bytes = 8u << 20);

// Renames build.log to build.log.1 (and so on, keeping `keep` old files) once it exceeds
// `max_bytes`.
void rotate_log(const std::filesystem::path& log, std::uintmax_t max_bytes, int keep);

}  // namespace selfheal::plugins
