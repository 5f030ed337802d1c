#include "disk_full_diagnoser.hpp"

#include <sys/statvfs.h>

#include "support/build_record.hpp"
#include "support/diagnosis_util.hpp"

namespace selfheal::plugins {
namespace {

// The nearest existing folder at or above `p` (the target dir may not exist yet).
std::filesystem::path existing_ancestor(std::filesystem::path p) {
  std::error_code ec;
  while (!p.empty() && !std::filesystem::exists(p, ec) && p != p.root_path()) p = p.parent_path();
  return p.empty() ? std::filesystem::path("/") : p;
}

std::optional<std::uint64_t> free_bytes_at(const std::filesystem::path& where) {
  struct statvfs vfs {};
  if (::statvfs(where.c_str(), &vfs) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

}  // namespace

std::optional<sdk::Diagnosis> DiskFullDiagnoser::diagnose(const sdk::Context& context) {
  const auto& c = context.crate();
  const std::uint64_t floor = context.settings().min_free_disk_bytes;
  // The build's device, then the state folder's: a full state folder loses the store and the
  // history (SQLite's "database or disk is full") while builds still succeed.
  auto where = existing_ancestor(c.target_dir);
  std::uint64_t free_bytes = 0;
  // `free_bytes_override` is the test double of the build device's free-space probe.
  if (context.config().contains("free_bytes_override")) {
    free_bytes = static_cast<std::uint64_t>(context.config()["free_bytes_override"].as_int());
  } else if (auto measured = free_bytes_at(where)) {
    free_bytes = *measured;
  } else {
    return std::nullopt;
  }
  if (free_bytes >= floor && !c.state_dir.empty()) {
    const auto state = existing_ancestor(c.state_dir);
    if (auto measured = free_bytes_at(state); measured && *measured < floor) {
      where = state;
      free_bytes = *measured;
    }
  }

  std::string evidence;
  if (auto record = read_build_record(c); record && !record->success()) {
    for (const auto& line : read_build_output(c, 1 << 20)) {
      if (line.find("No space left on device") != std::string::npos ||
          line.find("os error 28") != std::string::npos) {
        evidence = line;
        break;
      }
    }
  }
  if (free_bytes >= floor && evidence.empty()) return std::nullopt;
  auto d = make_diagnosis(sdk::issue::disk_full,
                          "only " + std::to_string(free_bytes >> 20) + " MiB free on " +
                              where.string(),
                          /*can_auto_fix=*/false);
  d.details.set("path", where.string());
  d.details.set("free_bytes", free_bytes);
  d.details.set("required_bytes", floor);
  if (!evidence.empty()) d.details.set("build_output", evidence);
  return d;
}

}  // namespace selfheal::plugins
