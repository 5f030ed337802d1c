#include "support/diagnosis_util.hpp"

namespace selfheal::plugins {

std::int64_t newest_source_mtime_ms(const std::filesystem::path& root) {
  std::int64_t newest = 0;
  auto consider = [&](const std::filesystem::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return;
    const std::int64_t ms = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
    if (ms > newest) newest = ms;
  };
  for (const char* f : {"Cargo.toml", "Cargo.lock", "build.rs"}) consider(root / f);
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(root / "src", ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec)) consider(it->path());
  }
  return newest;
}

}  // namespace selfheal::plugins
