#include "api/health_snapshot.hpp"

#include <condition_variable>
#include <mutex>

#include "api/health_view.hpp"

namespace selfheal::http {

bool PreparedHealth::current_for(const std::shared_ptr<Host>& serving) const {
  // Owners compared, not addresses: a new host may be made where a destroyed one was.
  return serving && !host.owner_before(serving) && !serving.owner_before(host) &&
         healer_version == serving->healer().version() &&
         components_version == serving->components().version();
}

Response PreparedHealth::response() const {
  Response res{status, 11};
  res.set(beast_http::field::content_type, "application/json");
  res.body() = body;
  return res;
}

struct HealthSnapshot::Wakeup {
  std::mutex mutex;
  std::condition_variable changed;
  bool pending = true;  // the first answer is built at once
  bool stopping = false;

  void raise() {
    {
      std::lock_guard lock(mutex);
      pending = true;
    }
    changed.notify_one();
  }
};

HealthSnapshot::HealthSnapshot(HostSource hosts, std::chrono::milliseconds refresh_period)
    : hosts_(std::move(hosts)),
      refresh_period_(refresh_period),
      wakeup_(std::make_shared<Wakeup>()),
      thread_([this] { run(); }) {}

HealthSnapshot::~HealthSnapshot() { stop(); }

void HealthSnapshot::stop() {
  {
    std::lock_guard lock(wakeup_->mutex);
    wakeup_->stopping = true;
  }
  wakeup_->changed.notify_one();
  if (thread_.joinable()) thread_.join();
}

void HealthSnapshot::refresh_soon() { wakeup_->raise(); }

std::shared_ptr<const PreparedHealth> HealthSnapshot::get(const std::shared_ptr<Host>& host) {
  auto current = kept();
  if (current && current->current_for(host)) return current;
  refresh_soon();  // a new host: the refresh thread starts following its events
  auto fresh = build(host);
  keep(fresh);
  return fresh;
}

std::shared_ptr<const PreparedHealth> HealthSnapshot::build(const std::shared_ptr<Host>& host) {
  auto p = std::make_shared<PreparedHealth>();
  p->sequence = next_sequence_.fetch_add(1) + 1;
  p->host = host;
  // The versions before the state: a change after these loads makes the answer stale, never
  // one that claims to include it.
  p->healer_version = host->healer().version();
  p->components_version = host->components().version();
  const auto report = health_report(host->manifest(), host->healer().status(1),
                                    host->components().status(), host->healer().last_outcome(),
                                    host->plugins());
  p->status = report.status;
  p->body = std::move(json_response(report.status, report.body).body());
  return p;
}

void HealthSnapshot::keep(std::shared_ptr<const PreparedHealth> next) {
  std::lock_guard lock(kept_mutex_);
  if (kept_ && kept_->sequence > next->sequence) return;
  kept_ = std::move(next);
}

void HealthSnapshot::watch(Host& host) {
  std::weak_ptr<Wakeup> wakeup = wakeup_;
  auto raise = [wakeup] {
    if (auto w = wakeup.lock()) w->raise();
  };
  host.healer().on_change(raise);
  // Every move of the loader's version, not only switches: a check that changed a score or an
  // error makes the kept answer stale too, and it is rebuilt here rather than by a request.
  host.components().on_version_change(raise);
}

void HealthSnapshot::run() {
  for (;;) {
    {
      std::unique_lock lock(wakeup_->mutex);
      wakeup_->changed.wait_for(lock, refresh_period_, [this] { return wakeup_->pending || wakeup_->stopping; });
      if (wakeup_->stopping) return;
      wakeup_->pending = false;  // events from here on ask for another build: a burst makes two
    }
    auto host = hosts_();
    if (!host) continue;
    if (watched_.owner_before(host) || host.owner_before(watched_)) {
      watch(*host);
      watched_ = host;
    }
    try {
      keep(build(host));
    } catch (const std::exception&) {
      // Left to the next request, which builds it itself and answers the error as before.
    }
  }
}

}  // namespace selfheal::http
