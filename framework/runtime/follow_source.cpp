#include "follow_source.hpp"

#include "context/crate_settings.hpp"
#include "host/daemon_mark.hpp"

namespace selfheal {
namespace {

// Short: a follower should be on the new artifact well within a second of the daemon's accept.
constexpr std::chrono::milliseconds kNewsDebounce{20};

}  // namespace

FollowSource::FollowSource(const Manifest& manifest, ArtifactStore::Probe probe,
                           std::shared_ptr<LogSink> log)
    : settings_(manifest.settings), crates_(manifest.crates), log_(std::move(log)) {
  for (const auto& crate : crates_)
    stores_[crate.name] = std::make_unique<ArtifactStore>(crate_paths(crate, settings_).state_dir, probe);
}

FollowSource::~FollowSource() {
  if (watcher_) watcher_->stop();
}

ArtifactSource::Offer FollowSource::offer(const CrateSpec& crate) {
  Offer o;
  auto& store = *stores_.at(crate.name);
  const auto daemon = daemon_serving(settings_.state_dir);
  const auto record = store.current();
  if (!daemon) {
    o.why = "no `selfheal serve` daemon serves the state folder " + settings_.state_dir.string() +
            ": serving C++ until one does";
  } else if (!record) {
    o.why = "the daemon (pid " + std::to_string(*daemon) + ") has not accepted an artifact of " +
            crate.name + " yet";
  } else if (auto lib = store.load(*record); !lib.ok()) {
    o.why = lib.status().message;
  } else {
    o.library = lib.value();
    o.sha256 = record->sha256;
  }
  std::lock_guard lock(mutex_);
  why_[crate.name] = o.why;
  return o;
}

void FollowSource::on_news(std::function<void()> listener) {
  WatchedPaths paths;
  paths.files.push_back(DaemonMark::file(settings_.state_dir));
  for (const auto& [name, store] : stores_) paths.files.push_back(store->root() / "current");
  watcher_ = std::make_unique<FileWatcher>(std::move(paths), kNewsDebounce, std::move(listener), log_);
  watcher_->start();
}

std::optional<long> FollowSource::daemon() const {
  auto pid = daemon_serving(settings_.state_dir);
  if (!pid) return std::nullopt;
  return static_cast<long>(*pid);
}

std::string FollowSource::reason() const {
  std::lock_guard lock(mutex_);
  std::string all;
  for (const auto& [crate, why] : why_)
    if (!why.empty()) all += (all.empty() ? "" : "; ") + crate + ": " + why;
  return all;
}

}  // namespace selfheal
