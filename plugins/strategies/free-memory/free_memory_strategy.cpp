#include "free_memory_strategy.hpp"

#include <algorithm>

namespace selfheal::plugins {
namespace {

// The host reads MemAvailable; a test states it through its Context. Unknown counts as none, so
// the strategy waits and then reports failure rather than claiming memory it cannot see.
std::uint64_t mem_available(const sdk::Context& context) {
  return context.memory_available().value_or(0);
}

}  // namespace

// Config: build_jobs (parallelism for the next builds, default 1), wait_s (how long to wait for
// memory, default 30), poll_ms (default 500).
sdk::FixResult FreeMemoryStrategy::apply(const sdk::Context& context, const sdk::Diagnosis&) {
  const auto& config = context.config();
  // 1. Fewer rustc processes at once: the host caps the crate's next builds.
  const auto jobs = std::max<std::int64_t>(1, config["build_jobs"].as_int(1));
  context.limit_build_jobs(static_cast<unsigned>(jobs));
  // 2. Give back what the host itself holds.
  const std::uint64_t trimmed = context.trim_host_memory();
  // 3. Wait for the machine to have enough (never kill anything that is not ours).
  const std::uint64_t floor = context.settings().min_free_memory_bytes;
  const auto deadline = context.clock().now() + std::chrono::seconds(config["wait_s"].as_int(30));
  const auto poll = std::chrono::milliseconds(config["poll_ms"].as_int(500));
  std::uint64_t available = mem_available(context);
  while (available < floor && context.clock().now() < deadline) {
    if (context.clock().sleep_for(poll, context.cancellation()))
      return sdk::FixResult::failed("cancelled while waiting for memory");
    available = mem_available(context);
  }
  sdk::FixResult result;
  result.details.set("build_jobs", jobs);
  result.details.set("trimmed_bytes", trimmed);
  result.details.set("available_bytes", available);
  result.details.set("required_bytes", floor);
  if (available < floor) {
    result.error = "available memory stayed below " + std::to_string(floor >> 20) + " MiB";
    return result;
  }
  result.success = true;
  result.message = "build parallelism lowered to " + std::to_string(jobs) + ", " +
                   std::to_string(available >> 20) + " MiB available";
  return result;
}

}  // namespace selfheal::plugins
