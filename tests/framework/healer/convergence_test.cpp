// Convergence with real cargo: an edit that leaves the artifact's bytes as they were (a comment)
// must not keep the crate "stale" for ever, and a chain whose strategies succeed without
// changing the diagnosis stops with that reason instead of being retried for ever.
#include <gtest/gtest.h>
#include <poll.h>

#include <chrono>
#include <fstream>

#include "core/sha256.hpp"
#include "healer_harness.hpp"

namespace selfheal::testing {
namespace {

HarnessOptions rust_core_with_stale_artifact() {
  HarnessOptions o;
  o.crate_source = "plugins/components/rust-core";
  o.library = "selfheal_rust_core";
  o.components = true;
  o.diagnosers.push_back("stale_artifact");
  o.diagnoser_config["corrupted_binary"] = "{required_symbols: [selfheal_abi_version, selfheal_build_info]}";
  o.issues = {{"stale_artifact", "[build]"}};
  return o;
}

// not_built mapped to a strategy that succeeds and changes nothing: a chain that cannot converge.
HarnessOptions idle_chain_for_not_built() {
  HarnessOptions o;
  o.extra_strategies = std::string("    - name: idle\n      library: ") + SELFHEAL_FIXTURE_PLUGIN_DIR +
                       "/fixture-idle-strategy.so\n";
  o.issues["not_built"] = "[idle]";
  return o;
}

bool all_rust(HealerHarness& h) {
  const auto status = h.host().components().status();
  bool rust = status.components.size() == 3;
  for (const auto& c : status.components) rust = rust && c.active == "rust";
  return rust;
}

TEST(Convergence, AnEditThatLeavesTheArtifactUnchangedConvergesAndSurvivesARestart) {
  HealerHarness h(rust_core_with_stale_artifact());
  h.build_healthy();
  h.host().components().check();  // stores the artifact with its fingerprint, moves to Rust
  ASSERT_TRUE(all_rust(h));
  const auto before = sha256_file(h.artifact());

  std::ofstream(h.crate_dir() / "src/lib.rs", std::ios::app) << "\n// a comment changes no byte of the output\n";
  auto report = h.diagnose();
  ASSERT_TRUE(report.diagnosis);
  EXPECT_EQ(report.diagnosis->issue_type, "stale_artifact");

  auto outcome = h.fix();
  ASSERT_EQ(sha256_file(h.artifact()), before) << "the premise: a comment leaves the artifact's bytes as they were";
  EXPECT_TRUE(outcome.success) << outcome.error.value_or("");
  EXPECT_EQ(outcome.strategy_used, "build");
  EXPECT_FALSE(h.diagnose().diagnosis) << "the same bytes now carry the fingerprint they were built from";

  // A clean build gives the same bytes again and converges too.
  std::ofstream(h.crate_dir() / "src/lib.rs", std::ios::app) << "// and another\n";
  FixRequest clean;
  clean.clean = true;
  clean.trigger = "clean-build";
  auto cleaned = h.host().healer().fix(clean);
  EXPECT_TRUE(cleaned.success) << cleaned.error.value_or("");
  EXPECT_FALSE(h.diagnose().diagnosis);

  // After a restart, prefer: rust runs Rust again: the same bytes are not refused.
  h.restart();
  h.host().components().check();
  EXPECT_TRUE(all_rust(h));
}

TEST(Convergence, AChainThatCannotChangeTheDiagnosisStopsWithThatReason) {
  HealerHarness h(idle_chain_for_not_built());
  auto outcome = h.fix();
  EXPECT_FALSE(outcome.success);
  EXPECT_NE(outcome.error.value_or("").find("changed the diagnosis"), std::string::npos)
      << outcome.error.value_or("");
  ASSERT_EQ(h.host().history().totals().attempts, 1);
  // Automatic checks leave it alone, however often the retry policy (cap 50 ms) would allow one.
  for (int round = 0; round < 5; ++round) {
    ::poll(nullptr, 0, 60);  // past the backoff cap, so only the healer's judgement stops a retry
    h.host().healer().check_once();
  }
  EXPECT_EQ(h.host().history().totals().attempts, 1) << "a fix that cannot converge was retried";
  // A manual fix still runs (and says the same), and a changed diagnosis is tried again.
  EXPECT_FALSE(h.fix().success);
  EXPECT_EQ(h.host().history().totals().attempts, 2);
}

// The same diagnosis over edited sources is a new situation: the automatic check tries again
// (the chaos test once ended stuck on "abi_version is 2" after the bump was undone mid-chain).
TEST(Convergence, AStuckChainIsTriedAgainOnceTheSourcesChange) {
  HealerHarness h(idle_chain_for_not_built());
  const auto stuck = h.fix();
  EXPECT_NE(stuck.error.value_or("").find("or the crate's sources change"), std::string::npos)
      << stuck.error.value_or("");
  ASSERT_EQ(h.host().history().totals().attempts, 1);
  ::poll(nullptr, 0, 60);  // past the backoff cap: only the healer's judgement holds it now
  h.host().healer().check_once();
  ASSERT_EQ(h.host().history().totals().attempts, 1) << "retried with nothing changed";
  std::ofstream(h.crate_dir() / "src/lib.rs", std::ios::app) << "\n// edited\n";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (h.host().history().totals().attempts < 2 && std::chrono::steady_clock::now() < deadline) {
    h.host().healer().check_once();  // the retry policy's backoff (cap 50 ms) may hold it a moment
    ::poll(nullptr, 0, 10);
  }
  EXPECT_EQ(h.host().history().totals().attempts, 2) << "edited sources were not tried again";
}

TEST(Convergence, AChainGoesOnPastAStrategyThatChangedNothing) {
  HarnessOptions o;
  o.extra_strategies = std::string("    - name: idle\n      library: ") + SELFHEAL_FIXTURE_PLUGIN_DIR +
                       "/fixture-idle-strategy.so\n";
  o.issues["not_built"] = "[idle, build]";
  HealerHarness h(o);
  auto outcome = h.fix();
  EXPECT_TRUE(outcome.success) << outcome.error.value_or("");
  ASSERT_EQ(outcome.attempts.size(), 2u);
  EXPECT_FALSE(outcome.attempts[0].details["diagnosis_changed"].as_bool(true));
}

}  // namespace
}  // namespace selfheal::testing
