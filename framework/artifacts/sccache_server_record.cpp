#include "artifacts/sccache_server_record.hpp"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "process/group_registry.hpp"
#include "process/proc_file.hpp"

namespace selfheal {
namespace {

namespace fs = std::filesystem;

bool has_variable(const std::string& environ_text, const std::string& entry) {
  std::size_t at = 0;
  while (at < environ_text.size()) {
    const auto end = environ_text.find('\0', at);
    const auto len = (end == std::string::npos ? environ_text.size() : end) - at;
    if (environ_text.compare(at, len, entry) == 0) return true;
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return false;
}

bool running(pid_t pid, unsigned long long start_time) {
  return start_time != 0 && process::process_alive(pid, start_time);
}

}  // namespace

std::vector<pid_t> find_sccache_servers(const fs::path& dir, std::uint16_t port) {
  std::vector<pid_t> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(name));
    if (pid == ::getpid()) continue;
    // Only processes of this user can be read: those are the only ones this host starts.
    const std::string env = process::read_proc_file(entry.path() / "environ");
    if (env.empty() || !has_variable(env, "SCCACHE_START_SERVER=1") ||
        !has_variable(env, "SCCACHE_DIR=" + dir.string()) ||
        !has_variable(env, "SCCACHE_SERVER_PORT=" + std::to_string(port)))
      continue;
    if (running(pid, process::process_start_time(pid))) found.push_back(pid);
  }
  return found;
}

void write_record(const fs::path& file, const SccacheServerRecord& r) {
  const fs::path temporary = file.string() + ".new";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << r.pid << '\n' << r.start_time << '\n' << r.owner << '\n' << r.owner_start << '\n'
        << r.port << '\n' << r.sccache.string() << '\n' << r.dir.string() << '\n';
    if (!out) return;
  }
  std::error_code ec;
  fs::rename(temporary, file, ec);  // whole or not at all: a host killed mid-write leaves the old
}

std::optional<SccacheServerRecord> read_record(const fs::path& file) {
  std::ifstream in(file);
  SccacheServerRecord r;
  std::string sccache, dir;
  if (!(in >> r.pid >> r.start_time >> r.owner >> r.owner_start >> r.port)) return std::nullopt;
  in.ignore(1);
  if (!std::getline(in, sccache) || !std::getline(in, dir)) return std::nullopt;
  r.sccache = sccache;
  r.dir = dir;
  return r;
}

SccacheServerRecord record_for_this_host(const fs::path& sccache, const fs::path& dir,
                                         std::uint16_t port) {
  SccacheServerRecord r;
  r.owner = ::getpid();
  r.owner_start = process::process_start_time(r.owner);
  r.sccache = sccache;
  r.dir = dir;
  r.port = port;
  const auto servers = find_sccache_servers(dir, port);
  if (!servers.empty()) {
    r.pid = servers.front();
    r.start_time = process::process_start_time(r.pid);
  }
  return r;
}

bool owner_alive(const SccacheServerRecord& r) {
  return r.owner > 0 && running(r.owner, r.owner_start);
}

std::vector<pid_t> kill_after(const std::vector<std::pair<pid_t, unsigned long long>>& pids,
                              std::chrono::milliseconds limit) {
  auto survivors = [&] {
    std::vector<pid_t> alive;
    for (const auto& [pid, start] : pids)
      if (running(pid, start)) alive.push_back(pid);
    return alive;
  };
  for (int pass = 0; pass < 2; ++pass) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!survivors().empty() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (pass == 1) break;
    // Checked right before the signal: the pid is still the process that started then.
    for (const auto& [pid, start] : pids)
      if (running(pid, start)) ::kill(pid, SIGKILL);
  }
  return survivors();
}

}  // namespace selfheal
