// Cooperative cancellation. The host owns the CancellationSource of each fix; strategies poll
// `cancelled()` between steps and use `wait_for` instead of sleeping. MT safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace selfheal::sdk {

class CancellationToken {
 public:
  CancellationToken() : state_(std::make_shared<State>()) {}

  bool cancelled() const {
    std::lock_guard lock(state_->mutex);
    return state_->cancelled;
  }
  // Waits up to `d`; returns true when cancelled (early or already).
  bool wait_for(std::chrono::steady_clock::duration d) const {
    std::unique_lock lock(state_->mutex);
    return state_->cv.wait_for(lock, d, [&] { return state_->cancelled; });
  }
  void cancel() const {
    {
      std::lock_guard lock(state_->mutex);
      state_->cancelled = true;
    }
    state_->cv.notify_all();
  }

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable cv;
    bool cancelled = false;
  };
  std::shared_ptr<State> state_;  // copies share one flag
};

}  // namespace selfheal::sdk
