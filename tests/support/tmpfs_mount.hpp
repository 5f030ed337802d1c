// A small tmpfs mounted for one test (a real full filesystem without filling the machine's).
// Needs CAP_SYS_ADMIN (CI runs as root); mounted() is false where mounting is not permitted, and
// the test then skips. Unmounted lazily on destruction, so a process still using it is no error.
#pragma once

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace selfheal::testing {

class TmpfsMount {
 public:
  TmpfsMount(const std::filesystem::path& where, std::size_t bytes) : where_(where) {
    std::filesystem::create_directories(where_);
    const std::string options = "size=" + std::to_string(bytes) + ",mode=0755";
    if (::mount("tmpfs", where_.c_str(), "tmpfs", 0, options.c_str()) == 0) mounted_ = true;
    else error_ = std::strerror(errno);
  }
  ~TmpfsMount() {
    if (mounted_) ::umount2(where_.c_str(), MNT_DETACH);
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

  // Writes `file` until the filesystem refuses more bytes (ENOSPC). True when it did.
  bool fill(const std::filesystem::path& file) const {
    std::FILE* f = std::fopen(file.c_str(), "wb");
    if (!f) return false;
    std::vector<char> block(4096, 'x');
    int error = 0;
    while (error == 0)
      if (std::fwrite(block.data(), 1, block.size(), f) != block.size() || std::fflush(f) != 0) error = errno;
    std::fclose(f);
    return error == ENOSPC;
  }

 private:
  std::filesystem::path where_;
  bool mounted_ = false;
  std::string error_;
};

}  // namespace selfheal::testing
