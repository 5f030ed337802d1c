// SDK compatibility as a plugin author meets it: what the host loads and what it refuses, with
// the host's own words. Plugins go through the real probe and loader.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "loader/descriptor_check.hpp"
#include "loader/plugin_loader.hpp"
#include "process/process_runner.hpp"
#include "selfheal/sdk/strategy.hpp"
#include "selfheal/sdk/testing/fake_context.hpp"

namespace selfheal {
namespace {

std::filesystem::path compat_plugin(const std::string& variant) {
  return std::filesystem::path(SELFHEAL_SDK_COMPAT_PLUGIN_DIR) / ("sdk-compat-" + variant + ".so");
}
std::filesystem::path fixture(const std::string& stem) {
  return std::filesystem::path(SELFHEAL_FIXTURE_PLUGIN_DIR) / ("fixture-" + stem + ".so");
}
PluginSpec strategy(const std::string& name, const std::filesystem::path& library) {
  PluginSpec s;
  s.kind = sdk::PluginKind::strategy;
  s.name = name;
  s.library = library;
  return s;
}
bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class SdkCompatTest : public ::testing::Test {
 protected:
  PosixProcessRunner runner;
  sdk::testing::CapturingLogger log;
  std::filesystem::path store = make_store();  // the loader's plugin store
  PluginLoader loader{std::filesystem::path(SELFHEAL_BINARY_DIR) / "bin" / "selfheal-probe", store,
                      runner, log};
  ~SdkCompatTest() override {
    std::error_code ec;
    std::filesystem::remove_all(store, ec);
  }
  static std::filesystem::path make_store() {
    std::string pattern = std::filesystem::temp_directory_path() / "selfheal-compat-XXXXXX";
    return ::mkdtemp(pattern.data()) ? std::filesystem::path(pattern) : std::filesystem::path();
  }

  void expect_refused(const PluginRecord& r, const std::string& reason) {
    EXPECT_EQ(r.status, LoadStatus::failed) << r.error;
    EXPECT_FALSE(r.object);
    EXPECT_TRUE(contains(r.error, r.spec.library.string())) << r.error;  // names the file
    EXPECT_TRUE(contains(r.error, reason)) << r.error;
  }
};

// The control: the ordinary source, built as usual, loads and works.
TEST_F(SdkCompatTest, OrdinaryPluginLoads) {
  auto r = loader.load(strategy("sdk-compat", compat_plugin("normal")));
  ASSERT_EQ(r.status, LoadStatus::loaded) << r.error;
  auto* s = static_cast<sdk::Strategy*>(r.object.get());
  sdk::testing::FakeContext context;
  sdk::Diagnosis d;
  d.issue_type = "x";
  EXPECT_EQ(s->apply(context, d).message, "compat strategy fixed x");
}

// The same source compiled with -D_GLIBCXX_USE_CXX11_ABI=0: refused before any C++ symbol runs.
TEST_F(SdkCompatTest, OtherLibstdcxxAbiIsRefused) {
  auto r = loader.load(strategy("sdk-compat", compat_plugin("cxx98")));
  expect_refused(r, "built with C++ ABI 'libstdc++/cxx98', host uses '" +
                        std::string(SELFHEAL_CXX_ABI_TAG) + "'");
  ASSERT_TRUE(r.descriptor);
  EXPECT_EQ(r.descriptor->cxx_abi_tag, "libstdc++/cxx98");
  EXPECT_EQ(std::string(SELFHEAL_CXX_ABI_TAG), "libstdc++/cxx11");  // the host's own setting
}

TEST_F(SdkCompatTest, OtherMajorIsRefusedNamingBothVersions) {
  expect_refused(loader.load(strategy("wrong-major", fixture("wrong-major"))),
                 "built against SDK 2.0, host provides SDK " +
                     std::to_string(SELFHEAL_SDK_VERSION_MAJOR) + "." +
                     std::to_string(SELFHEAL_SDK_VERSION_MINOR) + " (major must match)");
}

TEST_F(SdkCompatTest, LibraryWithoutDescriptorIsRefused) {
  expect_refused(loader.load(strategy("no-descriptor", fixture("no-descriptor"))),
                 "not a selfheal plugin: no exported selfheal_plugin_descriptor");
}

// The versioning rule itself, against a host that provides SDK 1.3 (this build provides 1.0, so
// "an older minor loads" cannot be shown with real libraries until the minor is bumped).
selfheal_plugin_descriptor_t descriptor(std::uint32_t major, std::uint32_t minor,
                                        const char* abi = SELFHEAL_CXX_ABI_TAG) {
  return {SELFHEAL_DESCRIPTOR_MAGIC,
          sizeof(selfheal_plugin_descriptor_t),
          major,
          minor,
          SELFHEAL_KIND_STRATEGY,
          "p",
          "1.0.0",
          "d",
          abi,
          0, {}};
}

TEST(SdkVersionPolicy, OlderAndEqualMinorsLoadOnAHostOfMinor3) {
  const HostSdk host{1, 3, SELFHEAL_CXX_ABI_TAG};
  for (std::uint32_t minor : {0u, 1u, 3u}) {
    auto c = check_descriptor(descriptor(1, minor), "p.so", {}, host);
    EXPECT_TRUE(c.ok()) << minor << ": " << c.message;
  }
}

TEST(SdkVersionPolicy, NewerMinorIsRefusedOnAHostOfMinor3) {
  auto c = check_descriptor(descriptor(1, 4), "p.so", {}, HostSdk{1, 3, SELFHEAL_CXX_ABI_TAG});
  EXPECT_EQ(c.problem, DescriptorProblem::minor_newer);
  EXPECT_EQ(c.message,
            "p.so: built against SDK 1.4, host provides SDK 1.3 (minor must not be newer)");
}

TEST(SdkVersionPolicy, AnyOtherMajorIsRefused) {
  const HostSdk host{2, 1, SELFHEAL_CXX_ABI_TAG};
  EXPECT_EQ(check_descriptor(descriptor(1, 0), "p.so", {}, host).message,
            "p.so: built against SDK 1.0, host provides SDK 2.1 (major must match)");
  EXPECT_EQ(check_descriptor(descriptor(3, 0), "p.so", {}, host).problem,
            DescriptorProblem::major_mismatch);
}

TEST(SdkVersionPolicy, AbiTagComparedWithTheHosts) {
  const HostSdk host{1, 0, "libstdc++/cxx98"};
  EXPECT_TRUE(check_descriptor(descriptor(1, 0, "libstdc++/cxx98"), "p.so", {}, host).ok());
  EXPECT_EQ(check_descriptor(descriptor(1, 0, "libstdc++/cxx11"), "p.so", {}, host).problem,
            DescriptorProblem::abi_mismatch);
}

TEST(SdkVersionPolicy, DefaultHostIsThisBuild) {
  const HostSdk host;
  EXPECT_EQ(host.major, static_cast<std::uint32_t>(SELFHEAL_SDK_VERSION_MAJOR));
  EXPECT_EQ(host.minor, static_cast<std::uint32_t>(SELFHEAL_SDK_VERSION_MINOR));
  EXPECT_EQ(host.cxx_abi_tag, SELFHEAL_CXX_ABI_TAG);
}

}  // namespace
}  // namespace selfheal
