// The runtime as an application uses it (only <selfheal/runtime.hpp> and libselfheal.so):
// follow mode without and with a real `selfheal serve` daemon on the same state folder, heal mode
// building the real rust-core in this process and serving the HTTP API, and bad input.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <selfheal/runtime.hpp>

#include <atomic>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "eventually.hpp"
#include "http_client.hpp"
#include "rust_core_world.hpp"
#include "serve_process.hpp"

namespace selfheal::testing {
namespace {

using namespace std::chrono_literals;

struct RuntimeLog {
  std::mutex mutex;
  std::string text;
  std::function<void(std::string_view)> sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mutex);
      text.append(line).append("\n");
    };
  }
  std::string get() {
    std::lock_guard lock(mutex);
    return text;
  }
};

bool runtime_all_on(const Runtime& rt, const std::string& impl) {
  const auto s = rt.status();
  if (s.components.size() != 3) return false;
  for (const auto& c : s.components)
    if (c.active != impl) return false;
  return true;
}

std::vector<std::uint8_t> gray_frame(std::uint8_t shade) { return std::vector<std::uint8_t>(64 * 48, shade); }

TEST(RuntimeFollow, WithoutADaemonServesCppSaysWhyAndNeverWritesTheStateFolder) {
  RustCoreWorld world;
  world.write_manifest();
  RuntimeLog log;
  auto rt = Runtime::open({.manifest = world.manifest_file(), .mode = Mode::follow, .log = log.sink()});
  EXPECT_EQ(rt->mode(), Mode::follow);

  BloomFilter bloom = rt->bloom_filter();
  EXPECT_TRUE(bloom.insert("https://example.org/a"));
  EXPECT_FALSE(bloom.insert("https://example.org/a"));
  EXPECT_TRUE(bloom.contains("https://example.org/a"));
  EXPECT_FALSE(bloom.contains("https://example.org/b"));
  EXPECT_EQ(bloom.item_count(), 1u);

  SlidingWindow window = rt->sliding_window();
  const auto pixels = gray_frame(40);
  const Frame frame{pixels, 64, 48, 1, 0};
  EXPECT_FALSE(window.add_frame(frame).is_duplicate);
  EXPECT_TRUE(window.is_duplicate(frame));

  MemoryPool pool = rt->memory_pool();
  PoolBuffer b = pool.allocate(4096);
  ASSERT_NE(b.data, nullptr);
  EXPECT_GE(b.size, 4096u);
  std::memset(b.data, 0xab, b.size);
  pool.release(b);

  const auto s = rt->status();
  EXPECT_FALSE(s.daemon_running);
  EXPECT_NE(s.reason.find("no `selfheal serve` daemon"), std::string::npos) << s.reason;
  EXPECT_TRUE(runtime_all_on(*rt, "cpp")) << s.to_json();
  const auto json = boost::json::parse(s.to_json());
  EXPECT_EQ(json.at("mode"), "follow");
  EXPECT_EQ(json.at("components").at("bloom_filter").at("active_implementation"), "cpp");
  // A follower never writes the state folder, not even to create it.
  EXPECT_FALSE(std::filesystem::exists(world.state_dir())) << log.get();
}

TEST(RuntimeFollow, FollowsADaemonOntoRustWithItsStateAndKeepsServingWhenTheDaemonDies) {
  RustCoreWorld world;
  world.write_manifest();
  RuntimeLog log;
  auto rt = Runtime::open({.manifest = world.manifest_file(), .mode = Mode::follow, .log = log.sink()});
  std::mutex changes_mutex;
  std::set<std::string> upgraded;
  rt->on_change([&](const Change& c) {
    std::lock_guard lock(changes_mutex);
    if (c.change == "upgraded_to_rust") upgraded.insert(c.component);
  });
  BloomFilter bloom = rt->bloom_filter();
  for (int i = 0; i < 1000; ++i) bloom.insert("key-" + std::to_string(i));

  // Calls go on from another thread the whole time: none may fail.
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> calls{0}, misses{0};
  std::thread caller([&, bloom]() mutable {
    while (!stop.load()) {
      if (!bloom.contains("key-" + std::to_string(calls.load() % 1000))) misses.fetch_add(1);
      calls.fetch_add(1);
    }
  });

  auto daemon = std::make_unique<ServeProcess>(world.manifest_file().string());
  ASSERT_GT(daemon->port(), 0) << daemon->log();
  const bool on_rust = eventually([&] { return runtime_all_on(*rt, "rust"); }, 180s);
  stop = true;
  caller.join();
  ASSERT_TRUE(on_rust) << rt->status().to_json() << "\n--- runtime log\n" << log.get()
                       << "\n--- daemon log\n" << daemon->log();
  EXPECT_EQ(misses.load(), 0u) << "of " << calls.load() << " calls";
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(bloom.contains("key-" + std::to_string(i))) << i;
  // The loader calls listeners once its whole check is done, after status() already shows Rust.
  const std::set<std::string> all = {"bloom_filter", "memory_pool", "sliding_window"};
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(changes_mutex);
    return upgraded == all;
  }, 10s));
  auto s = rt->status();
  EXPECT_TRUE(s.daemon_running);
  EXPECT_EQ(s.daemon_pid, static_cast<long>(daemon->pid()));

  // The daemon goes: the follower keeps its Rust instances (they run from the store) and says so.
  daemon.reset();
  EXPECT_TRUE(eventually([&] { return !rt->status().daemon_running; }, 30s));
  EXPECT_TRUE(runtime_all_on(*rt, "rust")) << rt->status().to_json();
  EXPECT_TRUE(bloom.contains("key-7"));
  EXPECT_TRUE(bloom.insert("after-the-daemon"));
}

TEST(RuntimeHeal, HealsInTheApplicationAndServesTheApiFromIt) {
  RustCoreWorld world;
  world.write_manifest();
  RuntimeLog log;
  auto rt = Runtime::open({.manifest = world.manifest_file(), .mode = Mode::heal, .log = log.sink()});
  EXPECT_EQ(rt->mode(), Mode::heal);
  BloomFilter bloom = rt->bloom_filter();
  EXPECT_TRUE(bloom.insert("before"));
  ASSERT_TRUE(eventually([&] { return runtime_all_on(*rt, "rust"); }, 180s))
      << rt->status().to_json() << "\n" << log.get();
  EXPECT_TRUE(bloom.contains("before"));

  const auto address = rt->serve_http("127.0.0.1:0");
  const int port = std::stoi(address.substr(address.rfind(':') + 1));
  auto health = http_get(port, "/health");
  EXPECT_EQ(health.status, 200) << health.body;
  auto components = http_get(port, "/self-healing/component-status");
  EXPECT_NE(components.body.find("\"rust\""), std::string::npos) << components.body;
  // The application owns its manifest: the API cannot swap the host under its handles.
  auto reload = http_post(port, "/self-healing/reload");
  EXPECT_NE(reload.status, 200);
  EXPECT_NE(reload.body.find("application"), std::string::npos) << reload.body;
  EXPECT_THROW(rt->serve_http("127.0.0.1:0"), Error);

  // A follower in the same process sees this runtime as the state folder's daemon.
  auto follower = Runtime::open({.manifest = world.manifest_file(), .mode = Mode::follow, .log = log.sink()});
  EXPECT_TRUE(follower->status().daemon_running);
  EXPECT_EQ(follower->status().daemon_pid, static_cast<long>(::getpid()));
  EXPECT_TRUE(eventually([&] { return runtime_all_on(*follower, "rust"); }, 30s)) << follower->status().to_json();
  EXPECT_THROW(follower->serve_http("127.0.0.1:0"), Error);
}

// A daemon's mark held (as a live daemon holds it), and a store whose `current` names an
// artifact that is not there or damaged: the follower serves C++ and says why, never failing.
TEST(RuntimeFollow, ADamagedStoreServesCppWithTheReason) {
  RustCoreWorld world;
  world.write_manifest();
  const auto artifacts = world.state_dir() / "rust-core" / "artifacts";
  std::filesystem::create_directories(artifacts);
  const int mark = ::open((world.state_dir() / "daemon.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(mark, 0);
  struct flock l {};
  l.l_type = F_WRLCK;
  l.l_whence = SEEK_SET;
  ASSERT_EQ(::fcntl(mark, F_OFD_SETLK, &l), 0);
  ASSERT_EQ(::pwrite(mark, "4242\n", 5, 0), 5);
  std::ofstream(artifacts / "current") << std::string(64, '0') << "\n";

  auto rt = Runtime::open({.manifest = world.manifest_file(), .mode = Mode::follow, .log = [](std::string_view) {}});
  auto s = rt->status();
  EXPECT_TRUE(s.daemon_running);
  EXPECT_EQ(s.daemon_pid, 4242);
  EXPECT_TRUE(runtime_all_on(*rt, "cpp")) << s.to_json();
  EXPECT_NE(s.reason.find("has not accepted an artifact"), std::string::npos) << s.reason;

  // Garbage where the record of the current artifact should be.
  const auto sha = std::string(64, 'a');
  std::filesystem::create_directories(artifacts / sha);
  std::ofstream(artifacts / sha / "record") << "\x01\x02 not a record";
  std::ofstream(artifacts / "current.tmp") << sha << "\n";
  std::filesystem::rename(artifacts / "current.tmp", artifacts / "current");
  BloomFilter bloom = rt->bloom_filter();
  for (int i = 0; i < 200; ++i) EXPECT_TRUE(bloom.insert("k" + std::to_string(i)));
  EXPECT_TRUE(runtime_all_on(*rt, "cpp")) << rt->status().to_json();
  EXPECT_FALSE(rt->status().reason.empty());
  ::close(mark);
  EXPECT_TRUE(eventually([&] { return !rt->status().daemon_running; }, 10s));
}

TEST(RuntimeOpen, ManifestErrorsAndUnknownComponentsAreErrors) {
  RustCoreWorld world;
  world.write_manifest();
  {
    std::ofstream(world.root() / "bad.yaml") << "version: 1\nsettings:\n  check_interval: often\n";
    try {
      Runtime::open({.manifest = world.root() / "bad.yaml"});
      ADD_FAILURE() << "a bad manifest opened";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("bad.yaml:3:"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(Runtime::open({.manifest = world.root() / "missing.yaml"}), Error);
  try {  // an application compiled against another major of the runtime
    Runtime::open({.manifest = world.manifest_file(), .compiled_major = kRuntimeVersionMajor + 1});
    ADD_FAILURE() << "another major opened";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("compiled against selfheal runtime"), std::string::npos) << e.what();
  }
  auto rt = Runtime::open({.manifest = world.manifest_file(), .log = [](std::string_view) {}});
  EXPECT_THROW(rt->bloom_filter("no_such_component"), Error);
  EXPECT_THROW(rt->memory_pool("bloom_filter"), Error);  // a component of another kind
  MemoryPool pool = rt->memory_pool();
  EXPECT_THROW(pool.release(PoolBuffer{nullptr, 64, 12345}), Error);
}

}  // namespace
}  // namespace selfheal::testing
