#include "core/machine_facts.hpp"

#include <sys/statvfs.h>

#include <fstream>
#include <string>

namespace selfheal {

std::optional<std::uint64_t> mem_available_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key, unit;
  std::uint64_t kib = 0;
  while (meminfo >> key >> kib >> unit)
    if (key == "MemAvailable:") return kib * 1024;
  return std::nullopt;
}

std::optional<std::uint64_t> free_bytes_on(const std::filesystem::path& path) {
  std::filesystem::path where = path;
  std::error_code ec;
  while (!where.empty() && !std::filesystem::exists(where, ec) && where != where.parent_path())
    where = where.parent_path();
  if (where.empty()) where = "/";
  struct statvfs vfs {};
  if (::statvfs(where.c_str(), &vfs) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

}  // namespace selfheal
