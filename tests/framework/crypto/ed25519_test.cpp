// Ed25519 through libcrypto: keys load from the PEM files openssl writes, signatures verify only
// for the exact message and key, key ids are stable and distinct.
#include "crypto/ed25519.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>

#include "test_keys.hpp"

namespace selfheal {
namespace {

namespace fs = std::filesystem;

class Ed25519Test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("selfheal-ed25519-" + std::to_string(std::random_device{}()));
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
};

TEST_F(Ed25519Test, ASignatureVerifiesOnlyForItsMessageAndKey) {
  const auto a = testing::make_test_key(dir_, "a");
  const auto b = testing::make_test_key(dir_, "b");
  auto signer = Ed25519PrivateKey::load(a.private_file);
  ASSERT_TRUE(signer.ok()) << signer.status().message;
  auto pub_a = Ed25519PublicKey::load(a.public_file);
  auto pub_b = Ed25519PublicKey::load(b.public_file);
  ASSERT_TRUE(pub_a.ok() && pub_b.ok());
  const std::string signature = signer.value().sign("message");
  EXPECT_EQ(signature.size(), Ed25519PrivateKey::kSignatureBytes);
  EXPECT_TRUE(pub_a.value().verify("message", signature));
  EXPECT_FALSE(pub_a.value().verify("messagf", signature));
  EXPECT_FALSE(pub_b.value().verify("message", signature));
  std::string flipped = signature;
  flipped[10] = static_cast<char>(flipped[10] ^ 1);
  EXPECT_FALSE(pub_a.value().verify("message", flipped));
  EXPECT_FALSE(pub_a.value().verify("message", signature.substr(1)));
  EXPECT_FALSE(pub_a.value().verify("message", ""));
}

TEST_F(Ed25519Test, KeyIdsAreSixteenHexDigitsSharedByBothHalves) {
  const auto a = testing::make_test_key(dir_, "a");
  const auto b = testing::make_test_key(dir_, "b");
  auto signer = Ed25519PrivateKey::load(a.private_file);
  ASSERT_TRUE(signer.ok());
  EXPECT_EQ(signer.value().id(), a.id);
  EXPECT_EQ(signer.value().public_key().id(), a.id);
  EXPECT_EQ(a.id.size(), 16u);
  EXPECT_EQ(a.id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a.id, b.id);
}

TEST_F(Ed25519Test, WrongKindsOfKeyAreRefusedWithTheReason) {
  const auto a = testing::make_test_key(dir_, "a");
  // The halves swapped.
  std::ifstream in(a.public_file);
  auto pub_as_private =
      Ed25519PrivateKey::from_pem(std::string((std::istreambuf_iterator<char>(in)), {}));
  ASSERT_FALSE(pub_as_private.ok());
  EXPECT_NE(pub_as_private.status().message.find("not an unencrypted PEM private key"),
            std::string::npos);
  auto private_as_public = Ed25519PublicKey::load(a.private_file);
  ASSERT_FALSE(private_as_public.ok());
  EXPECT_NE(private_as_public.status().message.find("is not a PEM public key"), std::string::npos);
  // Another algorithm.
  EVP_PKEY* ec = EVP_EC_gen("P-256");
  ASSERT_NE(ec, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, ec);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  const std::string ec_pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(ec);
  auto wrong = Ed25519PublicKey::from_pem(ec_pem);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message.find("not an Ed25519 one"), std::string::npos)
      << wrong.status().message;
  EXPECT_FALSE(Ed25519PublicKey::from_pem("not a key").ok());
}

// The commands the README gives operators make keys this code loads, with matching ids.
TEST_F(Ed25519Test, KeysMadeByTheOpensslCommandLoad) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl command";
  fs::create_directories(dir_);
  const std::string key = (dir_ / "fleet.key").string(), pub = (dir_ / "fleet.pub").string();
  ASSERT_EQ(
      std::system(("openssl genpkey -algorithm ed25519 -out '" + key + "' && openssl pkey -in '" +
                   key + "' -pubout -out '" + pub + "' && chmod 600 '" + key + "'")
                      .c_str()),
      0);
  auto signer = Ed25519PrivateKey::load(key);
  ASSERT_TRUE(signer.ok()) << signer.status().message;
  auto verifier = Ed25519PublicKey::load(pub);
  ASSERT_TRUE(verifier.ok()) << verifier.status().message;
  EXPECT_EQ(signer.value().id(), verifier.value().id());
  EXPECT_TRUE(verifier.value().verify("entry", signer.value().sign("entry")));
}

}  // namespace
}  // namespace selfheal
