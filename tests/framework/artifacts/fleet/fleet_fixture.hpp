// The fleet tests' fixture: a real redis-server on a loopback port and hosts (each a healer
// harness on its own copy of the tiny crate) whose manifests have a fleet section. By default
// every host signs with the same fleet key and trusts it; tests that need other keys say so.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <memory>

#include "../../crypto/test_keys.hpp"
#include "../../healer/healer_harness.hpp"
#include "core/sha256.hpp"
#include "redis_server.hpp"

namespace selfheal::testing {

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
    root_ = fs::temp_directory_path() / ("selfheal-fleet-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(std::random_device{}()));
    std::string why;
    ASSERT_TRUE(redis_.start(root_ / "redis", why)) << why;
    client_ = std::make_unique<RedisClient>(redis_.endpoint());
    key_ = make_test_key(root_ / "keys", "fleet");
  }
  void TearDown() override {
    redis_.stop();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // The fleet section's key options for a host that signs with `signing` (may be null) and
  // trusts `trusted` (a YAML value: a file, a folder or a list; empty: no trusted_keys).
  static std::string keys(const TestKey* signing, const std::string& trusted) {
    std::string out;
    if (signing) out += ", signing_key: \"" + signing->private_file.string() + "\"";
    if (!trusted.empty()) out += ", trusted_keys: " + trusted;
    return out;
  }
  static std::string file_list(std::initializer_list<const TestKey*> keys) {
    std::string out;
    for (const auto* k : keys)
      out += (out.empty() ? "" : ", ") + ("\"" + k->public_file.string() + "\"");
    return "[" + out + "]";
  }

  // A host that signs with the fleet key and trusts it.
  FleetHost make_host(const std::string& fleet_options = "") {
    return make_host_with_keys(keys(&key_, file_list({&key_})) + fleet_options);
  }
  // `restore_only`: a host whose chains only restore (never build), to see quickly and without
  // cargo what it would load from the fleet.
  FleetHost make_host_with_keys(const std::string& fleet_options, bool restore_only = false) {
    HarnessOptions o;
    o.extra_strategies =
        "    - name: restore_from_cache\n      library: strategy-restore-from-cache.so\n";
    o.issues = {
        {"not_built", restore_only ? "[restore_from_cache]" : "[restore_from_cache, build]"},
        {"corrupted_binary",
         restore_only ? "[restore_from_cache]" : "[restore_from_cache, clean_build]"}};
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
                                       cargo.parent_path().string() + "]\n" + "fleet: { redis: \"" +
                                       redis_.address() + "\", key_prefix: " + prefix_ +
                                       ", timeout_ms: 1000" + fleet_options + " }\n";
    fh.h().write_manifest();
    return fh;
  }

  // The same crate as `built` deploys it: with the Cargo.lock the first build wrote (the tiny
  // fixture has none; without it the sources, hence the fingerprints, differ and nothing is
  // shared).
  static void same_lock_as(FleetHost& built, FleetHost& other) {
    fs::copy_file(built.h().crate_dir() / "Cargo.lock", other.h().crate_dir() / "Cargo.lock",
                  fs::copy_options::overwrite_existing);
  }

  RedisClient& redis() { return *client_; }
  std::string key(const std::string& fingerprint) const {
    return prefix_ + ":artifact:" + fingerprint;
  }
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
    EXPECT_EQ(field(fingerprint, "key_id"), key_.id) << "published entries are signed";
    EXPECT_EQ(field(fingerprint, "signature").size(), 64u);
    return fingerprint;
  }

  fs::path root_;
  RedisServer redis_;
  std::unique_ptr<RedisClient> client_;  // the test's own view of the server
  std::string prefix_ = "fleet-test";
  TestKey key_;  // the fleet's key: every make_host() signs with it and trusts it
};

}  // namespace selfheal::testing
