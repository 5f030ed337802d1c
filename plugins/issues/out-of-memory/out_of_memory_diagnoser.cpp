#include "out_of_memory_diagnoser.hpp"

#include <csignal>

#include "support/build_record.hpp"
#include "support/diagnosis_util.hpp"

namespace selfheal::plugins {
namespace {

constexpr const char* kOomMarkers[] = {
    "LLVM ERROR: out of memory",
    "memory allocation of ",  // "... bytes failed" (Rust's alloc error handler)
    "SIGKILL: kill",          // cargo: "(signal: 9, SIGKILL: kill)" - the OOM killer's signature
    "Cannot allocate memory",
    "std::bad_alloc",
};

}  // namespace

std::optional<sdk::Diagnosis> OutOfMemoryDiagnoser::diagnose(const sdk::Context& context) {
  const auto& c = context.crate();
  if (auto record = read_build_record(c); record && !record->success() && !record->timed_out &&
                                          !record->cancelled) {
    std::string evidence;
    for (const auto& line : read_build_output(c, 1 << 20)) {
      for (const char* marker : kOomMarkers) {
        if (line.find(marker) != std::string::npos) {
          evidence = line;
          break;
        }
      }
      if (!evidence.empty()) break;
    }
    if (evidence.empty() && record->signal == SIGKILL) evidence = "cargo was killed by SIGKILL";
    if (!evidence.empty()) {
      auto d = make_diagnosis(sdk::issue::out_of_memory, "the last build ran out of memory");
      d.details.set("evidence", evidence);
      d.details.set("signal", record->signal);
      if (auto avail = context.memory_available()) d.details.set("available_bytes", *avail);
      return d;
    }
  }
  const std::uint64_t floor = context.settings().min_free_memory_bytes;
  if (auto avail = context.memory_available(); avail && *avail < floor) {
    auto d = make_diagnosis(sdk::issue::out_of_memory,
                            "available memory " + std::to_string(*avail >> 20) +
                                " MiB is below the floor of " + std::to_string(floor >> 20) +
                                " MiB");
    d.details.set("available_bytes", *avail);
    d.details.set("required_bytes", floor);
    return d;
  }
  return std::nullopt;
}

}  // namespace selfheal::plugins
