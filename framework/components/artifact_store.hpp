// The content-addressed store of Rust artifacts: <crate state dir>/artifacts/<sha256>/.
// An artifact is probed in a child process (loads, exports the ABI symbols), copied read-only
// into the store under its checksum, and loaded only from there: never from target/, and never
// unloaded (new bytes get a new path, so dlopen never returns a stale mapping). Its build
// metadata is recorded beside it so the diagnosers judge corruption and versions against it.
// MT safe.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "selfheal/sdk/component.hpp"
#include "selfheal/sdk/context.hpp"
#include "selfheal/sdk/result.hpp"

namespace selfheal {

class ArtifactStore {
 public:
  using Probe = std::function<sdk::ProbeResult(const std::filesystem::path&)>;
  ArtifactStore(std::filesystem::path crate_state_dir, Probe probe);

  // Probes the crate's fresh artifact and stores it (idempotent for the same bytes).
  sdk::Result<sdk::ArtifactRecord> accept(const sdk::CratePaths& crate);
  // The last accepted artifact (persisted across restarts), if any.
  std::optional<sdk::ArtifactRecord> current() const;
  // Verifies the stored copy's checksum and loads it (RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE).
  sdk::Result<std::shared_ptr<sdk::NativeLibrary>> load(const sdk::ArtifactRecord& record);

  std::filesystem::path root() const { return root_; }

 private:
  std::optional<sdk::ArtifactRecord> read_record(const std::string& sha) const;

  std::filesystem::path root_;
  Probe probe_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<sdk::NativeLibrary>> loaded_;  // by sha256; never unloaded
};

}  // namespace selfheal
