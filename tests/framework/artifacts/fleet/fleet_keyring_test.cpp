// The keyring's verdicts without Redis: a signature covers every field a host reads, so changing
// any one of them (or the key id) refuses the entry; several trusted keys verify side by side.
#include "artifacts/fleet/fleet_keyring.hpp"

#include <gtest/gtest.h>

#include <random>

#include "../../crypto/test_keys.hpp"

namespace selfheal::testing {
namespace {

namespace fs = std::filesystem;

class FleetKeyringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("selfheal-keyring-" + std::to_string(std::random_device{}()));
    old_ = make_test_key(dir_, "old");
    new_ = make_test_key(dir_, "new");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  FleetKeyring ring(const TestKey* signing, std::vector<const TestKey*> trusted) {
    FleetSettings s;
    if (signing) s.signing_key = signing->private_file;
    for (const auto* k : trusted) s.trusted_keys.push_back(k->public_file);
    return FleetKeyring::load(s);
  }
  static SignedEntryFields fields() {
    return SignedEntryFields{kFleetEntryFormat, "",      "fp", std::string(64, 'a'), "tiny",
                             "libtiny.so",      "host/1"};
  }
  fs::path dir_;
  TestKey old_, new_;
};

TEST_F(FleetKeyringTest, ChangingAnySignedFieldBreaksTheSignature) {
  const auto signer = ring(&old_, {});
  const auto verifier = ring(nullptr, {&old_});
  auto f = fields();
  const std::string signature = signer.sign(f);
  ASSERT_EQ(f.key_id, old_.id);
  EXPECT_FALSE(verifier.verify(f, signature));
  for (std::string SignedEntryFields::*member :
       {&SignedEntryFields::fingerprint, &SignedEntryFields::sha256, &SignedEntryFields::crate,
        &SignedEntryFields::file, &SignedEntryFields::publisher}) {
    auto changed = f;
    changed.*member += "x";
    auto verdict = verifier.verify(changed, signature);
    ASSERT_TRUE(verdict);
    EXPECT_EQ(verdict->kind, FleetRefusal::bad_signature);
  }
  // Moving bytes between adjacent fields changes the message too (fields are length-prefixed).
  auto shifted = f;
  shifted.crate = "tin";
  shifted.file = "ylibtiny.so";
  EXPECT_TRUE(verifier.verify(shifted, signature));
  auto format = f;
  format.format = "2";
  ASSERT_TRUE(verifier.verify(format, signature));
  EXPECT_EQ(verifier.verify(format, signature)->kind, FleetRefusal::unknown_format);
}

TEST_F(FleetKeyringTest, RefusalsNameTheirReason) {
  const auto verifier = ring(nullptr, {&old_});
  auto f = fields();
  ASSERT_TRUE(verifier.verify(f, ""));
  EXPECT_EQ(verifier.verify(f, "")->kind, FleetRefusal::unsigned_entry);
  auto by_new = fields();
  const std::string signature = ring(&new_, {}).sign(by_new);
  auto verdict = verifier.verify(by_new, signature);
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->kind, FleetRefusal::unknown_key);
  EXPECT_NE(verdict->why.find(new_.id), std::string::npos) << verdict->why;
  by_new.key_id = old_.id;  // claims the trusted key
  verdict = verifier.verify(by_new, signature);
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->kind, FleetRefusal::bad_signature);
}

TEST_F(FleetKeyringTest, SeveralTrustedKeysVerifySideBySide) {
  const auto verifier = ring(nullptr, {&old_, &new_});
  EXPECT_NE(verifier.trusted_ids().find(old_.id), std::string::npos);
  EXPECT_NE(verifier.trusted_ids().find(new_.id), std::string::npos);
  for (const TestKey* k : {&old_, &new_}) {
    auto f = fields();
    const std::string signature = ring(k, {}).sign(f);
    EXPECT_FALSE(verifier.verify(f, signature)) << k->id;
  }
  EXPECT_FALSE(ring(nullptr, {}).trusts_any());
  EXPECT_FALSE(ring(nullptr, {}).can_sign());
  auto unsigned_fields = fields();
  EXPECT_TRUE(ring(nullptr, {}).sign(unsigned_fields).empty());
}

}  // namespace
}  // namespace selfheal::testing
