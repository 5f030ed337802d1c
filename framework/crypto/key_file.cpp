#include "crypto/key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace selfheal {
namespace {

constexpr off_t kMaxKeyFileBytes = 64 * 1024;  // a PEM Ed25519 key is about 120 bytes

sdk::Status fail(const std::filesystem::path& file, const std::string& why) {
  // Appended, not "'" + ...: GCC 12 at -O3 reports a false -Wrestrict on that form (PR105651).
  std::string message = "'";
  message.append(file.string()).append("' ").append(why);
  return sdk::Status::error(sdk::Errc::invalid_argument, message);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string unsafe_mode(unsigned mode, KeyFileKind kind) {
  // OpenSSH refuses a private key with any group/other bit, and (StrictModes) an authorized_keys
  // file writable by group or others.
  const unsigned forbidden = kind == KeyFileKind::private_key ? 077u : 022u;
  if ((mode & forbidden) == 0) return {};
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode & 07777u);
  return text;
}

sdk::Result<std::string> read_key_file(const std::filesystem::path& file, KeyFileKind kind) {
  // Opened first and checked through the descriptor, so the checked file is the one read.
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == ENOENT) return fail(file, "does not exist");
    return fail(file, std::string("cannot be read: ") + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return fail(file, std::string("cannot be read: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return fail(file, "is a folder, not a key file");
  if (!S_ISREG(st.st_mode)) return fail(file, "is not a regular file");
  if (const auto mode = unsafe_mode(st.st_mode, kind); !mode.empty()) {
    if (kind == KeyFileKind::private_key)
      return fail(file, "has permissions " + mode +
                            ", which are too open: a private key must be readable by its owner "
                            "only (chmod 600 '" +
                            file.string() + "')");
    return fail(file, "has permissions " + mode +
                          ": a trusted key must be writable by its owner only (chmod 644 '" +
                          file.string() + "')");
  }
  if (st.st_size > kMaxKeyFileBytes) return fail(file, "is too large for a key file");
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(file, std::string("cannot be read: ") + std::strerror(errno));
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

}  // namespace selfheal
