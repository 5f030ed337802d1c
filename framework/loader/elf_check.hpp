// A cheap structural check of an ELF file before dlopen maps it: a file cut short (an
// interrupted copy or build) is refused with a clear reason instead of faulting (SIGBUS) when
// the loader touches a page past its end. Reads with read(), never maps. MT safe.
#pragma once

#include <filesystem>
#include <string>

namespace selfheal {

// Empty when the file is not ELF (dlopen will say so) or when every header, program segment and
// the section header table lie inside the file; otherwise why not, e.g. "truncated ELF file:
// its headers describe 503112 bytes, the file has 1000".
std::string check_elf_extent(const std::filesystem::path& file);

}  // namespace selfheal
