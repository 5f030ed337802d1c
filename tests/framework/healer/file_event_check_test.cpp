// Checks on file events, on a real host with the loops `selfheal serve` runs (component loader,
// healer, file watcher) and a check interval of an hour: an artifact deleted from target/ is seen
// and rebuilt without a request and without waiting for the interval.
#include <gtest/gtest.h>

#include "healer_harness.hpp"

namespace selfheal::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

HarnessOptions watching_options() {
  HarnessOptions o;
  o.diagnosers = {"build_failed", "not_built", "corrupted_binary"};
  o.extra_settings = "  check_interval: 3600\n  watch_debounce_ms: 100\n";
  return o;
}

int auto_fixes_of(Host& host, const std::string& issue) {
  int n = 0;
  for (const auto& a : host.history().recent(100))
    if (a.trigger == "auto" && a.issue_type == issue && a.success) ++n;
  return n;
}

// What the component loader last said about the bloom filter's Rust implementation.
std::string rust_error(Host& host) {
  for (const auto& c : host.components().status().components)
    if (c.name == "bloom_filter")
      for (const auto& i : c.implementations)
        if (i.name == "rust") return i.error;
  return "?";
}

// Deterministic: the healer's loop does not run, and the checks the fix's own file events cause
// (the build wrote target/) are seen to be over before the artifact goes: the watcher has no
// burst pending and the loader neither checks nor has a check requested. Every check after that
// comes from the watcher, which counts it before it asks. (Taking the baseline right after the
// fix let a check of the fix's burst, already running, see the deletion first: CI saw `checks`
// 2 vs 2.)
TEST(FileEventCheck, TheComponentLoaderSeesADeletedArtifactWithoutARequest) {
  HarnessOptions o = watching_options();
  o.components = true;
  HealerHarness h(o);
  Host& host = h.host();
  host.components().start();
  host.start_watching();
  ASSERT_TRUE(host.file_watch().watching);
  // The start-up check: never built.
  ASSERT_TRUE(eventually([&] { return rust_error(host).rfind("not_built", 0) == 0; }, 60s))
      << rust_error(host);
  // An operator's fix; the loader checks once more when it ends (on the fixing thread).
  ASSERT_TRUE(h.fix().success);
  ASSERT_EQ(rust_error(host).rfind("not_built", 0), std::string::npos) << rust_error(host);
  ASSERT_TRUE(eventually([&] { return !host.file_watch().pending && host.components().status().idle; }, 30s));
  const auto checks_before = host.file_watch().checks;

  fs::remove(h.artifact());
  EXPECT_TRUE(eventually([&] { return rust_error(host).rfind("not_built", 0) == 0; }, 30s))
      << "the loader did not see the artifact go: " << rust_error(host);
  EXPECT_GT(host.file_watch().checks, checks_before);
  host.stop_watching();
  host.components().stop();
}

// End to end, as `selfheal serve` runs: the healer rebuilds. (Its start-up checks could in
// principle see the deletion too; the test above is the one that only the watcher can pass.)
TEST(FileEventCheck, AnArtifactDeletedFromTargetIsRebuiltWithoutARequest) {
  HealerHarness h(watching_options());
  h.build_healthy();
  Host& host = h.host();
  host.healer().start();
  host.components().start();
  host.start_watching();
  ASSERT_TRUE(host.file_watch().watching);
  // The start-up checks: the component loader accepts the artifact into the store.
  ASSERT_TRUE(eventually([&] { return host.store("tiny")->current().has_value(); }, 60s));
  const auto checks_before = host.file_watch().checks;
  ASSERT_EQ(auto_fixes_of(host, "not_built"), 0);

  fs::remove(h.artifact());
  ASSERT_TRUE(eventually([&] { return auto_fixes_of(host, "not_built") == 1; }, 120s))
      << "no automatic fix after the artifact was deleted";
  EXPECT_TRUE(fs::exists(h.artifact()));
  EXPECT_TRUE(eventually([&] { return host.file_watch().checks > checks_before; }));
  host.stop_watching();
  host.components().stop();
  host.healer().stop();
}

TEST(FileEventCheck, WatchingIsOffWithAZeroDebounce) {
  HarnessOptions o;
  o.diagnosers = {"not_built"};
  o.extra_settings = "  watch_debounce_ms: 0\n";
  HealerHarness h(o);
  h.host().start_watching();
  EXPECT_FALSE(h.host().file_watch().watching);
  EXPECT_EQ(h.host().file_watch().folders, 0u);
}

}  // namespace
}  // namespace selfheal::testing
