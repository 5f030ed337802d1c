// The shared build cache: an sccache server the host runs for its builds, whose environment
// (RUSTC_WRAPPER and the SCCACHE_* variables) every build gets through
// sdk::Context::build_environment(). One server per state folder: its port derives from the
// folder, so two hosts on one machine share a server only when they share their state.
//
// The server is started at the first build (`sccache --start-server`; sccache daemonizes into its
// own session, so the process runner's group kill at the end of the call leaves it running) and
// stopped when the BuildCache is destroyed, if this host started it. It is recorded in the state
// folder (sccache_server_record.hpp): a server a killed host left behind is stopped when the next
// BuildCache of that state folder is made. MT safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/log.hpp"
#include "artifacts/sccache_stats.hpp"
#include "context/toolchain_search_path.hpp"
#include "manifest/manifest.hpp"
#include "selfheal/sdk/process.hpp"

namespace selfheal {

class BuildCache {
 public:
  // How long a server with no requests lives (SCCACHE_IDLE_TIMEOUT): long enough to span a quiet
  // spell of a serving host, short enough that a server whose host was killed goes away.
  static constexpr std::chrono::seconds kIdleTimeout{1800};

  BuildCache(BuildCacheSettings settings, const std::filesystem::path& state_dir,
             sdk::ProcessRunner& runner, const ToolchainSearchPath& toolchain,
             std::shared_ptr<LogSink> log_sink);
  ~BuildCache();
  BuildCache(const BuildCache&) = delete;
  BuildCache& operator=(const BuildCache&) = delete;

  // RUSTC_WRAPPER=<sccache>, SCCACHE_DIR, SCCACHE_SERVER_PORT and SCCACHE_IDLE_TIMEOUT, with the
  // server running (started now when it is not). Empty when the cache is off, no sccache
  // executable is on the toolchain search path, or the server cannot start (logged).
  std::map<std::string, std::string> build_environment();

  // The server's counts since this host first used it, carried over restarts of the server;
  // nullopt when no build has used the cache yet. Runs `sccache --show-stats` when the server is
  // up; never starts one.
  std::optional<SccacheStats> totals();

  // The runner that starts the server (it compiles for the builds, so it runs at their priority);
  // the constructor's until then. Call before the first build.
  void start_server_with(sdk::ProcessRunner& runner) { server_runner_ = &runner; }

  bool enabled() const { return settings_.enabled; }
  const std::filesystem::path& dir() const { return settings_.dir; }
  std::uint16_t port() const { return port_; }
  // A port in [10000, 30000), below Linux's ephemeral range, from a hash of the folder.
  static std::uint16_t port_for(const std::filesystem::path& state_dir);

 private:
  std::map<std::string, std::string> server_environment() const;  // for sccache itself
  std::map<std::string, std::string> wrapper_environment() const;  // what builds get
  sdk::ProcessResult run_sccache(const std::string& option);
  std::optional<SccacheStats> read_stats();  // nullopt: not our server, or unreadable
  bool server_listening() const;
  bool ensure_server();  // under mutex_
  void note_stats(const SccacheStats& now);  // under mutex_: carries counts over a restart
  void stop_server();
  void stop_leftover_server();  // of a dead host, from the record
  void record_server();         // this host as the server's owner (under mutex_)

  BuildCacheSettings settings_;
  std::uint16_t port_;
  std::filesystem::path record_file_;  // <state dir>/sccache-server
  sdk::ProcessRunner& runner_;
  sdk::ProcessRunner* server_runner_ = &runner_;
  const ToolchainSearchPath& toolchain_;
  SourceLogger log_;

  std::mutex mutex_;
  std::filesystem::path sccache_;  // found at the first build; empty before
  bool started_ = false;           // this host started a server (stopped at destruction)
  bool used_ = false;              // a build got the wrapper
  std::string last_problem_;       // logged once until it changes
  SccacheStats carried_;           // counts of servers that have since exited
  SccacheStats last_;              // the running server's counts at the last read
};

}  // namespace selfheal
