// fleet.signing_key and fleet.trusted_keys: key files loaded and checked where the manifest names
// them (missing, unreadable, wrong kind, private key readable by others), each error at its
// position; folders of *.pub files; the manifest holds paths, never key material.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>

#include "../crypto/test_keys.hpp"
#include "manifest_test_support.hpp"

namespace selfheal {
namespace {

using manifest_testing::all_errors;
using manifest_testing::HasError;
using manifest_testing::kMinimal;
using manifest_testing::ManifestTest;

int fleet_line() {
  const std::string text = manifest_testing::yaml(kMinimal);
  return static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
}

class FleetKeysManifestTest : public ManifestTest {
 protected:
  void SetUp() override {
    ManifestTest::SetUp();
    old_ = testing::make_test_key(tree_ / "keys", "old");
    new_ = testing::make_test_key(tree_ / "keys", "new");
  }
  testing::TestKey old_, new_;
};

TEST_F(FleetKeysManifestTest, KeysAreReadAsResolvedPaths) {
  auto load = parse(std::string(kMinimal) +
                    "fleet:\n  signing_key: ../keys/new.key\n  trusted_keys: [../keys/old.pub, "
                    "../keys/new.pub]\n");
  ASSERT_TRUE(load.manifest) << all_errors(load);
  const auto& f = load.manifest->fleet;
  EXPECT_EQ(f.signing_key, old_.private_file.parent_path() / "new.key");
  ASSERT_EQ(f.trusted_keys.size(), 2u);
  EXPECT_EQ(f.trusted_keys[0], old_.public_file);
  EXPECT_EQ(f.trusted_keys[1], new_.public_file);
}

TEST_F(FleetKeysManifestTest, AFolderOfTrustedKeysTrustsEveryPubFileInIt) {
  tree_.write("keys/README", "not a key");
  auto load = parse(std::string(kMinimal) + "fleet: { trusted_keys: ../keys }\n");
  ASSERT_TRUE(load.manifest) << all_errors(load);
  const auto& keys = load.manifest->fleet.trusted_keys;
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], new_.public_file);  // sorted
  EXPECT_EQ(keys[1], old_.public_file);
  EXPECT_TRUE(load.manifest->fleet.signing_key.empty());
}

TEST_F(FleetKeysManifestTest, NoKeysIsValidAndLeavesThemEmpty) {
  auto load = parse(std::string(kMinimal) + "fleet: {}\n");
  ASSERT_TRUE(load.manifest) << all_errors(load);
  EXPECT_TRUE(load.manifest->fleet.signing_key.empty());
  EXPECT_TRUE(load.manifest->fleet.trusted_keys.empty());
}

TEST_F(FleetKeysManifestTest, AGroupReadablePrivateKeyIsAnErrorAtItsPosition) {
  ::chmod(old_.private_file.c_str(), 0640);
  auto load = parse(std::string(kMinimal) + "fleet:\n  signing_key: ../keys/old.key\n");
  EXPECT_FALSE(load.manifest);
  ASSERT_EQ(load.errors.size(), 1u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "fleet.signing_key", fleet_line() + 1, 16, "permissions 0640"));
  EXPECT_TRUE(HasError(load, "fleet.signing_key", fleet_line() + 1, 16, "too open"));
  ::chmod(old_.private_file.c_str(), 0604);
  load = parse(std::string(kMinimal) + "fleet:\n  signing_key: ../keys/old.key\n");
  EXPECT_TRUE(HasError(load, "fleet.signing_key", fleet_line() + 1, 16, "permissions 0604"));
}

TEST_F(FleetKeysManifestTest, MissingWrongAndUnsafeKeysAreLocatedErrors) {
  tree_.write("keys/empty/.keep");
  ::chmod(new_.public_file.c_str(), 0666);
  ::chmod(old_.public_file.c_str(), 0600);  // safe as a private key file, but a public key
  const int line = fleet_line();
  auto load = parse(std::string(kMinimal) + R"(fleet:
  signing_key: ../keys/old.pub
  trusted_keys:
    - ../keys/missing.pub
    - ../keys/old.key
    - ../keys/new.pub
    - ../keys/empty
)");
  EXPECT_FALSE(load.manifest);
  EXPECT_EQ(load.errors.size(), 5u) << all_errors(load);
  EXPECT_TRUE(
      HasError(load, "fleet.signing_key", line + 1, 16, "not an unencrypted PEM private key"));
  EXPECT_TRUE(HasError(load, "fleet.trusted_keys[0]", line + 3, 7, "does not exist"));
  EXPECT_TRUE(HasError(load, "fleet.trusted_keys[1]", line + 4, 7, "is not a PEM public key"));
  EXPECT_TRUE(HasError(load, "fleet.trusted_keys[2]", line + 5, 7, "writable by its owner only"));
  EXPECT_TRUE(HasError(load, "fleet.trusted_keys[3]", line + 6, 7, "holds no *.pub file"));
}

TEST_F(FleetKeysManifestTest, ASigningKeyThatIsAFolderOrMissingIsAnError) {
  auto load = parse(std::string(kMinimal) + "fleet: { signing_key: ../keys }\n");
  EXPECT_TRUE(HasError(load, "fleet.signing_key", fleet_line(), 23, "is a folder"));
  load =
      parse(std::string(kMinimal) + "fleet: { signing_key: ../keys/none.key, trusted_keys: [] }\n");
  EXPECT_EQ(load.errors.size(), 2u) << all_errors(load);
  EXPECT_TRUE(HasError(load, "fleet.signing_key", fleet_line(), 23, "does not exist"));
  EXPECT_TRUE(HasError(load, "fleet.trusted_keys", fleet_line(), 55, "the list is empty"));
}

}  // namespace
}  // namespace selfheal
