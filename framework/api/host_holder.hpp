// The Host the server works through, swappable by a reload. Readers take a shared_ptr and keep
// the Host alive for as long as they use it; a swap never waits for them. `ready` is what
// /readyz reports: false before the first host, during a reload and during shutdown. MT safe.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "host/host.hpp"

namespace selfheal::http {

class HostHolder {
 public:
  std::shared_ptr<Host> get() const;
  // Installs `next` and returns the previous host (the caller stops it).
  std::shared_ptr<Host> swap(std::shared_ptr<Host> next);

  bool ready() const { return ready_.load(); }
  void set_ready(bool ready) { ready_.store(ready); }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<Host> host_;
  std::atomic<bool> ready_{false};
};

}  // namespace selfheal::http
