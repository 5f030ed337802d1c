#include "components/file_watcher.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

namespace selfheal {
namespace {

namespace fs = std::filesystem;

// What changes a file's content or presence, seen from its folder, plus the folder's own end.
constexpr std::uint32_t kMask = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE |
                                IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
                                IN_ONLYDIR | IN_EXCL_UNLINK;
// A burst that never goes quiet (a file rewritten in a loop) still triggers, this many quiet
// periods after its first event.
constexpr int kMaxDelayInPeriods = 10;

fs::path clean(const fs::path& p) {
  std::error_code ec;
  fs::path out = fs::absolute(p, ec).lexically_normal();
  if (ec) out = p.lexically_normal();
  if (!out.has_filename() && out.has_relative_path()) out = out.parent_path();  // "a/b/" -> "a/b"
  return out;
}

// `base` is `p` or one of its ancestors.
bool within(const fs::path& p, const fs::path& base) {
  auto [b, pi] = std::mismatch(base.begin(), base.end(), p.begin(), p.end());
  return b == base.end();
}

bool strict_ancestor(const fs::path& a, const fs::path& b) { return a != b && within(b, a); }

fs::path nearest_existing_folder(fs::path p) {
  std::error_code ec;
  while (!fs::is_directory(p, ec)) {
    if (!p.has_relative_path()) break;  // the root
    p = p.parent_path();
  }
  return p;
}

}  // namespace

FileWatcher::FileWatcher(WatchedPaths paths, std::chrono::milliseconds debounce, Trigger trigger,
                         std::shared_ptr<LogSink> log)
    : debounce_(debounce), trigger_(std::move(trigger)), log_(std::move(log), "watch") {
  for (const auto& f : paths.files) paths_.files.push_back(clean(f));
  for (const auto& t : paths.trees) paths_.trees.push_back(clean(t));
}

FileWatcher::~FileWatcher() { stop(); }

bool FileWatcher::start() {
  std::lock_guard lock(lifecycle_);
  if (thread_.joinable()) return true;
  // CLOEXEC: build children must not inherit the descriptors.
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) {
    log_.warning(std::string("file watching is off (inotify: ") + std::strerror(errno) +
                 "); changes are seen at the periodic checks");
    return false;
  }
  stop_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (stop_fd_ < 0) {
    log_.warning(std::string("file watching is off (eventfd: ") + std::strerror(errno) + ")");
    ::close(inotify_fd_);
    inotify_fd_ = -1;
    return false;
  }
  rearm();  // before start() returns: a change made right after it is seen
  watching_ = true;
  log_.info("watching " + std::to_string(folders_.load()) + " folder(s) for changes (debounce " +
            std::to_string(debounce_.count()) + " ms)");
  thread_ = std::thread([this] { run(); });
  return true;
}

void FileWatcher::stop() {
  std::lock_guard lock(lifecycle_);
  if (!thread_.joinable()) return;
  const std::uint64_t one = 1;
  while (::write(stop_fd_, &one, sizeof one) < 0 && errno == EINTR) {
  }
  thread_.join();
  ::close(inotify_fd_);  // drops every watch
  ::close(stop_fd_);
  inotify_fd_ = stop_fd_ = -1;
  by_wd_.clear();
  by_path_.clear();
  watching_ = false;
  folders_ = 0;
}

FileWatchStats FileWatcher::stats() const {
  FileWatchStats s;
  s.watching = watching_;
  s.debounce = debounce_;
  s.events = events_;
  s.checks = checks_;
  s.pending = pending_;
  s.folders = folders_;
  return s;
}

bool FileWatcher::relevant(const fs::path& p) const {
  // A folder on the way to a watched path counts: its creation or removal is the file's too.
  for (const auto& f : paths_.files)
    if (p == f || strict_ancestor(p, f)) return true;
  for (const auto& t : paths_.trees)
    if (within(p, t) || strict_ancestor(p, t)) return true;
  return false;
}

void FileWatcher::forget(int wd) {
  auto it = by_wd_.find(wd);
  if (it == by_wd_.end()) return;
  for (const auto& p : it->second) by_path_.erase(p);
  by_wd_.erase(it);
}

void FileWatcher::rearm() {
  // Look again until nothing changes: a folder that goes between the look and the watch is
  // looked for again (its parent then), and one made inside a folder before its watch was
  // added (cargo makes target/release right after target/) sent no event, so only a second
  // look finds it.
  for (int attempt = 0; attempt < 8; ++attempt) {
    const auto before = by_path_;
    if (try_rearm() && by_path_ == before) break;
  }
  folders_ = by_wd_.size();
}

bool FileWatcher::try_rearm() {
  bool complete = true;
  std::set<fs::path> wanted;
  std::error_code ec;
  for (const auto& f : paths_.files) wanted.insert(nearest_existing_folder(f.parent_path()));
  for (const auto& t : paths_.trees) {
    if (!fs::is_directory(t, ec)) {
      wanted.insert(nearest_existing_folder(t.parent_path()));
      continue;
    }
    wanted.insert(t);
    for (fs::recursive_directory_iterator it(t, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec))
      if (it->is_directory(ec) && !it->is_symlink(ec)) wanted.insert(clean(it->path()));
    if (ec) complete = false;  // a subfolder went while listed: list again
    ec.clear();
  }
  // Folders no longer wanted (a file's folder appeared: its ancestor is not needed any more).
  for (auto it = by_path_.begin(); it != by_path_.end();) {
    if (wanted.count(it->first)) {
      ++it;
      continue;
    }
    const int wd = it->second;
    auto& shared = by_wd_[wd];
    shared.erase(std::remove(shared.begin(), shared.end(), it->first), shared.end());
    if (shared.empty()) {
      ::inotify_rm_watch(inotify_fd_, wd);
      by_wd_.erase(wd);
    }
    it = by_path_.erase(it);
  }
  for (const auto& folder : wanted) {
    if (by_path_.count(folder)) continue;
    const int wd = ::inotify_add_watch(inotify_fd_, folder.c_str(), kMask);
    if (wd < 0) {
      if (errno == ENOSPC) {
        if (!warned_limit_)
          log_.warning("inotify watch limit reached (fs.inotify.max_user_watches): changes under " +
                       folder.string() + " are seen at the periodic checks");
        warned_limit_ = true;
      } else if (errno == ENOENT || errno == ENOTDIR) {
        complete = false;
      } else {
        log_.warning("cannot watch " + folder.string() + ": " + std::strerror(errno));
      }
      continue;
    }
    by_wd_[wd].push_back(folder);  // the same folder under two names shares a descriptor
    by_path_[folder] = wd;
  }
  return complete;
}

void FileWatcher::read_events(bool& relevant_seen, bool& structural) {
  alignas(inotify_event) char buffer[16 * 1024];
  for (;;) {
    const ssize_t n = ::read(inotify_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // EAGAIN: drained
    for (ssize_t at = 0; at < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      if (ev->mask & IN_Q_OVERFLOW) {  // events were lost: look again at everything
        relevant_seen = structural = true;
        ++events_;
        continue;
      }
      auto it = by_wd_.find(ev->wd);
      if (it == by_wd_.end()) continue;
      const bool self = ev->len == 0 || ev->name[0] == '\0';
      bool hit = false;
      for (const auto& folder : it->second) {
        const fs::path p = self ? folder : folder / ev->name;
        if (relevant(p)) {
          hit = true;
          last_changed_ = p;
        }
      }
      if (hit) ++events_;
      relevant_seen = relevant_seen || hit;
      // A watched folder went or moved (the watch would follow it elsewhere): watch afresh.
      if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
        if (!(ev->mask & IN_IGNORED)) ::inotify_rm_watch(inotify_fd_, ev->wd);
        forget(ev->wd);
        structural = true;
      } else if (hit && (ev->mask & IN_ISDIR)) {
        structural = true;  // a folder on the way, or a new subfolder of a tree
      }
    }
  }
}

void FileWatcher::run() {
  using clock = std::chrono::steady_clock;
  bool pending = false;
  clock::time_point first, last;
  for (;;) {
    int timeout_ms = -1;
    if (pending) {
      const auto deadline = std::min(last + debounce_, first + debounce_ * kMaxDelayInPeriods);
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
      timeout_ms = static_cast<int>(std::max<std::int64_t>(0, left.count()));
    }
    pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
    const int ready = ::poll(fds, 2, timeout_ms);
    if (ready < 0 && errno != EINTR) {
      log_.warning(std::string("file watching stopped (poll: ") + std::strerror(errno) + ")");
      return;
    }
    if (fds[0].revents) return;
    if (ready > 0 && fds[1].revents) {
      bool relevant_seen = false, structural = false;
      read_events(relevant_seen, structural);
      if (structural) rearm();
      if (relevant_seen) {
        last = clock::now();
        if (!pending) first = last;
        pending = true;
        pending_ = true;
      }
    }
    if (pending && clock::now() >= std::min(last + debounce_, first + debounce_ * kMaxDelayInPeriods)) {
      pending = false;
      ++checks_;
      log_.info("changed: " + last_changed_.string() + "; checking");
      trigger_();
      pending_ = false;  // after the trigger: whoever sees false sees what it requested
    }
  }
}

}  // namespace selfheal
