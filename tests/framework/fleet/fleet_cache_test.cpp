// A fleet of two hosts sharing builds through a real redis-server on a loopback port: host A
// builds and publishes; host B, with its own state folder and its own copy of the crate whose
// target/ never had the artifact, recovers with restore_from_cache from the fleet without running
// cargo. A tampered entry, an entry under the wrong fingerprint, a host whose sources differ and
// a Redis that is down all end in a build, never in loading the other host's bytes. Cargo runs
// are counted by a wrapper put first on each host's toolchain path.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <memory>

#include "../healer/healer_harness.hpp"
#include "core/sha256.hpp"
#include "http/metrics_view.hpp"
#include "redis_server.hpp"

namespace selfheal::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// One host of the fleet: a harness on its own copy of the tiny crate, with restore_from_cache in
// the chains, a counting cargo, and the fleet section.
struct FleetHost {
  std::unique_ptr<HealerHarness> harness;
  fs::path counter;

  HealerHarness& h() { return *harness; }
  Host& host() { return harness->host(); }
  FleetCache& fleet() { return *harness->host().fleet(); }
  int cargo_runs() const {
    std::ifstream in(counter);
    int n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }
};

class FleetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (RedisServer::program().empty())
      GTEST_SKIP() << "redis-server is not installed (Debian package redis-server; "
                      "scripts/install-deps.sh installs it): the fleet tests need a real one";
    ASSERT_FALSE(real_cargo().empty()) << "no cargo on this machine";
    root_ = fs::temp_directory_path() /
            ("selfheal-fleet-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    std::string why;
    ASSERT_TRUE(redis_.start(root_ / "redis", why)) << why;
    client_ = std::make_unique<RedisClient>(redis_.endpoint());
  }
  void TearDown() override {
    redis_.stop();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  FleetHost make_host(const std::string& fleet_options = "") {
    HarnessOptions o;
    o.extra_strategies = "    - name: restore_from_cache\n      library: strategy-restore-from-cache.so\n";
    o.issues = {{"not_built", "[restore_from_cache, build]"},
                {"corrupted_binary", "[restore_from_cache, clean_build]"}};
    FleetHost fh;
    fh.harness = std::make_unique<HealerHarness>(o);
    const auto cargo = real_cargo();
    const auto dir = fh.h().root() / "counting-cargo";
    fs::create_directories(dir);
    fh.counter = fh.h().root() / "cargo-runs";
    std::ofstream(dir / "cargo") << "#!/bin/sh\necho run >> '" << fh.counter.string() << "'\nexec '"
                                 << cargo.string() << "' \"$@\"\n";
    fs::permissions(dir / "cargo", fs::perms::owner_all);
    // The harness writes extra_settings last before `crates:`, so a line at column 0 here is a
    // top-level key: the fleet section.
    fh.h().options().extra_settings += "  toolchain_path: [" + dir.string() + ", " +
                                       cargo.parent_path().string() + "]\n" +
                                       "fleet: { redis: \"" + redis_.address() +
                                       "\", key_prefix: " + prefix_ + ", timeout_ms: 1000" +
                                       fleet_options + " }\n";
    fh.h().write_manifest();
    return fh;
  }

  // The same crate as `built` deploys it: with the Cargo.lock the first build wrote (the tiny
  // fixture has none; without it the sources, hence the fingerprints, differ and nothing is shared).
  static void same_lock_as(FleetHost& built, FleetHost& other) {
    fs::copy_file(built.h().crate_dir() / "Cargo.lock", other.h().crate_dir() / "Cargo.lock",
                  fs::copy_options::overwrite_existing);
  }

  RedisClient& redis() { return *client_; }
  std::string key(const std::string& fingerprint) const { return prefix_ + ":artifact:" + fingerprint; }
  std::string field(const std::string& fingerprint, const std::string& name) {
    auto r = redis().command({"HGET", key(fingerprint), name});
    return r.ok() ? r.value().text : std::string("<redis: " + r.status().message + ">");
  }
  long long key_count() {
    auto r = redis().command({"KEYS", prefix_ + ":artifact:*"});
    return r.ok() ? static_cast<long long>(r.value().elements.size()) : -1;
  }
  // Builds on `a`, lets its component check accept the artifact into the store, and waits for
  // the publish. Returns the fingerprint ("" after a failure).
  std::string build_and_publish(FleetHost& a) {
    a.h().build_healthy();
    a.host().components().check();
    auto* store = a.host().store("tiny");
    if (!store->current()) {
      ADD_FAILURE() << "the store did not accept the build";
      return {};
    }
    const auto fingerprint = store->fingerprint_of(store->current()->sha256);
    EXPECT_FALSE(fingerprint.empty());
    EXPECT_TRUE(a.fleet().wait_idle(30s));
    EXPECT_EQ(a.fleet().counters().publishes, 1u);
    EXPECT_EQ(field(fingerprint, "sha256"), store->current()->sha256);
    EXPECT_EQ(field(fingerprint, "fingerprint"), fingerprint);
    return fingerprint;
  }

  fs::path root_;
  RedisServer redis_;
  std::unique_ptr<RedisClient> client_;  // the test's own view of the server
  std::string prefix_ = "fleet-test";
};

TEST_F(FleetTest, TheSecondHostRecoversFromTheFleetWithZeroCargoRuns) {
  FleetHost a = make_host();
  const auto fingerprint = build_and_publish(a);
  ASSERT_FALSE(fingerprint.empty());
  const auto published_sha = a.host().store("tiny")->current()->sha256;
  ASSERT_GE(a.cargo_runs(), 1);

  FleetHost b = make_host();
  same_lock_as(a, b);
  ASSERT_FALSE(fs::exists(b.h().crate_dir() / "target")) << "host B's crate must never have been built";
  ASSERT_EQ(b.h().diagnose().diagnosis->issue_type, "not_built");
  auto outcome = b.h().fix();
  ASSERT_TRUE(outcome.success) << outcome.error.value_or("");
  EXPECT_EQ(outcome.strategy_used, "restore_from_cache");
  EXPECT_EQ(b.cargo_runs(), 0) << "host B ran cargo although the fleet had its artifact";
  EXPECT_EQ(sha256_file(b.h().artifact()).value_or(""), published_sha);
  EXPECT_FALSE(b.h().diagnose().diagnosis);
  // B's store holds the fleet's copy, indexed by the same fingerprint, and says where it came from.
  auto* store_b = b.host().store("tiny");
  ASSERT_TRUE(store_b->find(fingerprint));
  EXPECT_EQ(store_b->origin_of(published_sha).rfind("fleet ", 0), 0u) << store_b->origin_of(published_sha);
  EXPECT_EQ(store_b->current()->sha256, published_sha) << "the component check accepts the restored artifact";
  auto counters = b.fleet().counters();
  EXPECT_EQ(counters.fetch_hits, 1u);
  EXPECT_EQ(counters.fetch_refused, 0u);
  EXPECT_EQ(counters.errors, 0u);
  // B does not publish what the fleet already has.
  EXPECT_TRUE(b.fleet().wait_idle(30s));
  EXPECT_EQ(b.fleet().counters().publishes, 0u);
  EXPECT_NE(http::fleet_metrics_text(counters).find("selfheal_fleet_fetches_total{result=\"hit\"} 1\n"),
            std::string::npos);

  // Deleted again: now the local store has it, and the fleet is not asked.
  fs::remove(b.h().artifact());
  outcome = b.h().fix();
  ASSERT_TRUE(outcome.success) << outcome.error.value_or("");
  EXPECT_EQ(outcome.strategy_used, "restore_from_cache");
  EXPECT_EQ(b.cargo_runs(), 0);
  EXPECT_EQ(b.fleet().counters().fetch_hits, 1u);
  EXPECT_EQ(b.fleet().counters().fetch_misses, 0u);
}

TEST_F(FleetTest, ATamperedPublishedBlobIsRefusedAndTheHostBuilds) {
  FleetHost a = make_host();
  const auto fingerprint = build_and_publish(a);
  ASSERT_FALSE(fingerprint.empty());
  // One byte of the published bytes changes; the recorded sha256 stays.
  std::string bytes = field(fingerprint, "bytes");
  ASSERT_GT(bytes.size(), 200u);
  bytes[150] = static_cast<char>(bytes[150] ^ 0x5a);
  ASSERT_TRUE(redis().command({"HSET", key(fingerprint), "bytes", bytes}).ok());

  FleetHost b = make_host();
  same_lock_as(a, b);
  auto outcome = b.h().fix();
  ASSERT_TRUE(outcome.success) << outcome.error.value_or("");
  EXPECT_EQ(outcome.strategy_used, "build");
  EXPECT_GE(b.cargo_runs(), 1);
  const auto built_sha = sha256_file(b.h().artifact()).value_or("");
  EXPECT_NE(built_sha, sha256_hex(bytes)) << "the tampered bytes were loaded";
  EXPECT_EQ(b.fleet().counters().fetch_refused, 1u);
  EXPECT_EQ(b.fleet().counters().fetch_hits, 0u);
  EXPECT_FALSE(b.host().store("tiny")->find(fingerprint) &&
               b.host().store("tiny")->find(fingerprint)->sha256 == sha256_hex(bytes));
  // B's own build replaces the entry it refused, so the fleet heals too.
  b.host().components().check();
  ASSERT_TRUE(b.fleet().wait_idle(30s));
  EXPECT_EQ(b.fleet().counters().publishes, 1u);
  EXPECT_EQ(field(fingerprint, "sha256"), built_sha);
  EXPECT_EQ(sha256_hex(field(fingerprint, "bytes")), built_sha);
}

TEST_F(FleetTest, AnEntryWhoseFingerprintDiffersFromItsKeyIsRefused) {
  FleetHost a = make_host();
  const auto fingerprint = build_and_publish(a);
  ASSERT_FALSE(fingerprint.empty());
  // B's sources differ, so its fingerprint does; someone copies A's entry under B's key.
  FleetHost b = make_host();
  same_lock_as(a, b);
  std::ofstream(b.h().crate_dir() / "src/lib.rs", std::ios::app)
      << "\n#[no_mangle]\npub extern \"C\" fn selfheal_tiny_fleet_b() -> i32 { 2 }\n";
  b.h().build_healthy();
  b.host().components().check();
  ASSERT_TRUE(b.fleet().wait_idle(30s));
  auto* store_b = b.host().store("tiny");
  const auto fingerprint_b = store_b->fingerprint_of(store_b->current()->sha256);
  ASSERT_NE(fingerprint_b, fingerprint);
  ASSERT_TRUE(redis().command({"COPY", key(fingerprint), key(fingerprint_b), "REPLACE"}).ok());
  ASSERT_EQ(field(fingerprint_b, "fingerprint"), fingerprint);
  // B loses its artifact and its local store: only the fleet could give it back.
  b.h().restart();
  fs::remove_all(b.h().crate_dir() / "target");
  fs::remove_all(b.h().state_dir() / "tiny" / "artifacts");
  const int runs = b.cargo_runs();
  auto outcome = b.h().fix();
  ASSERT_TRUE(outcome.success) << outcome.error.value_or("");
  EXPECT_EQ(outcome.strategy_used, "build");
  EXPECT_GT(b.cargo_runs(), runs);
  EXPECT_EQ(b.fleet().counters().fetch_refused, 1u);
  EXPECT_NE(sha256_file(b.h().artifact()).value_or(""), field(fingerprint, "sha256"));
}

TEST_F(FleetTest, AHostWithEditedSourcesNeverGetsTheOthersArtifact) {
  FleetHost a = make_host();
  const auto fingerprint = build_and_publish(a);
  ASSERT_FALSE(fingerprint.empty());
  const auto published_sha = a.host().store("tiny")->current()->sha256;

  FleetHost b = make_host();
  same_lock_as(a, b);
  std::ofstream(b.h().crate_dir() / "src/lib.rs", std::ios::app)
      << "\n#[no_mangle]\npub extern \"C\" fn selfheal_tiny_fleet_b() -> i32 { 2 }\n";
  auto outcome = b.h().fix();
  ASSERT_TRUE(outcome.success) << outcome.error.value_or("");
  EXPECT_EQ(outcome.strategy_used, "build");
  EXPECT_GE(b.cargo_runs(), 1);
  EXPECT_NE(sha256_file(b.h().artifact()).value_or(""), published_sha);
  EXPECT_EQ(b.fleet().counters().fetch_misses, 1u);
  EXPECT_EQ(b.fleet().counters().fetch_hits, 0u);
  EXPECT_FALSE(b.host().store("tiny")->find(fingerprint)) << "B imported A's artifact";
  // B publishes under its own fingerprint; A's entry stays as it was.
  b.host().components().check();
  ASSERT_TRUE(b.fleet().wait_idle(30s));
  EXPECT_EQ(key_count(), 2);
  EXPECT_EQ(field(fingerprint, "sha256"), published_sha);
}

TEST_F(FleetTest, WithRedisDownTheHostBuildsAndCarriesOn) {
  FleetHost a = make_host();
  ASSERT_FALSE(build_and_publish(a).empty());
  // B would have found A's artifact, but the fleet's Redis is gone.
  FleetHost b = make_host();
  same_lock_as(a, b);
  redis_.stop();
  auto outcome = b.h().fix();
  ASSERT_TRUE(outcome.success) << outcome.error.value_or("");
  EXPECT_EQ(outcome.strategy_used, "build");
  EXPECT_GE(b.cargo_runs(), 1);
  EXPECT_FALSE(b.h().diagnose().diagnosis);
  b.host().components().check();  // accepts and tries to publish: off the caller's thread
  EXPECT_TRUE(b.fleet().wait_idle(30s));
  EXPECT_GE(b.fleet().counters().errors, 1u);
  EXPECT_EQ(b.fleet().counters().publishes, 0u);
  EXPECT_EQ(b.fleet().counters().fetch_hits, 0u);
}

TEST_F(FleetTest, PublishFalseKeepsTheBuildLocal) {
  FleetHost a = make_host(", publish: false");
  a.h().build_healthy();
  a.host().components().check();
  ASSERT_TRUE(a.host().store("tiny")->current());
  EXPECT_TRUE(a.fleet().wait_idle(30s));
  EXPECT_EQ(a.fleet().counters().publishes, 0u);
  EXPECT_EQ(key_count(), 0);
}

}  // namespace
}  // namespace selfheal::testing
