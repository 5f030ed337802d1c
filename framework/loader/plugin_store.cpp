#include "loader/plugin_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "core/sha256.hpp"

namespace selfheal {
namespace {

std::string errno_text(int err) { return std::generic_category().message(err); }

// A temporary name no other thread or process of ours is using.
std::filesystem::path temporary_in(const std::filesystem::path& dir, const std::string& name) {
  static std::atomic<unsigned> counter{0};
  return dir / ("." + name + "." + std::to_string(::getpid()) + "." +
                std::to_string(counter.fetch_add(1)) + ".tmp");
}

// Copies `source` to `target` (created 0600, exclusive); "" or the reason. `create_errno`: why
// `target` could not be created, 0 when it could.
std::string copy_bytes(const std::filesystem::path& source, const std::filesystem::path& target,
                       int& create_errno) {
  const int in = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return source.string() + ": cannot be read: " + errno_text(errno);
  const int out = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    const int err = errno;
    create_errno = err;
    ::close(in);
    return "cannot create " + target.string() + ": " + errno_text(err);
  }
  std::string error;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(in, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      error = source.string() + ": read error: " + errno_text(errno);
      break;
    }
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(out, buffer + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        error = "cannot write " + target.string() + ": " + errno_text(errno);
        break;
      }
      done += w;
    }
    if (!error.empty()) break;
  }
  if (error.empty() && ::fsync(out) != 0) error = "cannot write " + target.string() + ": " + errno_text(errno);
  ::close(in);
  if (::close(out) != 0 && error.empty()) error = "cannot write " + target.string() + ": " + errno_text(errno);
  return error;
}

// An existing copy may be used as it is: ours (or root's), not writable by others, intact.
bool reusable(const std::filesystem::path& copy, const std::string& sha256) {
  struct stat st {};
  if (::lstat(copy.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  if (st.st_uid != 0 && st.st_uid != ::geteuid()) return false;
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) return false;
  return sha256_file(copy).value_or("") == sha256;
}

// Whether an error creating a file means "this process may not write there" (as opposed to a
// broken source or a full disk, which are reported).
bool not_writable(int err) { return err == EACCES || err == EPERM || err == EROFS; }

}  // namespace

PluginStore::~PluginStore() {
  if (fallback_dir_.empty()) return;
  fallback_.reset();
  std::error_code ec;
  std::filesystem::remove_all(fallback_dir_, ec);
}

StoredPlugin PluginStore::put(const std::filesystem::path& source) const {
  StoredPlugin stored;
  const std::string name = source.filename().string();
  std::error_code ec;
  std::error_code dir_error;
  std::filesystem::create_directories(root_, dir_error);  // a failure shows when the copy is written
  const auto tmp = temporary_in(root_, name);
  int create_errno = 0;
  if (auto why = copy_bytes(source, tmp, create_errno); !why.empty()) {
    std::filesystem::remove(tmp, ec);
    // A store this process cannot write still serves the copies a daemon made.
    if (auto hash = sha256_file(source)) {
      const auto existing = root_ / *hash / name;
      if (reusable(existing, *hash)) return StoredPlugin{existing, *hash, ""};
    }
    if (not_writable(create_errno) || (dir_error && not_writable(dir_error.value()))) {
      std::lock_guard lock(fallback_mutex_);
      if (!fallback_) {
        std::string pattern = (std::filesystem::temp_directory_path(ec) / "selfheal-plugins-XXXXXX").string();
        if (::mkdtemp(pattern.data()) != nullptr) {
          fallback_dir_ = pattern;
          fallback_ = std::make_unique<PluginStore>(fallback_dir_);
        }
      }
      if (fallback_) return fallback_->put(source);
    }
    stored.error = why;
    return stored;
  }
  auto hash = sha256_file(tmp);
  if (!hash) {
    std::filesystem::remove(tmp, ec);
    stored.error = "cannot read back " + tmp.string();
    return stored;
  }
  stored.sha256 = *hash;
  const auto dir = root_ / stored.sha256;
  stored.path = dir / name;
  // Already stored and intact: keep that copy (it may be mapped already; never replace it).
  if (reusable(stored.path, stored.sha256)) {
    std::filesystem::remove(tmp, ec);
    return stored;
  }
  std::filesystem::create_directories(dir, ec);
  ::chmod(tmp.c_str(), 0444);
  // rename() is atomic: a reader sees no file or the whole verified one.
  if (::rename(tmp.c_str(), stored.path.c_str()) != 0) {
    const int err = errno;
    std::filesystem::remove(tmp, ec);
    stored.error = "cannot store " + source.string() + " as " + stored.path.string() + ": " + errno_text(err);
    stored.path.clear();
  }
  return stored;
}

}  // namespace selfheal
