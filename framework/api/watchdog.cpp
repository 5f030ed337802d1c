#include "api/watchdog.hpp"

#include <atomic>
#include <boost/asio/post.hpp>

#include "api/sd_notify.hpp"

namespace selfheal::http {

struct Watchdog::State : std::enable_shared_from_this<State> {
  explicit State(boost::asio::io_context& io) : timer(io) {}
  void tick() {
    if (stopped.load()) return;
    sd_notify("WATCHDOG=1");
    timer.expires_after(period);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->tick();
    });
  }
  boost::asio::steady_timer timer;
  std::chrono::microseconds period{0};
  std::atomic<bool> stopped{false};
};

Watchdog::Watchdog(boost::asio::io_context& io) : state_(std::make_shared<State>(io)) {}
Watchdog::~Watchdog() { stop(); }

bool Watchdog::start() {
  const auto interval = sd_watchdog_interval();
  if (!interval) return false;
  state_->period = *interval / 2;
  boost::asio::post(state_->timer.get_executor(), [s = state_] { s->tick(); });
  return true;
}

void Watchdog::stop() {
  state_->stopped.store(true);
  boost::asio::post(state_->timer.get_executor(), [s = state_] { s->timer.cancel(); });
}

}  // namespace selfheal::http
