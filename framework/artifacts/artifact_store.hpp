// The content-addressed store of Rust artifacts: <crate state dir>/artifacts/<sha256>/.
// An artifact is probed in a child process (loads, exports the ABI symbols), copied read-only
// into the store under its checksum, and loaded only from there: never from target/, and never
// unloaded (new bytes get a new path, so dlopen never returns a stale mapping). Its build
// metadata is recorded beside it so the diagnosers judge corruption and versions against it.
// Each artifact is also indexed by its build fingerprint (what produced it), so an artifact lost
// from target/ can be restored instead of rebuilt. MT safe.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "selfheal/sdk/component.hpp"
#include "selfheal/sdk/context.hpp"
#include "selfheal/sdk/result.hpp"

namespace selfheal {

class ArtifactStore {
 public:
  // `before_load`: the probe guards a dlopen in this process (load()): never a remembered verdict.
  using Probe = std::function<sdk::ProbeResult(const std::filesystem::path&, bool before_load)>;
  // The build fingerprint of the crate's artifact in target/, given the rustc version the
  // artifact reports; nullopt when it cannot be told (e.g. sources newer than the artifact).
  using Fingerprint = std::function<std::optional<std::string>(const sdk::CratePaths&,
                                                               const std::string& artifact_rustc)>;
  ArtifactStore(std::filesystem::path crate_state_dir, Probe probe, Fingerprint fingerprint = {});
  // Called after accept() stored an artifact whose fingerprint is known (e.g. to publish it to
  // the fleet). Runs on accept()'s thread, so it must return quickly. Set before first use.
  using Accepted = std::function<void(const sdk::ArtifactRecord&, const std::string& fingerprint)>;
  void on_accepted(Accepted hook) { on_accepted_ = std::move(hook); }

  // Probes the crate's fresh artifact and stores it (idempotent for the same bytes).
  sdk::Result<sdk::ArtifactRecord> accept(const sdk::CratePaths& crate);
  // A build just ran: when the crate's artifact is byte-identical to a stored one, records the
  // fingerprint it was now built from for those bytes (no probe: the same bytes were probed when
  // stored, and identical bytes are never refused). An edit that leaves the output unchanged
  // (a comment) then converges instead of staying "stale" for ever. True when it recorded.
  bool record_rebuild(const sdk::CratePaths& crate);
  // The fingerprint recorded for a stored artifact ("" when none was known): the latest build's.
  std::string fingerprint_of(const std::string& sha256) const;
  // The stored artifact built from `fingerprint`, its copy verified against its checksum.
  std::optional<sdk::ArtifactRecord> find(const std::string& fingerprint) const;
  // Copies the stored artifact built from `fingerprint` to `destination` (atomically: a verified
  // temporary renamed over it). Errc::not_found when none is stored.
  sdk::Result<sdk::ArtifactRecord> restore(const std::string& fingerprint,
                                           const std::filesystem::path& destination) const;
  // Adds an artifact built elsewhere (the fleet) from `fingerprint`: `bytes` must hash to
  // `sha256`; they are written read-only as artifacts/<sha256>/<file_name>, probed in a child,
  // recorded with `origin` and indexed, so restore(fingerprint, ...) finds them. `current` is
  // left alone (accept() sets it once the artifact is in use).
  sdk::Result<sdk::ArtifactRecord> import(const std::string& fingerprint, const std::string& sha256,
                                          const std::string& bytes, const std::string& file_name,
                                          const std::string& origin);
  // Where a stored artifact came from: "" for this host's builds, "fleet <publisher>" for imports.
  std::string origin_of(const std::string& sha256) const;
  // The last accepted artifact (persisted across restarts), if any.
  std::optional<sdk::ArtifactRecord> current() const;
  // Verifies the stored copy's checksum and loads it (RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE).
  sdk::Result<std::shared_ptr<sdk::NativeLibrary>> load(const sdk::ArtifactRecord& record);

  std::filesystem::path root() const { return root_; }

 private:
  std::optional<sdk::ArtifactRecord> read_record(const std::string& sha) const;
  // Every fingerprint the same bytes were built from (the latest first).
  std::vector<std::string> fingerprints_of(const std::string& sha256) const;
  // Makes `fingerprint` the latest of the stored bytes `sha` and indexes it. Holds mutex_.
  void add_fingerprint(const sdk::ArtifactRecord& record, const std::string& fingerprint);
  std::filesystem::path index_file(const std::string& fingerprint) const;

  std::filesystem::path root_;
  Probe probe_;
  Fingerprint fingerprint_;
  Accepted on_accepted_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<sdk::NativeLibrary>> loaded_;  // by sha256; never unloaded
};

}  // namespace selfheal
