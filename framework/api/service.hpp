// `selfheal serve` as an object: the swappable Host, the HTTP server with every route, reload
// and an orderly stop. The serve command owns one and drives it from its signal loop.
// start/reload/stop from one thread; reload may also come from POST /self-healing/reload.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "api/api_context.hpp"
#include "http/http_server.hpp"
#include "api/watchdog.hpp"

namespace selfheal::http {

struct ServeOptions {
  std::optional<std::string> listen_address;  // --listen: overrides settings.http.bind
  std::optional<std::uint16_t> listen_port;   // --listen: overrides settings.http.port (0: any free)
  std::filesystem::path probe_program;        // empty: beside the executable
  HttpLimits limits = HttpLimits::from_environment();
  // Serve this running host (an application's heal-mode runtime) instead of building one from
  // the manifest: its owner started it and stops it, and reload is refused (the application
  // owns its manifest; its component handles live as long as this host).
  std::shared_ptr<Host> embedded_host;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_address(const std::string& address);

class Service {
 public:
  explicit Service(ServeOptions options);
  ~Service();  // stop()
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Builds the host, binds the listen address and starts healing and serving.
  // Returns an error message (nothing is left running), or "" on success.
  std::string start(Manifest manifest);
  // Set when start() refused the manifest for errors its plugins revealed ("file:line:col: ...").
  const std::vector<std::string>& manifest_errors() const { return manifest_errors_; }
  ReloadResult reload();
  // Cancels the running fix, stops accepting and closes connections, stops the host.
  void stop();

  boost::asio::ip::tcp::endpoint endpoint() const { return server_.endpoint(); }
  std::shared_ptr<Host> host() const { return hosts_.get(); }
  SourceLogger& log() { return log_; }

 private:
  std::shared_ptr<Host> make_host(Manifest manifest);
  static ReloadResult embedded_reload_refusal();
  std::vector<std::string> check_reloaded(const Manifest& manifest);

  ServeOptions options_;
  std::shared_ptr<LogSink> sink_;
  SourceLogger log_;
  HostHolder hosts_;
  std::string address_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Reloader> reloader_;
  HttpServer server_;  // after the hosts: destroyed first, dropping what its handlers hold
  std::unique_ptr<HealthSnapshot> health_;
  std::unique_ptr<ApiContext> context_;
  Watchdog watchdog_;
  bool started_ = false;
  std::vector<std::string> manifest_errors_;
  bool stopped_ = false;
};

}  // namespace selfheal::http
