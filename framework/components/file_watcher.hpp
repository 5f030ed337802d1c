// Watches files and folder trees with inotify and, after a quiet period, calls one trigger per
// burst of changes: how an artifact deleted from target/, an edited source or a replaced toolchain
// is seen without waiting for the next periodic check.
//
// A watched file's folder may not exist yet (target/release before the first build): the nearest
// existing ancestor is watched instead, and the watch moves down as folders appear and back up
// when they go (cargo clean). Trees are watched recursively, new subfolders included. Failures
// (no inotify, the watch limit reached) are logged and leave the periodic checks to do the work;
// the watcher never stops the host. MT safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/log.hpp"

namespace selfheal {

struct WatchedPaths {
  std::vector<std::filesystem::path> files;  // created, written, replaced, deleted, chmod'ed
  std::vector<std::filesystem::path> trees;  // anything under them
};

struct FileWatchStats {
  bool watching = false;                 // the inotify thread runs
  std::chrono::milliseconds debounce{0};
  std::uint64_t events = 0;              // events about a watched path
  std::uint64_t checks = 0;              // triggers: one per quiet burst
  bool pending = false;                  // a burst waits for its quiet period (or its trigger runs)
  std::size_t folders = 0;               // folders watched now
};

class FileWatcher {
 public:
  using Trigger = std::function<void()>;

  // Paths are made absolute. `trigger` runs on the watcher's thread: keep it short.
  FileWatcher(WatchedPaths paths, std::chrono::milliseconds debounce, Trigger trigger,
              std::shared_ptr<LogSink> log);
  ~FileWatcher();  // stop()
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  // false (and a warning) when inotify cannot be used. Idempotent.
  bool start();
  // Returns at once, without the pending trigger of an unfinished burst.
  void stop();
  FileWatchStats stats() const;

 private:
  void run();
  void rearm();
  bool try_rearm();  // false: a folder went meanwhile
  void read_events(bool& relevant, bool& structural);
  bool relevant(const std::filesystem::path& p) const;
  void forget(int wd);

  WatchedPaths paths_;
  std::chrono::milliseconds debounce_;
  Trigger trigger_;
  SourceLogger log_;

  std::mutex lifecycle_;  // start/stop
  std::thread thread_;
  int inotify_fd_ = -1;
  int stop_fd_ = -1;  // an eventfd: written by stop()

  // The watcher thread's own: the folders watched, by descriptor and by path.
  std::map<int, std::vector<std::filesystem::path>> by_wd_;
  std::map<std::filesystem::path, int> by_path_;
  bool warned_limit_ = false;
  std::filesystem::path last_changed_;

  std::atomic<bool> watching_{false};
  std::atomic<std::uint64_t> events_{0};
  std::atomic<std::uint64_t> checks_{0};
  std::atomic<bool> pending_{false};
  std::atomic<std::size_t> folders_{0};
};

}  // namespace selfheal
