// Key files are read as OpenSSH reads its own: a private key readable by its owner only, a
// trusted key writable by its owner only, a regular file, with the path and cause in every error.
#include "crypto/key_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <random>

#include "crypto/ed25519.hpp"
#include "test_keys.hpp"

namespace selfheal {
namespace {

namespace fs = std::filesystem;

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("selfheal-keyfile-" + std::to_string(std::random_device{}()));
    key_ = testing::make_test_key(dir_, "k");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
  testing::TestKey key_;
};

TEST_F(KeyFileTest, APrivateKeyReadableByGroupOrOthersIsRefusedLikeOpenSSHDoes) {
  ASSERT_TRUE(Ed25519PrivateKey::load(key_.private_file).ok());
  for (mode_t mode : {0640, 0604, 0660, 0644, 0601}) {
    ::chmod(key_.private_file.c_str(), mode);
    auto key = Ed25519PrivateKey::load(key_.private_file);
    ASSERT_FALSE(key.ok()) << std::oct << mode;
    EXPECT_NE(key.status().message.find("too open"), std::string::npos) << key.status().message;
    EXPECT_NE(key.status().message.find("chmod 600"), std::string::npos) << key.status().message;
    EXPECT_NE(key.status().message.find(key_.private_file.string()), std::string::npos);
  }
  ::chmod(key_.private_file.c_str(), 0400);
  EXPECT_TRUE(Ed25519PrivateKey::load(key_.private_file).ok());
}

TEST_F(KeyFileTest, ATrustedKeyWritableByOthersIsRefused) {
  ASSERT_TRUE(Ed25519PublicKey::load(key_.public_file).ok());
  ::chmod(key_.public_file.c_str(), 0666);
  auto key = Ed25519PublicKey::load(key_.public_file);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message.find("writable by its owner only"), std::string::npos);
}

TEST_F(KeyFileTest, MissingFoldersAndOtherFilesAreRefusedWithTheCause) {
  auto missing = read_key_file(dir_ / "nope.key", KeyFileKind::private_key);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message.find("does not exist"), std::string::npos);
  auto folder = read_key_file(dir_, KeyFileKind::public_key);
  ASSERT_FALSE(folder.ok());
  EXPECT_NE(folder.status().message.find("is a folder"), std::string::npos);
  auto device = read_key_file("/dev/null", KeyFileKind::public_key);
  ASSERT_FALSE(device.ok());
  EXPECT_NE(device.status().message.find("not a regular file"), std::string::npos);
}

}  // namespace
}  // namespace selfheal
