// The service's life: /health while a build hangs, reload (POST and SIGHUP) with a broken and
// a good manifest, and SIGTERM in the middle of a build.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <regex>

#include "http_client.hpp"
#include "json_shape.hpp"
#include "serve_harness.hpp"

namespace selfheal::testing {
namespace {

class Lifecycle : public ::testing::Test {
 protected:
  void start(std::map<std::string, std::string> env = {}) {
    world.write_manifest();
    serve = std::make_unique<ServeProcess>(world.manifest_file().string(), std::move(env));
    port = serve->port();
    ASSERT_GT(port, 0) << serve->log();
  }
  // Waits until the automatic fix's build hangs in the wrapper.
  void wait_for_hanging_build() {
    ASSERT_TRUE(eventually([&] { return !world.hanging_pids().empty(); }, std::chrono::seconds(60)))
        << serve->log();
  }
  ServeWorld world;
  std::unique_ptr<ServeProcess> serve;
  int port = 0;
};

TEST_F(Lifecycle, HealthAnswersInMillisecondsWhileABuildHangs) {
  world.build_config = "{env: {RUSTC_WRAPPER: " + world.hanging_wrapper().string() + "}}";
  start();
  wait_for_hanging_build();
  for (int i = 0; i < 20; ++i) {
    auto health = http_get(port, "/health");
    ASSERT_EQ(health.status, 200) << health.body;
    EXPECT_LT(health.took, std::chrono::milliseconds(500));
  }
  auto status = http_get(port, "/self-healing/status");
  ASSERT_EQ(status.status, 200);
  ASSERT_TRUE(field_is(status.json(), "current_fix", Kind::object)) << status.body;
  EXPECT_LT(status.took, std::chrono::milliseconds(500));
  EXPECT_LT(http_get(port, "/self-healing/component-status").took, std::chrono::milliseconds(500));
  EXPECT_LT(http_get(port, "/metrics").took, std::chrono::milliseconds(1000));
}

TEST_F(Lifecycle, SigtermDuringAHangingBuildStopsPromptlyAndLeavesNoChildBehind) {
  world.build_config = "{env: {RUSTC_WRAPPER: " + world.hanging_wrapper().string() + "}}";
  start();
  wait_for_hanging_build();
  const auto pids = world.hanging_pids();
  ASSERT_FALSE(processes_mentioning(world.root().string()).empty());
  const auto asked = std::chrono::steady_clock::now();
  serve->signal(SIGTERM);
  auto code = serve->wait_exit(std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value()) << "serve did not stop\n" << serve->log();
  EXPECT_EQ(*code, 0) << serve->log();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(15));
  for (pid_t pid : pids)
    EXPECT_TRUE(eventually([&] { return process_gone(pid); })) << "the hanging rustc " << pid << " survived";
  EXPECT_TRUE(eventually([&] { return processes_mentioning(world.root().string()).empty(); }))
      << "left behind: " << processes_mentioning(world.root().string()).size() << " process(es)";
  EXPECT_TRUE(serve->saw("stopping on SIGTERM")) << serve->log();
}

TEST_F(Lifecycle, ABrokenManifestIsRefusedWith422AndTheHostKeepsServing) {
  start();
  ASSERT_EQ(http_post(port, "/self-healing/fix?wait=60").status, 200);
  const std::string good = world.manifest_text();
  std::string broken = good;
  broken.replace(broken.find("check_interval: 300"), 19, "check_interval: soon");
  ServeWorld::write_file(world.manifest_file(), broken);

  auto reload = http_post(port, "/self-healing/reload");
  ASSERT_EQ(reload.status, 422) << reload.body;
  auto r = reload.json();
  EXPECT_TRUE(field_is(r, "errors", Kind::array));
  EXPECT_EQ(r.at("success"), false);
  ASSERT_FALSE(r.at("errors").as_array().empty());
  const std::regex located(R"(^.+plugins\.yaml:\d+:\d+: settings\.check_interval: .+)");
  for (const auto& e : r.at("errors").as_array())
    EXPECT_TRUE(std::regex_match(std::string(e.as_string()), located)) << e;

  // Still serving, with the old manifest.
  EXPECT_EQ(http_get(port, "/readyz").status, 200);
  EXPECT_EQ(http_get(port, "/self-healing/component-status").json().at("check_interval_seconds"), 300);
  EXPECT_EQ(http_get(port, "/health").status, 200);

  // SIGHUP with the broken file: refused too, logged, still serving.
  serve->signal(SIGHUP);
  EXPECT_TRUE(serve->saw("reload refused", std::chrono::seconds(30))) << serve->log();
  EXPECT_EQ(http_get(port, "/livez").status, 200);

  // A good manifest with changes is applied whole: a new check interval and a token.
  world.check_interval = 120;
  world.extra_settings = "  http: {token: t0ken}\n";
  world.write_manifest();
  auto ok = http_post(port, "/self-healing/reload");
  ASSERT_EQ(ok.status, 200) << ok.body << ok.error << "\n" << serve->log();
  EXPECT_EQ(ok.json().at("success"), true);
  EXPECT_EQ(http_get(port, "/self-healing/component-status").json().at("check_interval_seconds"), 120);
  EXPECT_EQ(http_post(port, "/self-healing/diagnose").status, 401);
  const auto diagnosed = http_post(port, "/self-healing/diagnose", {}, {{"Authorization", "Bearer t0ken"}});
  EXPECT_EQ(diagnosed.status, 200) << diagnosed.error << "\n" << serve->log();
  // History survived the swap.
  EXPECT_GE(http_get(port, "/self-healing/history").json().at("total").as_int64(), 1);

  // SIGHUP applies a good manifest the same way.
  world.check_interval = 90;
  world.write_manifest();
  serve->signal(SIGHUP);
  EXPECT_TRUE(eventually([&] {
    return http_get(port, "/self-healing/component-status").json().at("check_interval_seconds") == 90;
  }, std::chrono::seconds(30))) << serve->log();
}

// A datagram socket standing in for systemd's $NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~NotifySocket() { ::close(fd_); }
  bool bound() const { return bound_; }
  // Messages received so far (non-blocking).
  const std::vector<std::string>& drain() {
    char buf[512];
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) break;
      messages_.emplace_back(buf, static_cast<std::size_t>(n));
    }
    return messages_;
  }
  bool received(const std::string& needle) {
    for (const auto& m : drain())
      if (m.find(needle) != std::string::npos) return true;
    return false;
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  bool bound_ = false;
  std::vector<std::string> messages_;
};

TEST_F(Lifecycle, TellsSystemdReadyWatchdogAndStopping) {
  NotifySocket notify(world.root() / "notify.sock");
  ASSERT_TRUE(notify.bound());
  start({{"NOTIFY_SOCKET", (world.root() / "notify.sock").string()}, {"WATCHDOG_USEC", "200000"}});
  EXPECT_TRUE(eventually([&] { return notify.received("READY=1"); }));
  EXPECT_TRUE(eventually([&] {
    int pings = 0;
    for (const auto& m : notify.drain()) pings += m == "WATCHDOG=1";
    return pings >= 3;
  })) << "watchdog pings expected every 100 ms";
  serve->signal(SIGTERM);
  EXPECT_EQ(serve->wait_exit(std::chrono::seconds(30)), 0);
  EXPECT_TRUE(notify.received("STOPPING=1"));
}

}  // namespace
}  // namespace selfheal::testing
