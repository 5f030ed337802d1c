// GET /health from a prepared answer: health_report (health_view.hpp) serialized once per change
// of what it reads, not once per request (it reads the SQLite history).
// A prepared answer is current while its host is the one serving and neither the healer's nor
// the component loader's version() has moved since it was built. A request that finds it stale
// builds the answer itself, as every request did before, and keeps it: no change a client could
// have seen is missing from the answer. A refresh thread rebuilds it off the I/O threads on the
// serving host's events (the healer's on_change: a fix started or ended, an attempt recorded, a
// history write failed, a resource sample, the checks started or stopped; the component
// loader's on_version_change: each check, a breaker tripped), coalescing bursts, and once a
// refresh period (5 s) for what no version tells: time (a breaker's cooldown ending) and fixes
// other processes record in the shared history. Readers wait for a rebuild only in the moment
// between a change and the refresh thread's answer to it. MT safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "host/host.hpp"
#include "http/http_types.hpp"

namespace selfheal::http {

struct PreparedHealth {
  Status status = Status::ok;
  std::string body;  // json_response's text of the report
  // What it was built from: the host (not kept alive by it) and the versions read first.
  std::weak_ptr<Host> host;
  std::uint64_t healer_version = 0;
  std::uint64_t components_version = 0;
  std::uint64_t sequence = 0;  // builds are numbered as they start: a later one read later state

  bool current_for(const std::shared_ptr<Host>& serving) const;
  Response response() const;
};

class HealthSnapshot {
 public:
  using HostSource = std::function<std::shared_ptr<Host>()>;

  // `hosts` gives the serving host (null: none yet). Starts the refresh thread, which builds a
  // first answer at once.
  explicit HealthSnapshot(HostSource hosts,
                          std::chrono::milliseconds refresh_period = std::chrono::seconds(5));
  ~HealthSnapshot();  // stop()
  HealthSnapshot(const HealthSnapshot&) = delete;
  HealthSnapshot& operator=(const HealthSnapshot&) = delete;

  // The answer for `host`: the kept one while current, else one built now (and kept).
  std::shared_ptr<const PreparedHealth> get(const std::shared_ptr<Host>& host);
  // The kept answer, current or not; null before the first build.
  std::shared_ptr<const PreparedHealth> kept() const {
    std::lock_guard lock(kept_mutex_);
    return kept_;
  }
  // Asks the refresh thread for a rebuild; cheap, from any thread.
  void refresh_soon();
  // Ends the refresh thread (it holds a host while it builds). Idempotent.
  void stop();

 private:
  struct Wakeup;  // shared with the listeners the hosts keep, which may outlive this object

  std::shared_ptr<const PreparedHealth> build(const std::shared_ptr<Host>& host);
  void keep(std::shared_ptr<const PreparedHealth> next);  // unless a later build is kept
  void run();
  void watch(Host& host);  // registers the host's change listeners

  HostSource hosts_;
  std::chrono::milliseconds refresh_period_;
  std::shared_ptr<Wakeup> wakeup_;
  std::atomic<std::uint64_t> next_sequence_{0};
  // A mutex held for a pointer copy, not std::atomic<std::shared_ptr>: GCC 12's keeps a lock bit
  // in the pointer that ThreadSanitizer cannot see, and the copy costs the same.
  mutable std::mutex kept_mutex_;
  std::shared_ptr<const PreparedHealth> kept_;  // guarded by kept_mutex_
  std::weak_ptr<Host> watched_;  // the refresh thread's
  std::thread thread_;           // last: starts once the rest is made
};

}  // namespace selfheal::http
