// A thread that runs one piece of work again and again: at start, then whenever the interval
// has passed or someone asked for a pass, until stop(). Requests made during a pass are kept for
// the next one, so no request is lost. Shared by the loops of the host's parts (the healer's and
// the component loader's periodic checks). MT safe; stop() and the destructor wait for the
// running pass to end, so they must not be called from the work itself.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace selfheal {

class PeriodicWorker {
 public:
  // `interval` is asked after every pass: how long to wait before the next one unasked.
  PeriodicWorker(std::function<void()> work, std::function<std::chrono::nanoseconds()> interval);
  ~PeriodicWorker();
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;

  void start();  // no-op when running
  void stop();   // no-op when stopped
  // One more pass as soon as the current one (if any) ends. Before start(): the first pass.
  void request();

  bool running() const;
  // Neither runs a pass nor has one requested (never true between a request and its pass).
  bool idle() const;

 private:
  void loop();

  std::function<void()> work_;
  std::function<std::chrono::nanoseconds()> interval_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool running_ = false;
  bool requested_ = false;
  bool busy_ = false;  // the thread is in work(), or about to be
  std::thread thread_;
};

}  // namespace selfheal
