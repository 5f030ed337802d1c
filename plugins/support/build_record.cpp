#include "support/build_record.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

namespace selfheal::plugins {

std::filesystem::path build_record_file(const sdk::CratePaths& crate) {
  return crate.state_dir / "last-build.status";
}
std::filesystem::path build_output_file(const sdk::CratePaths& crate) {
  return crate.state_dir / "last-build.log";
}

bool write_build_record(const sdk::CratePaths& crate, const BuildRecord& r) {
  std::error_code ec;
  std::filesystem::create_directories(crate.state_dir, ec);
  const auto file = build_record_file(crate);
  const auto tmp = std::filesystem::path(file.string() + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    out << "started_at_ms=" << r.started_at_ms << "\nfinished_at=" << r.finished_at << "\nduration_ms=" << r.duration_ms
        << "\nstarted=" << (r.started ? 1 : 0) << "\nexit_code=" << r.exit_code
        << "\nsignal=" << r.signal << "\ntimed_out=" << (r.timed_out ? 1 : 0)
        << "\ncancelled=" << (r.cancelled ? 1 : 0) << "\ncommand=" << r.command
        << "\nerror=" << r.error << "\n";
    if (!out.flush()) return false;
  }
  std::filesystem::rename(tmp, file, ec);
  return !ec;
}

std::optional<BuildRecord> read_build_record(const sdk::CratePaths& crate) {
  std::ifstream in(build_record_file(crate));
  if (!in) return std::nullopt;
  BuildRecord r;
  std::string line;
  bool any = false;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    auto num = [&] { return std::strtoll(value.c_str(), nullptr, 10); };
    any = true;
    if (key == "started_at_ms") r.started_at_ms = num();
    else if (key == "finished_at") r.finished_at = num();
    else if (key == "duration_ms") r.duration_ms = num();
    else if (key == "started") r.started = num() != 0;
    else if (key == "exit_code") r.exit_code = static_cast<int>(num());
    else if (key == "signal") r.signal = static_cast<int>(num());
    else if (key == "timed_out") r.timed_out = num() != 0;
    else if (key == "cancelled") r.cancelled = num() != 0;
    else if (key == "command") r.command = value;
    else if (key == "error") r.error = value;
  }
  if (!any) return std::nullopt;
  return r;
}

std::vector<std::string> read_build_output(const sdk::CratePaths& crate, std::size_t max_bytes) {
  std::vector<std::string> lines;
  std::ifstream in(build_output_file(crate), std::ios::binary);
  if (!in) return lines;
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::size_t>(in.tellg());
  const bool cut = size > max_bytes;
  in.seekg(cut ? static_cast<std::streamoff>(size - max_bytes) : 0);
  std::string line;
  if (cut) std::getline(in, line);  // drop the partial first line
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

void rotate_log(const std::filesystem::path& log, std::uintmax_t max_bytes, int keep) {
  std::error_code ec;
  auto size = std::filesystem::file_size(log, ec);
  if (ec || size <= max_bytes) return;
  auto numbered = [&](int i) { return std::filesystem::path(log.string() + "." + std::to_string(i)); };
  std::filesystem::remove(numbered(keep), ec);
  for (int i = keep - 1; i >= 1; --i) std::filesystem::rename(numbered(i), numbered(i + 1), ec);
  std::filesystem::rename(log, keep >= 1 ? numbered(1) : log, ec);
  if (keep < 1) std::filesystem::remove(log, ec);
}

}  // namespace selfheal::plugins
