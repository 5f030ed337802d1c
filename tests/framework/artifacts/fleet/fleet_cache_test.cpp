// A fleet of two hosts sharing builds through a real redis-server on a loopback port: host A
// builds and publishes; host B, with its own state folder and its own copy of the crate whose
// target/ never had the artifact, recovers with restore_from_cache from the fleet without running
// cargo. A tampered entry, an entry under the wrong fingerprint, a host whose sources differ and
// a Redis that is down all end in a build, never in loading the other host's bytes. Cargo runs
// are counted by a wrapper put first on each host's toolchain path. Every host here signs with
// the fleet's key and trusts it (fleet_fixture.hpp); forged entries: fleet_signing_test.cpp.
#include "fleet_fixture.hpp"
#include "api/metrics_view.hpp"

namespace selfheal::testing {
namespace {

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
