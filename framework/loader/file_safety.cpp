#include "loader/file_safety.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <vector>

namespace selfheal {
namespace {

std::string octal(mode_t mode) {
  char text[16];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Why `st` (the file itself, or its directory when `what` names one) is unsafe; empty if safe.
std::string unsafe_reason(const struct stat& st, const std::string& what, bool directory) {
  const std::string mode = " (mode " + octal(st.st_mode) + ")";
  const uid_t me = ::geteuid();
  if (st.st_uid != 0 && st.st_uid != me)
    return what + " is owned by uid " + std::to_string(st.st_uid) +
           ", neither root nor the host's user (uid " + std::to_string(me) + ")" + mode;
  const bool sticky = directory && (st.st_mode & S_ISVTX) != 0;
  if ((st.st_mode & S_IWOTH) != 0 && !sticky) return what + " is writable by others" + mode;
  if ((st.st_mode & S_IWGRP) != 0 && st.st_gid != 0 && !sticky)
    return what + " is writable by its group (gid " + std::to_string(st.st_gid) + ")" + mode;
  return {};
}

}  // namespace

FileSafety check_file_safety(const std::filesystem::path& file) {
  FileSafety result;
  const std::string name = file.string();
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    const int err = errno;
    result.error = name + ": " + (err == ENOENT ? std::string("no such file") : std::strerror(err));
    return result;
  }
  if (!S_ISREG(st.st_mode)) {
    result.error = name + ": not a regular file (mode " + octal(st.st_mode) + ")";
    return result;
  }
  std::error_code ec;
  auto canonical = std::filesystem::canonical(file, ec);
  if (ec) {
    result.error = name + ": cannot resolve the path: " + ec.message();
    return result;
  }
  if (auto why = unsafe_reason(st, "the file", false); !why.empty()) {
    result.error = name + ": refusing to load: " + why;
    return result;
  }
  // Every folder from the real file's up to /, and from the named path's (a symlink in one of
  // those could be swapped): whoever can rename an entry in any of them can replace the file.
  // OpenSSH's StrictModes walks the folders of authorized_keys the same way (safe_path() in
  // auth.c: owned by root or the user, no group or world write); as unsafe_reason() allows, a
  // sticky world-writable folder (/tmp) is accepted: there nobody can rename another's entry.
  std::vector<std::filesystem::path> dirs;
  auto add_ancestors = [&dirs](std::filesystem::path dir) {
    for (;;) {
      if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
      if (dir == dir.root_path() || !dir.has_relative_path()) return;
      dir = dir.parent_path();
    }
  };
  add_ancestors(canonical.parent_path());
  const auto named_dir = std::filesystem::absolute(file, ec).parent_path().lexically_normal();
  if (!ec && !named_dir.empty()) add_ancestors(named_dir);
  for (const auto& dir : dirs) {
    struct stat dst {};
    if (::stat(dir.c_str(), &dst) != 0) {
      result.error =
          name + ": cannot inspect the folder " + dir.string() + ": " + std::strerror(errno);
      return result;
    }
    const bool holds_it = dir == canonical.parent_path() || dir == named_dir;
    const std::string what =
        holds_it ? "its directory " + dir.string() : "the folder " + dir.string() + " above it";
    if (auto why = unsafe_reason(dst, what, true); !why.empty()) {
      result.error = name + ": refusing to load: " + why;
      return result;
    }
  }
  result.canonical = std::move(canonical);
  return result;
}

}  // namespace selfheal
