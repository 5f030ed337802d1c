// Reading /proc/<pid>/* of a process that may exit while we read: read(2) then fails with ESRCH,
// which std::ifstream turns into an exception (libstdc++'s filebuf::underflow throws). This
// reads with plain read(2) and treats any error as "no more text".
#pragma once

#include <filesystem>
#include <string>

namespace selfheal::process {

// The file's text, or what could be read of it before an error ("" when it cannot be opened).
std::string read_proc_file(const std::filesystem::path& path);

}  // namespace selfheal::process
