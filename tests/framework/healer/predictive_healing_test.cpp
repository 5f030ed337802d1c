// Predictive healing with real cargo on a copy of rust-core: a change that would break the next
// build or load (sources edited, the toolchain changed) is found while the current artifact keeps
// serving; the host rebuilds, and the components move to the new artifact through the normal
// probe and upgrade.
#include <gtest/gtest.h>

#include <fstream>

#include "healer_harness.hpp"

namespace selfheal::testing {
namespace {

namespace fs = std::filesystem;

HarnessOptions rust_core_with_predictive_diagnosers() {
  HarnessOptions o;
  o.crate_source = "plugins/components/rust-core";
  o.library = "selfheal_rust_core";
  o.components = true;
  o.diagnosers.push_back("stale_artifact");
  o.diagnoser_config["corrupted_binary"] = "{required_symbols: [selfheal_abi_version, selfheal_build_info]}";
  o.issues = {{"stale_artifact", "[build]"}};
  return o;
}

struct Components {
  bool all_rust = true;
  std::uint64_t switches = 0;
};
Components components(HealerHarness& h) {
  Components out;
  const auto status = h.host().components().status();
  out.all_rust = status.components.size() == 3;
  for (const auto& c : status.components) {
    out.all_rust = out.all_rust && c.active == "rust";
    out.switches += c.switches;
  }
  return out;
}

void build_serve_and_store(HealerHarness& h) {
  h.build_healthy();
  h.host().components().check();  // stores the artifact (with its fingerprint), moves to Rust
  ASSERT_TRUE(components(h).all_rust);
  ASSERT_FALSE(h.diagnose().diagnosis);
}

TEST(PredictiveHealing, EditedSourcesAreRebuiltWhileTheOldArtifactServes) {
  HealerHarness h(rust_core_with_predictive_diagnosers());
  build_serve_and_store(h);
  const auto before = components(h);

  std::ofstream(h.crate_dir() / "src/lib.rs", std::ios::app)
      << "\n#[no_mangle]\npub extern \"C\" fn selfheal_predictive_probe() -> u32 { 42 }\n";
  auto report = h.diagnose();
  ASSERT_TRUE(report.diagnosis);
  EXPECT_EQ(report.diagnosis->issue_type, "stale_artifact");
  EXPECT_NE(report.diagnosis->details["built_from"].as_string(), report.diagnosis->details["current"].as_string());
  // Nothing is broken yet: the components stay on the artifact they run.
  h.host().components().check();
  EXPECT_TRUE(components(h).all_rust);
  EXPECT_EQ(components(h).switches, before.switches);

  auto outcome = h.fix();
  ASSERT_TRUE(outcome.success) << outcome.error.value_or("");
  EXPECT_EQ(outcome.strategy_used, "build");
  EXPECT_FALSE(h.diagnose().diagnosis);
  const auto after = components(h);
  EXPECT_TRUE(after.all_rust);
  EXPECT_EQ(after.switches, before.switches + 3) << "each component moves to the rebuilt artifact";
}

TEST(PredictiveHealing, AToolchainChangeIsFoundAndRebuiltWithTheNewToolchain) {
  HealerHarness h(rust_core_with_predictive_diagnosers());
  h.options().issues["incompatible_version"] = "[clean_build]";
  const auto cargo = real_cargo();
  ASSERT_FALSE(cargo.empty());
  const auto real_bin = cargo.parent_path();
  h.options().extra_settings = "  toolchain_path: [" + (h.root() / "toolchain").string() + ", " +
                               real_bin.string() + "]\n";
  h.write_manifest();
  fs::create_directories(h.root() / "toolchain");
  build_serve_and_store(h);
  const auto before = components(h);

  // A "new" rustc: the same compiler under another version string, as an update would leave it.
  // cargo, build.rs (through $RUSTC) and the diagnosers all see the new version.
  const auto rustc = h.root() / "toolchain/rustc";
  std::ofstream(rustc) << "#!/bin/sh\ncase \"$*\" in\n  *-vV*|*--version*) '" << (real_bin / "rustc").string()
                       << "' \"$@\" | sed -e 's/^rustc \\([0-9.]*\\)/rustc \\1-selfheal-update/' ;;\n  *) exec '" << (real_bin / "rustc").string()
                       << "' \"$@\" ;;\nesac\n";
  fs::permissions(rustc, fs::perms::owner_all);
  std::ofstream(h.root() / "toolchain/cargo") << "#!/bin/sh\nRUSTC='" << rustc.string() << "' exec '"
                                              << cargo.string() << "' \"$@\"\n";
  fs::permissions(h.root() / "toolchain/cargo", fs::perms::owner_all);

  auto report = h.diagnose();
  ASSERT_TRUE(report.diagnosis);
  EXPECT_TRUE(report.diagnosis->issue_type == "incompatible_version" ||
              report.diagnosis->issue_type == "stale_artifact")
      << report.diagnosis->issue_type << ": " << report.diagnosis->summary;
  h.host().components().check();
  EXPECT_TRUE(components(h).all_rust) << "the running artifact keeps serving";

  auto outcome = h.fix();
  ASSERT_TRUE(outcome.success) << outcome.error.value_or("") << "\n" << h.read(h.state_dir() / "tiny" / "build.log");
  EXPECT_FALSE(h.diagnose().diagnosis);
  const auto after = components(h);
  EXPECT_TRUE(after.all_rust);
  EXPECT_EQ(after.switches, before.switches + 3);
}

}  // namespace
}  // namespace selfheal::testing
