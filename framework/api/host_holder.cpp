#include "api/host_holder.hpp"

namespace selfheal::http {

std::shared_ptr<Host> HostHolder::get() const {
  std::lock_guard lock(mutex_);
  return host_;
}

std::shared_ptr<Host> HostHolder::swap(std::shared_ptr<Host> next) {
  std::lock_guard lock(mutex_);
  std::swap(host_, next);
  return next;
}

}  // namespace selfheal::http
