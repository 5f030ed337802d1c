// SHA-256 through libcrypto's EVP digest interface: OpenSSL's implementation is reviewed,
// CAVP-tested and uses the CPU's SHA extensions where present (a hand-written one was not).
#include "core/sha256.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

#include "crypto/openssl_handles.hpp"

namespace selfheal {

struct Sha256::Context {
  crypto_detail::MdCtxPtr ctx;
};

namespace {

// libcrypto fails here only when it cannot allocate or its SHA-256 provider is missing: no
// caller could recover, and a wrong hash would be worse than an exception.
void check(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(std::string("SHA-256: ") + what + ": " +
                                        crypto_detail::take_openssl_error());
}

}  // namespace

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  context_->ctx.reset(EVP_MD_CTX_new());
  if (!context_->ctx) check(0, "EVP_MD_CTX_new");
  check(EVP_DigestInit_ex(context_->ctx.get(), EVP_sha256(), nullptr), "EVP_DigestInit_ex");
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return;
  check(EVP_DigestUpdate(context_->ctx.get(), bytes.data(), bytes.size()), "EVP_DigestUpdate");
}

void Sha256::update(std::string_view bytes) {
  update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                       bytes.size()));
}

std::array<std::uint8_t, 32> Sha256::digest() {
  std::array<std::uint8_t, 32> out{};
  unsigned int length = 0;
  check(EVP_DigestFinal_ex(context_->ctx.get(), out.data(), &length), "EVP_DigestFinal_ex");
  if (length != out.size()) throw std::runtime_error("SHA-256: digest of unexpected length");
  return out;
}

std::string Sha256::hex() {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(64);
  for (std::uint8_t byte : digest()) {
    text.push_back(kDigits[byte >> 4]);
    text.push_back(kDigits[byte & 0x0f]);
  }
  return text;
}

std::string sha256_hex(std::span<const std::uint8_t> bytes) {
  Sha256 h;
  h.update(bytes);
  return h.hex();
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.hex();
}

// Streamed in 64 KiB reads: artifacts can be large, and only one chunk is held at a time.
std::optional<std::string> sha256_file(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  Sha256 h;
  std::vector<std::uint8_t> chunk(64 * 1024);
  bool ok = true;
  for (;;) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      ok = false;  // EISDIR, EIO, ...
      break;
    }
    h.update(std::span<const std::uint8_t>(chunk.data(), static_cast<std::size_t>(n)));
  }
  ::close(fd);
  if (!ok) return std::nullopt;
  return h.hex();
}

}  // namespace selfheal
