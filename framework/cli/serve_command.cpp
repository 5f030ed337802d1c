#include <signal.h>

#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "api/service.hpp"

namespace selfheal::cli {
namespace {

// "HOST:PORT" or "[V6]:PORT" -> address and port; false when malformed.
bool parse_listen(const std::string& text, std::string& address, std::uint16_t& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
  address = text.substr(0, colon);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);
  const std::string digits = text.substr(colon + 1);
  if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) return false;
  const unsigned long value = std::stoul(digits);
  if (value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

// If stopping hangs past the limit, the process exits anyway: SIGTERM must end it in bounded time.
class StopDeadline {
 public:
  explicit StopDeadline(std::chrono::seconds limit)
      : thread_([this, limit] {
          std::unique_lock lock(mutex_);
          if (!done_cv_.wait_for(lock, limit, [this] { return done_; })) {
            std::cerr << "selfheal: stopping took longer than " << limit.count() << " s; exiting\n";
            std::_Exit(kInternal);
          }
        }) {}
  ~StopDeadline() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    done_cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

// Signals are blocked in every thread and taken synchronously here with sigwait, so no handler
// runs in the middle of anything. SIGHUP reloads the manifest (as POST /self-healing/reload);
// SIGINT and SIGTERM stop: the running fix is cancelled (its process group killed), connections
// close, the healer and the components stop.
int run_serve(const Args& args) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts
  sigdelset(&signals, SIGPIPE);                    // blocked, never waited for

  http::ServeOptions options;
  if (auto listen = args.option("listen")) {
    std::string address;
    std::uint16_t port = 0;
    if (!parse_listen(*listen, address, port)) {
      std::cerr << "selfheal serve: --listen expects HOST:PORT, got '" << *listen << "'\n";
      return kUsage;
    }
    options.listen_address = address;
    options.listen_port = port;
  }
  auto manifest = load_or_report(args);
  if (!manifest) return kInvalidManifest;

  http::Service service(options);
  if (auto error = service.start(std::move(*manifest)); !error.empty()) {
    for (const auto& e : service.manifest_errors()) std::cerr << e << "\n";
    service.log().error(error);
    return service.manifest_errors().empty() ? kInternal : kInvalidManifest;
  }
  service.log().info("serving " + service.host()->manifest().file.string() + " (pid " +
                     std::to_string(::getpid()) + ")");
  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      service.log().info("SIGHUP: reloading the manifest");
      auto result = service.reload();
      if (!result.success && !result.busy) service.log().error("reload refused: " + result.message);
      continue;
    }
    service.log().info(std::string("stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
    StopDeadline deadline(std::chrono::seconds(30));
    service.stop();
    return kOk;
  }
}

}  // namespace selfheal::cli
