// The descriptor checks the probe and the loader share, on descriptors built in memory.
#include "loader/descriptor_check.hpp"

#include <gtest/gtest.h>

#include "loader_test_support.hpp"

namespace selfheal {
namespace {

using testing::contains;

selfheal_plugin_descriptor_t good() {
  return {SELFHEAL_DESCRIPTOR_MAGIC,
          sizeof(selfheal_plugin_descriptor_t),
          SELFHEAL_SDK_VERSION_MAJOR,
          SELFHEAL_SDK_VERSION_MINOR,
          SELFHEAL_KIND_STRATEGY,
          "build",
          "1.2.0",
          "builds",
          SELFHEAL_CXX_ABI_TAG,
          0, {}};
}

TEST(DescriptorCheck, AcceptsTheSdkMacrosDescriptorAndCopiesIt) {
  auto d = good();
  auto check = check_descriptor(d, "/p/build.so", {sdk::PluginKind::strategy, "build"});
  ASSERT_TRUE(check.ok()) << check.message;
  ASSERT_TRUE(check.info);
  EXPECT_EQ(check.info->name, "build");
  EXPECT_EQ(check.info->version, "1.2.0");
  EXPECT_EQ(check.info->description, "builds");
  EXPECT_EQ(check.info->kind, sdk::PluginKind::strategy);
  EXPECT_EQ(check.info->cxx_abi_tag, SELFHEAL_CXX_ABI_TAG);
}

TEST(DescriptorCheck, StrategyFlagsAreReadFromSdk12OnAndIgnoredBefore) {
  auto d = good();
  d.flags = SELFHEAL_STRATEGY_BUILDS_ARTIFACT | SELFHEAL_STRATEGY_CLEAN_BUILD;
  auto check = check_descriptor(d, "/p/build.so");
  ASSERT_TRUE(check.ok()) << check.message;
  EXPECT_EQ(check.info->flags, SELFHEAL_STRATEGY_BUILDS_ARTIFACT | SELFHEAL_STRATEGY_CLEAN_BUILD);
  d.api_minor = 1;  // the slot was reserved then: whatever is in it is no flag
  check = check_descriptor(d, "/p/build.so");
  ASSERT_TRUE(check.ok()) << check.message;
  EXPECT_EQ(check.info->flags, 0u);
}

TEST(DescriptorCheck, RefusesBadMagicWithoutReadingFurther) {
  auto d = good();
  d.magic = 0x12345678;
  d.name = nullptr;  // would crash if read
  auto check = check_descriptor(d, "/p/x.so");
  EXPECT_EQ(check.problem, DescriptorProblem::bad_magic);
  EXPECT_TRUE(contains(check.message, "/p/x.so"));
  EXPECT_TRUE(contains(check.message, "0x12345678"));
  EXPECT_FALSE(check.info);
}

TEST(DescriptorCheck, OtherMajorNamesBothVersions) {
  auto d = good();
  d.api_major = SELFHEAL_SDK_VERSION_MAJOR + 1;
  d.api_minor = 3;
  d.name = nullptr;  // another major's layout is not read
  auto check = check_descriptor(d, "/p/x.so");
  EXPECT_EQ(check.problem, DescriptorProblem::major_mismatch);
  EXPECT_TRUE(contains(check.message, "/p/x.so"));
  EXPECT_TRUE(
      contains(check.message, "SDK " + std::to_string(SELFHEAL_SDK_VERSION_MAJOR + 1) + ".3"));
  EXPECT_TRUE(contains(check.message, "host provides SDK " + testing::kHostSdk));
  ASSERT_TRUE(check.info);
  EXPECT_EQ(check.info->api_major, static_cast<std::uint32_t>(SELFHEAL_SDK_VERSION_MAJOR + 1));
}

TEST(DescriptorCheck, NewerMinorIsRefusedOlderIsAccepted) {
  auto d = good();
  d.api_minor = SELFHEAL_SDK_VERSION_MINOR + 1;
  auto check = check_descriptor(d, "/p/x.so");
  EXPECT_EQ(check.problem, DescriptorProblem::minor_newer);
  EXPECT_TRUE(contains(check.message, "host provides SDK " + testing::kHostSdk));
  if (SELFHEAL_SDK_VERSION_MINOR > 0) {
    d.api_minor = SELFHEAL_SDK_VERSION_MINOR - 1;
    EXPECT_TRUE(check_descriptor(d, "/p/x.so").ok());
  }
}

TEST(DescriptorCheck, RefusesTooSmallStruct) {
  auto d = good();
  d.struct_size = 12;
  auto check = check_descriptor(d, "/p/x.so");
  EXPECT_EQ(check.problem, DescriptorProblem::too_small);
  EXPECT_TRUE(contains(check.message, "12 bytes"));
}

TEST(DescriptorCheck, RefusesMissingRequiredStrings) {
  for (int field = 0; field < 3; ++field) {
    auto d = good();
    if (field == 0) d.name = "";
    if (field == 1) d.version = nullptr;
    if (field == 2) d.cxx_abi_tag = nullptr;
    EXPECT_EQ(check_descriptor(d, "/p/x.so").problem, DescriptorProblem::missing_field) << field;
  }
  auto d = good();
  d.description = nullptr;  // optional
  EXPECT_TRUE(check_descriptor(d, "/p/x.so").ok());
}

TEST(DescriptorCheck, RefusesOtherCxxAbi) {
  auto d = good();
  d.cxx_abi_tag = "libc++/other";
  auto check = check_descriptor(d, "/p/x.so");
  EXPECT_EQ(check.problem, DescriptorProblem::abi_mismatch);
  EXPECT_TRUE(contains(check.message, "libc++/other"));
  EXPECT_TRUE(contains(check.message, SELFHEAL_CXX_ABI_TAG));
}

TEST(DescriptorCheck, RefusesUnknownOrUnexpectedKindAndWrongName) {
  auto d = good();
  d.kind = 99;
  EXPECT_EQ(check_descriptor(d, "/p/x.so").problem, DescriptorProblem::kind_mismatch);
  d = good();
  auto check = check_descriptor(d, "/p/x.so", {sdk::PluginKind::diagnoser, ""});
  EXPECT_EQ(check.problem, DescriptorProblem::kind_mismatch);
  EXPECT_TRUE(
      contains(check.message, "is a strategy plugin, the manifest lists it as a diagnoser"));
  check = check_descriptor(d, "/p/x.so", {sdk::PluginKind::strategy, "clean_build"});
  EXPECT_EQ(check.problem, DescriptorProblem::name_mismatch);
  EXPECT_TRUE(contains(check.message, "'build'"));
  EXPECT_TRUE(contains(check.message, "'clean_build'"));
}

TEST(DescriptorCheck, KindNamesRoundTrip) {
  for (auto kind :
       {sdk::PluginKind::diagnoser, sdk::PluginKind::strategy, sdk::PluginKind::component})
    EXPECT_EQ(parse_plugin_kind(plugin_kind_name(static_cast<std::uint32_t>(kind))), kind);
  EXPECT_EQ(parse_plugin_kind("widget"), std::nullopt);
}

}  // namespace
}  // namespace selfheal
