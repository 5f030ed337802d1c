#include "core/sha256.hpp"

#include <gtest/gtest.h>

#include <string>

#include "loader_test_support.hpp"

namespace selfheal {
namespace {

// FIPS 180-4 / NIST CAVP example vectors.
TEST(Sha256, EmptyInput) {
  EXPECT_EQ(sha256_hex(std::string_view()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, Abc) {
  EXPECT_EQ(sha256_hex(std::string_view("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, TwoBlockMessage448Bits) {
  EXPECT_EQ(
      sha256_hex(std::string_view("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, MillionAs) {
  const std::string a(1'000'000, 'a');
  EXPECT_EQ(sha256_hex(std::string_view(a)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalUpdatesInOddPiecesMatchOneShot) {
  const std::string a(1'000'000, 'a');
  Sha256 h;
  std::size_t offset = 0;
  for (std::size_t piece = 1; offset < a.size(); piece = piece * 3 % 997 + 1) {
    const std::size_t n = std::min(piece, a.size() - offset);
    h.update(std::string_view(a).substr(offset, n));
    offset += n;
  }
  EXPECT_EQ(h.hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, BytesAroundTheBlockBoundary) {
  // 55, 56 and 64 bytes pad differently (length fits in the last block or not).
  EXPECT_EQ(sha256_hex(std::string_view(std::string(55, 'a'))),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(sha256_hex(std::string_view(std::string(56, 'a'))),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(sha256_hex(std::string_view(std::string(64, 'a'))),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(Sha256, FileMatchesBytesAndMissingFileIsNullopt) {
  testing::TempDir dir;
  const auto file = dir / "data.bin";
  testing::write_bytes(file, {'a', 'b', 'c'});
  EXPECT_EQ(sha256_file(file),
            std::optional<std::string>(
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  EXPECT_EQ(sha256_file(dir / "missing.bin"), std::nullopt);
  EXPECT_EQ(sha256_file(dir.path()), std::nullopt);  // a directory is not content
}

}  // namespace
}  // namespace selfheal
