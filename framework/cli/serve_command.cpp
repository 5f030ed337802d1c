#include <signal.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "runtime/host.hpp"

namespace selfheal::cli {

// Signals are blocked in every thread and taken synchronously here with sigwait, so no handler
// runs in the middle of anything.
int run_serve(const Args& args) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts

  auto manifest = load_or_report(args);
  if (!manifest) return kInvalidManifest;
  Host host(std::move(*manifest), {});
  host.log().info("serving " + host.manifest().file.string() + " (pid " +
                  std::to_string(::getpid()) + ")");
  host.healer().start();
  host.components().start();
  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      host.log().info("SIGHUP: checking now (manifest reload comes with the HTTP issue)");
      host.healer().request_check();
      host.components().request_check();
      continue;
    }
    host.log().info(std::string("stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
    host.components().stop();
    host.healer().stop();
    return kOk;
  }
}

}  // namespace selfheal::cli
