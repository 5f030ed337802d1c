#include "api/fix_reply.hpp"

#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include "host/host.hpp"
#include "host/json_views.hpp"

namespace selfheal::http {
namespace net = boost::asio;
namespace json = boost::json;

FixReply::FixReply(net::io_context& io, std::shared_ptr<Host> host, bool clean, Respond respond)
    : strand_(net::make_strand(io)),
      timer_(strand_),
      host_(std::move(host)),
      clean_(clean),
      respond_(std::move(respond)) {}

void FixReply::start(FixRequest request, std::chrono::steady_clock::time_point deadline) {
  std::weak_ptr<FixReply> weak = weak_from_this();
  // Called on the fixing thread (or here, for a fix already done): hop onto the strand.
  const auto id = host_->healer().start_fix(std::move(request), [weak](const FixOutcome& outcome) {
    if (auto self = weak.lock())
      net::post(self->strand_, [self, outcome] { self->answer_with(outcome); });
  });
  // After start_fix: a completion it already posted runs first and wins, even for wait=0.
  net::post(strand_, [self = shared_from_this(), id, deadline] {
    self->fix_id_ = id;
    if (self->answered_) return;
    self->timer_.expires_at(deadline);
    self->timer_.async_wait([self](boost::system::error_code ec) {
      if (!ec) self->answer_in_progress();
    });
  });
}

void FixReply::answer_with(const FixOutcome& outcome) {
  if (answered_) return;
  answered_ = true;
  timer_.cancel();  // lets go of this reply now
  respond_(json_response(Status::ok, clean_ ? clean_build_json(outcome) : fix_json(outcome)));
}

void FixReply::answer_in_progress() {
  if (answered_) return;
  answered_ = true;
  const auto progress = host_->healer().progress(fix_id_);
  const std::string location = "/self-healing/fixes/" + std::to_string(fix_id_);
  auto res = json_response(Status::accepted,
                           json::object{{"fix_id", fix_id_},
                                        {"state", progress ? to_string(progress->state) : "running"},
                                        {"location", location}});
  res.set(beast_http::field::location, location);
  respond_(std::move(res));
}

}  // namespace selfheal::http
