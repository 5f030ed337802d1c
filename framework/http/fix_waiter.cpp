#include "http/fix_waiter.hpp"

#include <boost/asio/steady_timer.hpp>
#include <memory>

namespace selfheal::http {
namespace net = boost::asio;

namespace {

constexpr std::chrono::milliseconds kPollInterval{20};

struct Waiter : std::enable_shared_from_this<Waiter> {
  Waiter(net::io_context& io, std::shared_future<FixOutcome> f,
         std::chrono::steady_clock::time_point d, std::function<void(std::optional<FixOutcome>)> cb)
      : timer(io), future(std::move(f)), deadline(d), done(std::move(cb)) {}

  void poll() {
    if (future.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      done(future.get());
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      done(std::nullopt);
      return;
    }
    timer.expires_at(std::min(deadline, now + kPollInterval));
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->poll();
    });
  }

  net::steady_timer timer;
  std::shared_future<FixOutcome> future;
  std::chrono::steady_clock::time_point deadline;
  std::function<void(std::optional<FixOutcome>)> done;
};

}  // namespace

void wait_for_fix(net::io_context& io, std::shared_future<FixOutcome> future,
                  std::chrono::steady_clock::time_point deadline,
                  std::function<void(std::optional<FixOutcome>)> done) {
  std::make_shared<Waiter>(io, std::move(future), deadline, std::move(done))->poll();
}

}  // namespace selfheal::http
