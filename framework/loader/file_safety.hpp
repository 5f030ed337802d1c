// Whether a library file may be loaded into the host: a regular file that nobody but root or
// the host's own user can replace, neither through the file nor through any folder above it.
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

// Refuses when the file (symlinks followed) or any folder above it up to / (of the real path
// and of the path as named) is writable by others, or by a group other than root's, or owned by
// a user other than root and the host's effective user, as OpenSSH's StrictModes does.
// A world-writable folder with the sticky bit (like /tmp) is accepted: there nobody else can
// rename or delete a file they do not own. The error names the offending folder.
FileSafety check_file_safety(const std::filesystem::path& file);

}  // namespace selfheal
