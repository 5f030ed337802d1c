#include "api/service.hpp"

#include <boost/asio/ip/address.hpp>

#include "api/health_snapshot.hpp"
#include "api/sd_notify.hpp"
#include "api/status_page.hpp"

namespace selfheal::http {

bool is_loopback_address(const std::string& address) {
  if (address == "localhost") return true;
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(address, ec);
  return !ec && ip.is_loopback();
}

Service::Service(ServeOptions options)
    : options_(std::move(options)),
      sink_(std::make_shared<LogSink>()),
      log_(sink_, "http"),
      server_(options_.limits),
      watchdog_(server_.io()) {}

Service::~Service() { stop(); }

std::shared_ptr<Host> Service::make_host(Manifest manifest) {
  Host::Options o;
  o.log_sink = sink_;
  o.probe_program = options_.probe_program;
  sink_->set_min_level(parse_log_level(manifest.settings.log_level));
  sink_->set_format(parse_log_format(manifest.settings.log_format).value_or(LogFormat::text));
  return std::make_shared<Host>(std::move(manifest), o);
}

std::vector<std::string> Service::check_reloaded(const Manifest& manifest) {
  std::vector<std::string> errors;
  const auto& http = manifest.settings.http;
  if (!is_loopback_address(address_) && http.bearer_token.empty())
    errors.push_back(manifest.file.string() + ": settings.http.token: a token is required while " +
                     "listening on the non-loopback address " + address_);
  if (!options_.listen_address && (http.bind_address != address_ || http.port != port_))
    log_.warning("settings.http.bind/port changes take effect at the next start");
  return errors;
}

std::string Service::start(Manifest manifest) {
  address_ = options_.listen_address.value_or(manifest.settings.http.bind_address);
  port_ = options_.listen_port.value_or(manifest.settings.http.port);
  if (!is_loopback_address(address_) && manifest.settings.http.bearer_token.empty())
    return "refusing to listen on the non-loopback address " + address_ +
           " without a bearer token: set settings.http.token (or token_env) in " +
           manifest.file.string() + ", or listen on 127.0.0.1";
  const auto file = manifest.file;
  try {
    auto host = options_.embedded_host ? options_.embedded_host : make_host(std::move(manifest));
    for (const auto& e : host->manifest_errors()) manifest_errors_.push_back(e.to_string());
    if (!manifest_errors_.empty())
      return std::to_string(manifest_errors_.size()) + " error(s) in " + file.string() + "; nothing started";
    hosts_.swap(std::move(host));
  } catch (const std::exception& e) {
    return std::string("cannot start the host: ") + e.what();
  }
  reloader_ = std::make_unique<Reloader>(
      file, hosts_, [this](Manifest m) { return make_host(std::move(m)); },
      [this](const Manifest& m) { return check_reloaded(m); }, sink_);
  health_ = std::make_unique<HealthSnapshot>([this] { return hosts_.get(); });
  context_ = std::make_unique<ApiContext>(ApiContext{
      hosts_, *health_, server_.io(), server_.pool(),
      [this] { return options_.embedded_host ? embedded_reload_refusal() : reloader_->reload(); },
      [this] { return server_.open_connections(); }});
  auto router = std::make_shared<Router>(
      [this] {
        auto host = hosts_.get();
        return host ? host->manifest().settings.http.bearer_token : std::string();
      },
      std::make_shared<RateLimiter>(options_.limits.mutating_rate, options_.limits.mutating_burst));
  add_healing_routes(*router, *context_);
  add_ops_routes(*router, *context_);
  add_status_page_routes(*router);
  server_.on_handler_error([this](std::string_view what) {
    log_.error("a connection's handler failed and was closed: " + std::string(what));
  });
  if (auto error = server_.start(address_, port_, router); !error.empty()) {
    health_->stop();
    hosts_.swap(nullptr);
    return error;
  }
  started_ = true;
  const auto ep = server_.endpoint();
  if (!options_.embedded_host) hosts_.get()->start();
  hosts_.set_ready(true);
  // Said once ready: tools (and the tests) read the port from this line and may ask /readyz at once.
  log_.info("listening on " + ep.address().to_string() + ":" + std::to_string(ep.port()));
  if (watchdog_.start()) log_.info("systemd watchdog enabled");
  sd_notify("READY=1\nSTATUS=listening on " + ep.address().to_string() + ":" + std::to_string(ep.port()));
  return {};
}

ReloadResult Service::embedded_reload_refusal() {
  const std::string why =
      "this host runs inside an application, which owns its manifest: restart the application to load a changed one";
  return ReloadResult{false, false, {why}, why};
}

ReloadResult Service::reload() {
  if (!reloader_) return ReloadResult{false, false, {"not started"}, "not started"};
  if (options_.embedded_host) return embedded_reload_refusal();
  sd_notify("RELOADING=1");
  auto r = reloader_->reload();
  sd_notify("READY=1");
  return r;
}

void Service::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (started_) sd_notify("STOPPING=1");
  hosts_.set_ready(false);
  if (auto host = hosts_.get(); host && !options_.embedded_host)
    host->healer().cancel_running();  // kills the build's group
  watchdog_.stop();
  server_.stop();  // no new requests; pool jobs end; connections close
  if (health_) health_->stop();  // its refresh thread may hold the host
  if (auto host = hosts_.swap(nullptr); host && !options_.embedded_host) {
    host->stop();
    log_.info("stopped");
  }
}

}  // namespace selfheal::http
