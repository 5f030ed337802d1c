// Loading the fixture plugins through the real probe: what loads, and what is refused and why.
#include <gtest/gtest.h>

#include "core/sha256.hpp"
#include "loader_test_support.hpp"
#include "selfheal/sdk/bloom_filter.hpp"
#include "selfheal/sdk/component.hpp"
#include "selfheal/sdk/diagnoser.hpp"
#include "selfheal/sdk/state_view.hpp"
#include "selfheal/sdk/strategy.hpp"

namespace selfheal {
namespace {

using testing::contains;
using testing::fixture;

class PluginLoaderTest : public ::testing::Test {
 protected:
  PosixProcessRunner runner;
  sdk::testing::CapturingLogger log;
  testing::TempDir store;  // the loader's plugin store
  PluginLoader loader{testing::probe_program(), store.path(), runner, log};

  PluginRecord load_strategy(const std::string& stem, const std::string& name) {
    return loader.load(testing::strategy_spec(name, fixture(stem)));
  }
  void expect_failed(const PluginRecord& r, const std::string& reason) {
    EXPECT_EQ(r.status, LoadStatus::failed) << r.error;
    EXPECT_FALSE(r.object);
    EXPECT_TRUE(contains(r.error, r.spec.library.string()));
    EXPECT_TRUE(contains(r.error, reason));
  }
};

TEST_F(PluginLoaderTest, GoodStrategyLoadsAndWorks) {
  auto r = load_strategy("good-strategy", "good-strategy");
  ASSERT_EQ(r.status, LoadStatus::loaded) << r.error;
  EXPECT_TRUE(r.error.empty());
  ASSERT_TRUE(r.descriptor);
  EXPECT_EQ(r.descriptor->kind, sdk::PluginKind::strategy);
  EXPECT_EQ(r.descriptor->name, "good-strategy");
  EXPECT_EQ(r.descriptor->version, "1.2.3");
  EXPECT_EQ(r.descriptor->description, "a working strategy for the loader tests");
  EXPECT_EQ(r.descriptor->api_major, static_cast<std::uint32_t>(SELFHEAL_SDK_VERSION_MAJOR));
  EXPECT_EQ(r.descriptor->api_minor, static_cast<std::uint32_t>(SELFHEAL_SDK_VERSION_MINOR));
  EXPECT_EQ(r.descriptor->cxx_abi_tag, SELFHEAL_CXX_ABI_TAG);
  EXPECT_EQ(r.sha256, sha256_file(fixture("good-strategy")).value_or("?"));
  EXPECT_EQ(r.loaded_from, store.path() / r.sha256 / "fixture-good-strategy.so");
  ASSERT_TRUE(r.object);

  auto* strategy = static_cast<sdk::Strategy*>(r.object.get());
  sdk::testing::FakeContext context;
  sdk::Diagnosis diagnosis;
  diagnosis.issue_type = "fixture_issue";
  EXPECT_TRUE(strategy->can_fix(diagnosis));
  auto result = strategy->apply(context, diagnosis);
  EXPECT_TRUE(result.success);
  EXPECT_EQ(result.message, "fixed fixture_issue");
}

TEST_F(PluginLoaderTest, Sha256AgreesWithCoreutils) {
  auto r = load_strategy("good-strategy", "good-strategy");
  sdk::ProcessSpec spec;
  spec.argv = {"sha256sum", fixture("good-strategy").string()};
  spec.inherit_environment = true;
  spec.timeout = std::chrono::seconds(30);
  auto run = runner.run(spec);
  ASSERT_TRUE(run.success()) << run.error;
  ASSERT_FALSE(run.tail.empty());
  EXPECT_EQ(run.tail.front().substr(0, 64), r.sha256);
}

TEST_F(PluginLoaderTest, GoodDiagnoserLoadsAndWorks) {
  auto r = loader.load(
      testing::spec(sdk::PluginKind::diagnoser, "good-diagnoser", fixture("good-diagnoser")));
  ASSERT_EQ(r.status, LoadStatus::loaded) << r.error;
  ASSERT_TRUE(r.descriptor);
  EXPECT_EQ(r.descriptor->kind, sdk::PluginKind::diagnoser);
  EXPECT_EQ(r.descriptor->version, "0.4.0");
  auto* diagnoser = static_cast<sdk::Diagnoser*>(r.object.get());
  EXPECT_EQ(diagnoser->issue_types(), std::vector<std::string>{"fixture_issue"});
  sdk::testing::FakeContext context;
  context.crate_paths.name = "demo-crate";
  auto d = diagnoser->diagnose(context);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->summary, "fixture diagnosis of demo-crate");
}

TEST_F(PluginLoaderTest, GoodComponentLoadsAndWorks) {
  auto r = loader.load(
      testing::spec(sdk::PluginKind::component, "good-component", fixture("good-component")));
  ASSERT_EQ(r.status, LoadStatus::loaded) << r.error;
  EXPECT_EQ(r.descriptor->kind, sdk::PluginKind::component);
  EXPECT_EQ(r.descriptor->version, "2.0.1");
  auto* component = static_cast<sdk::ComponentImplementation*>(r.object.get());
  EXPECT_EQ(component->component(), "fixture_component");
  EXPECT_EQ(component->implementation(), "cpp");
  EXPECT_EQ(r.component, "fixture_component");  // what it creates, recorded for the mapping check
  EXPECT_EQ(r.implementation, "cpp");
  auto made = component->create({});
  EXPECT_FALSE(made.ok());
  EXPECT_EQ(made.status().code, sdk::Errc::unavailable);
}

// The host's switch finds sdk::StateView on an instance made in a plugin library by a cross-cast
// across the library boundary (typeinfo of two modules): the built-in C++ filter, loaded as the
// host loads it.
TEST_F(PluginLoaderTest, ABuiltInFilterLendsItsStateViewAcrossTheLibraryBoundary) {
  auto r = loader.load(testing::spec(sdk::PluginKind::component, "bloom_filter_cpp",
                                     std::filesystem::path(SELFHEAL_PLUGIN_DIR) /
                                         "component-bloom-filter-cpp.so"));
  ASSERT_EQ(r.status, LoadStatus::loaded) << r.error;
  auto made = static_cast<sdk::ComponentImplementation*>(r.object.get())->create({});
  ASSERT_TRUE(made.ok()) << made.status().message;
  auto* filter = dynamic_cast<sdk::BloomFilter*>(made.value().get());
  ASSERT_NE(filter, nullptr);
  ASSERT_TRUE(filter->insert("across").ok());
  const auto* lender = dynamic_cast<const sdk::StateView*>(made.value().get());
  ASSERT_NE(lender, nullptr);
  const auto view = lender->state_view();
  EXPECT_EQ(std::vector<std::uint8_t>(view.begin(), view.end()), filter->export_state().value());
}

TEST_F(PluginLoaderTest, OtherMajorIsRefusedNamingBothVersions) {
  auto r = load_strategy("wrong-major", "wrong-major");
  expect_failed(r, "built against SDK 2.0, host provides SDK " + testing::kHostSdk + " (major must match)");
  ASSERT_TRUE(r.descriptor);  // the versions are reported even so
  EXPECT_EQ(r.descriptor->api_major, 2u);
  EXPECT_FALSE(r.sha256.empty());
}

TEST_F(PluginLoaderTest, NewerMinorIsRefusedNamingBothVersions) {
  const std::string plugin_sdk = std::to_string(SELFHEAL_SDK_VERSION_MAJOR) + "." +
                                 std::to_string(SELFHEAL_SDK_VERSION_MINOR + 1);
  expect_failed(load_strategy("newer-minor", "newer-minor"),
                "built against SDK " + plugin_sdk + ", host provides SDK " + testing::kHostSdk);
}

TEST_F(PluginLoaderTest, OtherCxxAbiIsRefused) {
  expect_failed(load_strategy("wrong-abi", "wrong-abi"),
                std::string("C++ ABI 'libstdc++/cxx98', host uses '") + SELFHEAL_CXX_ABI_TAG);
}

TEST_F(PluginLoaderTest, BadMagicIsRefused) {
  expect_failed(load_strategy("bad-magic", "bad-magic"), "magic 0xdeadbeef");
}

TEST_F(PluginLoaderTest, LibraryWithoutDescriptorIsRefused) {
  expect_failed(load_strategy("no-descriptor", "no-descriptor"),
                "no exported selfheal_plugin_descriptor");
}

TEST_F(PluginLoaderTest, DescriptorWithoutFactoryIsRefused) {
  expect_failed(load_strategy("no-factory", "no-factory"), "no exported factory");
}

TEST_F(PluginLoaderTest, ThrowingFactoryIsRefusedWithItsReason) {
  expect_failed(load_strategy("throwing-factory", "throwing-factory"), "factory failed: boom");
}

TEST_F(PluginLoaderTest, KindOtherThanTheManifestsIsRefused) {
  auto r = loader.load(
      testing::spec(sdk::PluginKind::diagnoser, "kind-mismatch", fixture("kind-mismatch")));
  expect_failed(r, "is a strategy plugin, the manifest lists it as a diagnoser");
}

TEST_F(PluginLoaderTest, NameOtherThanTheManifestsIsRefused) {
  auto r = load_strategy("name-mismatch", "name-mismatch");
  expect_failed(r, "plugin is named 'actual-name', the manifest expects 'name-mismatch'");
  ASSERT_TRUE(r.descriptor);
  EXPECT_EQ(r.descriptor->name, "actual-name");
}

TEST_F(PluginLoaderTest, MissingFileAndDirectoryAreRefused) {
  testing::TempDir dir;
  expect_failed(loader.load(testing::strategy_spec("x", dir / "missing.so")), "no such file");
  expect_failed(loader.load(testing::strategy_spec("x", dir.path())), "not a regular file");
}

TEST_F(PluginLoaderTest, MissingProbeProgramFailsWithoutQuarantine) {
  PluginLoader broken("/nonexistent/selfheal-probe", store.path(), runner, log);
  auto r = broken.load(testing::strategy_spec("good-strategy", fixture("good-strategy")));
  EXPECT_EQ(r.status, LoadStatus::failed);
  EXPECT_TRUE(contains(r.error, "cannot run the probe /nonexistent/selfheal-probe"));
}

TEST(PluginLoaderStatic, StatusNamesAndDefaultProbeProgram) {
  EXPECT_STREQ(to_string(LoadStatus::loaded), "loaded");
  EXPECT_STREQ(to_string(LoadStatus::failed), "failed");
  EXPECT_STREQ(to_string(LoadStatus::quarantined), "quarantined");
  EXPECT_EQ(PluginLoader::default_probe_program().filename(), "selfheal-probe");
  EXPECT_TRUE(PluginLoader::default_probe_program().is_absolute());
}

// The in-process checks stand on their own: with a runner that claims the probe accepted
// everything, the loader still refuses each bad descriptor before calling any C++ symbol.
TEST(PluginLoaderInProcess, RechecksTheDescriptorEvenWhenTheProbeAccepted) {
  sdk::testing::ScriptedProcessRunner yes;
  sdk::testing::CapturingLogger log;
  testing::TempDir store;
  PluginLoader loader("/unused/probe", store.path(), yes, log);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"wrong-major", "(major must match)"},
      {"newer-minor", "(minor must not be newer)"},
      {"wrong-abi", "C++ ABI 'libstdc++/cxx98'"},
      {"bad-magic", "magic 0xdeadbeef"},
      {"no-descriptor", "no exported selfheal_plugin_descriptor"},
      {"no-factory", "no exported factory"},
      {"throwing-factory", "factory failed: boom"},
  };
  for (const auto& [stem, reason] : cases) {
    yes.push_exit(0, {"result=ok"});
    auto r = loader.load(testing::strategy_spec(stem, fixture(stem)));
    EXPECT_EQ(r.status, LoadStatus::failed) << stem;
    EXPECT_TRUE(contains(r.error, fixture(stem).string())) << stem;
    EXPECT_TRUE(contains(r.error, reason)) << stem;
  }
  yes.push_exit(0, {"result=ok"});
  auto kind = loader.load(
      testing::spec(sdk::PluginKind::component, "kind-mismatch", fixture("kind-mismatch")));
  EXPECT_TRUE(contains(kind.error, "the manifest lists it as a component"));
  // The probe's argv is the documented one.
  ASSERT_FALSE(yes.calls().empty());
  // The probe opens the store's copy, never the manifest's file.
  const auto stored = store.path() / sha256_file(fixture("wrong-major")).value_or("?") /
                      "fixture-wrong-major.so";
  EXPECT_EQ(yes.calls().front(),
            (std::vector<std::string>{"/unused/probe", "plugin", stored.string(), "--kind",
                                      "strategy"}));
}

// A probe that ends without its protocol (e.g. a sanitizer's report and exit 1) is treated as
// a crash: quarantined, never loaded in-process.
TEST(PluginLoaderInProcess, ProbeWithoutVerdictQuarantines) {
  sdk::testing::ScriptedProcessRunner runner;
  sdk::testing::CapturingLogger log;
  testing::TempDir store;
  PluginLoader loader("/unused/probe", store.path(), runner, log);
  runner.push_exit(1, {"==1==ERROR: AddressSanitizer: SEGV on unknown address"});
  auto r = loader.load(testing::strategy_spec("good-strategy", fixture("good-strategy")));
  EXPECT_EQ(r.status, LoadStatus::quarantined);
  EXPECT_TRUE(contains(r.error, "without a verdict while loading " +
                                    fixture("good-strategy").string() + "; quarantined"));
  EXPECT_FALSE(r.object);

  runner.push_exit(0, {"api_major=1"});  // exit 0 but no result=ok
  EXPECT_EQ(loader.load(testing::strategy_spec("good-strategy", fixture("good-strategy"))).status,
            LoadStatus::quarantined);
  runner.push_exit(41);  // a refusal code without its reason line
  EXPECT_EQ(loader.load(testing::strategy_spec("good-strategy", fixture("good-strategy"))).status,
            LoadStatus::quarantined);
}

}  // namespace
}  // namespace selfheal
