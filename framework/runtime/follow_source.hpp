// The ArtifactSource of a following runtime (components/artifact_source.hpp): a `selfheal serve`
// daemon on the same state folder heals; this source offers the artifact the daemon accepted
// last (<crate state dir>/artifacts/current), verified against its checksum, probed in a child
// and loaded from the store, read-only. It never diagnoses, builds, takes the fix lock or writes
// the state folder. News is the store's `current` or the daemon mark changing (inotify).
// Without a daemon it offers nothing until one starts: the components serve C++. MT safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "artifacts/artifact_store.hpp"
#include "components/artifact_source.hpp"
#include "components/file_watcher.hpp"

namespace selfheal {

class FollowSource final : public ArtifactSource {
 public:
  FollowSource(const Manifest& manifest, ArtifactStore::Probe probe, std::shared_ptr<LogSink> log);
  ~FollowSource() override;

  Offer offer(const CrateSpec& crate) override;
  // Starts watching the store and the daemon mark.
  void on_news(std::function<void()> listener) override;

  // The daemon's pid when one serves the state folder now.
  std::optional<long> daemon() const;
  // Why the last offer of some crate had no artifact ("" when every crate had one).
  std::string reason() const;

 private:
  ManifestSettings settings_;
  std::vector<CrateSpec> crates_;
  std::shared_ptr<LogSink> log_;
  std::map<std::string, std::unique_ptr<ArtifactStore>> stores_;
  std::unique_ptr<FileWatcher> watcher_;
  mutable std::mutex mutex_;
  std::map<std::string, std::string> why_;  // by crate: the last offer's reason
};

}  // namespace selfheal
