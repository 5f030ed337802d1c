// Small helpers the built-in diagnosers share.
#pragma once

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "selfheal/sdk/diagnosis.hpp"

namespace selfheal::plugins {

inline sdk::Diagnosis make_diagnosis(std::string issue, std::string summary, bool can_auto_fix = true) {
  sdk::Diagnosis d;
  d.issue_type = std::move(issue);
  d.summary = std::move(summary);
  d.can_auto_fix = can_auto_fix;
  return d;
}

inline std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// The newest modification time (unix milliseconds) of Cargo.toml, Cargo.lock, build.rs, src/**.
std::int64_t newest_source_mtime_ms(const std::filesystem::path& crate_root);

}  // namespace selfheal::plugins
