#include "artifacts/build_cache.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "artifacts/sccache_server_record.hpp"
#include "process/group_registry.hpp"

namespace selfheal {
namespace {

namespace fs = std::filesystem;

std::string joined(const std::vector<fs::path>& dirs) {
  std::string out;
  for (const auto& d : dirs) {
    if (!out.empty()) out.push_back(':');
    out += d.string();
  }
  return out;
}

std::string last_line(const sdk::ProcessResult& r) {
  if (!r.error.empty()) return r.error;
  if (r.timed_out) return "timed out";
  return r.tail.empty() ? "exit code " + std::to_string(r.exit_code) : r.tail.back();
}

}  // namespace

std::uint16_t BuildCache::port_for(const fs::path& state_dir) {
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a: stable across runs and builds
  auto folder = state_dir.lexically_normal();
  if (!folder.has_filename() && folder.has_relative_path()) folder = folder.parent_path();  // "a/b/"
  for (unsigned char c : folder.string()) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return static_cast<std::uint16_t>(10000 + hash % 20000);
}

BuildCache::BuildCache(BuildCacheSettings settings, const fs::path& state_dir,
                       sdk::ProcessRunner& runner, const ToolchainSearchPath& toolchain,
                       std::shared_ptr<LogSink> log_sink)
    : settings_(std::move(settings)),
      port_(port_for(state_dir)),
      record_file_(state_dir / "sccache-server"),
      runner_(runner),
      toolchain_(toolchain),
      log_(std::move(log_sink), "build-cache") {
  stop_leftover_server();
}

BuildCache::~BuildCache() {
  std::lock_guard lock(mutex_);
  if (started_) stop_server();
  if (auto record = read_record(record_file_); record && record->owner == ::getpid() && started_) {
    std::error_code ec;
    fs::remove(record_file_, ec);  // stopped: nothing left for the next host
  }
}

void BuildCache::stop_leftover_server() {
  const auto record = read_record(record_file_);
  if (!record || owner_alive(*record)) return;
  std::vector<std::pair<pid_t, unsigned long long>> servers;
  if (record->pid > 0 && process::process_alive(record->pid, record->start_time))
    servers.emplace_back(record->pid, record->start_time);
  for (pid_t pid : find_sccache_servers(record->dir, record->port))  // restarted since, by a build
    if (pid != record->pid) servers.emplace_back(pid, process::process_start_time(pid));
  if (!servers.empty()) {
    std::error_code ec;
    if (fs::is_regular_file(record->sccache, ec)) {  // the polite way first: it saves its stats
      sdk::ProcessSpec spec;
      spec.argv = {record->sccache.string(), "--stop-server"};
      spec.environment = {{"PATH", joined(toolchain_.dirs())},
                          {"SCCACHE_DIR", record->dir.string()},
                          {"SCCACHE_SERVER_PORT", std::to_string(record->port)}};
      spec.timeout = std::chrono::seconds(10);
      (void)runner_.run(spec);
    }
    const auto left = kill_after(servers, std::chrono::seconds(3));
    std::string pids;
    for (const auto& [pid, start] : servers) pids += (pids.empty() ? "" : ", ") + std::to_string(pid);
    if (left.empty())
      log_.warning("stopped the sccache server (pid " + pids + ") a previous host of this state folder left running");
    else
      log_.error("the sccache server a previous host left running survived SIGKILL (pid " + pids + ")");
  }
  std::error_code ec;
  fs::remove(record_file_, ec);
}

void BuildCache::record_server() {
  if (auto record = read_record(record_file_); record && record->owner != ::getpid() && owner_alive(*record))
    return;  // a live host of this state folder runs it: its record stays
  write_record(record_file_, record_for_this_host(sccache_, settings_.dir, port_));
}

std::map<std::string, std::string> BuildCache::server_environment() const {
  std::map<std::string, std::string> env;
  env["PATH"] = joined(toolchain_.dirs());
  for (const char* name : {"HOME", "TMPDIR"})
    if (const char* v = std::getenv(name)) env[name] = v;
  env["SCCACHE_DIR"] = settings_.dir.string();
  env["SCCACHE_SERVER_PORT"] = std::to_string(port_);
  env["SCCACHE_IDLE_TIMEOUT"] = std::to_string(kIdleTimeout.count());
  return env;
}

std::map<std::string, std::string> BuildCache::wrapper_environment() const {
  // SCCACHE_IDLE_TIMEOUT too: a wrapper call that finds no server starts one with it.
  return {{"RUSTC_WRAPPER", sccache_.string()},
          {"SCCACHE_DIR", settings_.dir.string()},
          {"SCCACHE_SERVER_PORT", std::to_string(port_)},
          {"SCCACHE_IDLE_TIMEOUT", std::to_string(kIdleTimeout.count())}};
}

sdk::ProcessResult BuildCache::run_sccache(const std::string& option) {
  sdk::ProcessSpec spec;
  spec.argv = {sccache_.string(), option};
  if (option == "--show-stats") spec.argv.push_back("--stats-format=json");
  spec.environment = server_environment();
  spec.timeout = std::chrono::seconds(30);
  spec.tail_lines = 10;
  return (option == "--start-server" ? *server_runner_ : runner_).run(spec);
}

std::optional<SccacheStats> BuildCache::read_stats() {
  auto r = run_sccache("--show-stats");
  if (!r.success()) return std::nullopt;
  for (const auto& line : r.tail) {
    auto stats = parse_sccache_stats(line);
    // Another program (or another host's server) on our port is not our cache.
    if (stats && stats->cache_location.find(settings_.dir.string()) != std::string::npos) return stats;
  }
  return std::nullopt;
}

bool BuildCache::server_listening() const {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return connected;
}

void BuildCache::note_stats(const SccacheStats& now) {
  if (now.compile_requests < last_.compile_requests) carried_ += last_;  // the server restarted
  last_ = now;
}

bool BuildCache::ensure_server() {
  if (server_listening()) {
    if (started_ || used_) return true;
    // Left by a host with this state folder (killed, or still running): use it if it is ours.
    if (auto stats = read_stats()) {
      note_stats(*stats);
      log_.info("using the sccache server already on port " + std::to_string(port_) +
                " (cache " + settings_.dir.string() + ")");
      record_server();
      return true;
    }
    if (last_problem_ != "port") {
      log_.warning("port " + std::to_string(port_) +
                   " is taken by something other than this host's sccache server: builds run "
                   "without the build cache");
      last_problem_ = "port";
    }
    return false;
  }
  std::error_code ec;
  fs::create_directories(settings_.dir, ec);
  auto r = run_sccache("--start-server");
  if (!r.success()) {
    const std::string problem = "sccache --start-server failed (" + last_line(r) + ")";
    if (last_problem_ != problem) {
      log_.warning(problem + ": builds run without the build cache");
      last_problem_ = problem;
    }
    return false;
  }
  if (used_) {  // the previous server exited (idle): its counts are gone with it
    carried_ += last_;
    last_ = {};
  }
  started_ = true;
  record_server();
  log_.info("started the sccache server on port " + std::to_string(port_) + ", cache in " +
            settings_.dir.string());
  return true;
}

std::map<std::string, std::string> BuildCache::build_environment() {
  if (!settings_.enabled) return {};
  std::lock_guard lock(mutex_);
  if (sccache_.empty()) {
    auto found = toolchain_.find("sccache");
    if (!found) {
      if (last_problem_ != "missing") {
        log_.info("no sccache on the toolchain search path: builds run without the build cache");
        last_problem_ = "missing";
      }
      return {};
    }
    sccache_ = *found;
  }
  if (!ensure_server()) return {};
  used_ = true;
  last_problem_.clear();
  return wrapper_environment();
}

std::optional<SccacheStats> BuildCache::totals() {
  std::lock_guard lock(mutex_);
  if (!used_) return std::nullopt;
  if (server_listening())
    if (auto stats = read_stats()) note_stats(*stats);
  SccacheStats total = carried_;
  total += last_;
  return total;
}

void BuildCache::stop_server() {
  auto r = run_sccache("--stop-server");
  if (r.success())
    log_.debug("stopped the sccache server on port " + std::to_string(port_));
  else
    log_.warning("sccache --stop-server failed (" + last_line(r) + "); it exits after " +
                 std::to_string(kIdleTimeout.count()) + " s idle");
}

}  // namespace selfheal
