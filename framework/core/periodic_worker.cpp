#include "core/periodic_worker.hpp"

namespace selfheal {

PeriodicWorker::PeriodicWorker(std::function<void()> work,
                               std::function<std::chrono::nanoseconds()> interval)
    : work_(std::move(work)), interval_(std::move(interval)) {}

PeriodicWorker::~PeriodicWorker() { stop(); }

void PeriodicWorker::start() {
  std::lock_guard lock(mutex_);
  if (running_) return;
  running_ = true;
  busy_ = true;  // the first pass starts at once: never seen idle before it
  thread_ = std::thread([this] { loop(); });
}

void PeriodicWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!running_) return;
    running_ = false;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicWorker::request() {
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
  }
  wake_.notify_all();
}

bool PeriodicWorker::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

bool PeriodicWorker::idle() const {
  std::lock_guard lock(mutex_);
  return !requested_ && !busy_;
}

void PeriodicWorker::loop() {
  for (;;) {
    work_();
    const auto wait = interval_();
    std::unique_lock lock(mutex_);
    busy_ = false;
    wake_.wait_for(lock, wait, [&] { return !running_ || requested_; });
    requested_ = false;
    busy_ = running_;  // with the request taken, in one step: never seen idle between
    if (!running_) return;
  }
}

}  // namespace selfheal
