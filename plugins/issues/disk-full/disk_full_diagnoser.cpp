#include "disk_full_diagnoser.hpp"

#include "support/build_record.hpp"
#include "support/diagnosis_util.hpp"

namespace selfheal::plugins {
namespace {

// The nearest existing folder at or above `p` (the target dir may not exist yet): the folder the
// diagnosis names.
std::filesystem::path existing_ancestor(std::filesystem::path p) {
  std::error_code ec;
  while (!p.empty() && !std::filesystem::exists(p, ec) && p != p.root_path()) p = p.parent_path();
  return p.empty() ? std::filesystem::path("/") : p;
}

}  // namespace

std::optional<sdk::Diagnosis> DiskFullDiagnoser::diagnose(const sdk::Context& context) {
  const auto& c = context.crate();
  const std::uint64_t floor = context.settings().min_free_disk_bytes;
  // The build's device, then the state folder's: a full state folder loses the store and the
  // history (SQLite's "database or disk is full") while builds still succeed. The host measures
  // (statvfs); a test states the numbers through its Context. Unknown space is no evidence.
  auto where = existing_ancestor(c.target_dir);
  std::optional<std::uint64_t> free_bytes = context.free_bytes(where);
  const auto below_floor = [&](const std::optional<std::uint64_t>& b) { return b && *b < floor; };
  if (!below_floor(free_bytes) && !c.state_dir.empty()) {
    const auto state = existing_ancestor(c.state_dir);
    if (auto measured = context.free_bytes(state); below_floor(measured)) {
      where = state;
      free_bytes = measured;
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
  if (!below_floor(free_bytes) && evidence.empty()) return std::nullopt;
  auto d = make_diagnosis(sdk::issue::disk_full,
                          free_bytes ? "only " + std::to_string(*free_bytes >> 20) + " MiB free on " +
                                           where.string()
                                     : "the last build found no space left on " + where.string(),
                          /*can_auto_fix=*/false);
  d.details.set("path", where.string());
  if (free_bytes) d.details.set("free_bytes", *free_bytes);
  d.details.set("required_bytes", floor);
  if (!evidence.empty()) d.details.set("build_output", evidence);
  return d;
}

}  // namespace selfheal::plugins
