// Whether an error's text says a disk or quota is full (strerror(ENOSPC), strerror(EDQUOT),
// SQLite's SQLITE_FULL): the log marks such events disk_full=true, so an operator can search
// for the cause behind a failed write, whoever reported it.
#pragma once

#include <string_view>

namespace selfheal {

inline bool says_disk_full(std::string_view error) {
  return error.find("No space left on device") != std::string_view::npos ||
         error.find("Disk quota exceeded") != std::string_view::npos ||
         error.find("database or disk is full") != std::string_view::npos;
}

}  // namespace selfheal
