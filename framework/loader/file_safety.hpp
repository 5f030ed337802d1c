// Whether a library file may be loaded into the host: a regular file that nobody but root or
// the host's own user can replace, neither through the file nor through its directory.
// MT safe.
#pragma once

#include <filesystem>
#include <string>

namespace selfheal {

struct FileSafety {
  std::filesystem::path canonical;  // the real path (symlinks resolved); set when ok
  std::string error;                // names the file and the offending mode in octal; empty: ok
  bool ok() const { return error.empty(); }
};

// Refuses when the file (symlinks followed) or its directory is writable by others, or by a
// group other than root's, or owned by a user other than root and the host's effective user.
// A world-writable directory with the sticky bit (like /tmp) is accepted: there nobody else can
// rename or delete a file they do not own.
FileSafety check_file_safety(const std::filesystem::path& file);

}  // namespace selfheal
