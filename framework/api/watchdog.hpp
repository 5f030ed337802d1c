// Pings systemd's watchdog (WATCHDOG=1) at half the configured interval from a timer on the
// I/O context, so a wedged I/O loop stops the pings and systemd restarts the service.
// Does nothing without $WATCHDOG_USEC. Start and stop from one thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

namespace selfheal::http {

class Watchdog {
 public:
  explicit Watchdog(boost::asio::io_context& io);
  ~Watchdog();
  bool start();  // false: no watchdog configured
  void stop();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace selfheal::http
