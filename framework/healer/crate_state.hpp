// The healer's per-crate state (private to the healer's .cpp files).
#pragma once

#include <mutex>
#include <string>
#include <thread>

#include "healer/healer.hpp"

namespace selfheal {

struct Healer::CrateState {
  sdk::CratePaths paths;
  bool busy = false;  // guarded by Healer::mutex_, as are the fields up to `stuck`
  std::int64_t running = 0;  // the fix id while busy
  sdk::CancellationToken cancel;
  std::thread worker;
  // The signature of a diagnosis the whole chain ran on without changing it, with the sources'
  // stamp when the chain began: automatic checks do not retry it (it cannot converge) until the
  // diagnosis or the sources change. Empty: none.
  std::string stuck;
  std::mutex diagnose_mutex;  // a diagnoser never runs concurrently with itself
  // The last diagnosis's issue type, "healthy" or "degraded" (guarded by diagnose_mutex), to log
  // each change once. Empty: not diagnosed yet.
  std::string last_verdict;
};

// What identifies a diagnosis for "did the fix change anything": type, summary and evidence.
std::string diagnosis_signature(const sdk::Diagnosis& d);
// The crate's sources as a build would read them (Cargo.toml, Cargo.lock, build.rs and every file
// under src/: path, size, modification time), so that a chain stuck on a diagnosis is tried again once
// someone edits the sources, even when the diagnosis reads the same (an ABI bump undone while the
// chain built from the bumped sources).
std::string crate_sources_stamp(const sdk::CratePaths& paths);

}  // namespace selfheal
