// The sccache server a host runs for its builds, written down in the state folder so that the
// next host can stop it when this one was killed (kill -9, the OOM killer): sccache daemonizes
// into a session of its own, so neither PR_SET_PDEATHSIG nor the group registry reaches it, and
// it would otherwise live on for its idle timeout. As the group registry does, a record names its
// owner (pid and start time): a record of a live owner (`selfheal serve` next to a CLI command
// sharing the state folder) is left alone. MT safe (no shared state; one file per state folder).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace selfheal {

struct SccacheServerRecord {
  pid_t pid = 0;                      // the server found when it was recorded (0: none found)
  unsigned long long start_time = 0;  // its start time, so that a reused pid is never killed
  pid_t owner = 0;                    // the host that started (or adopted) it
  unsigned long long owner_start = 0;
  std::filesystem::path sccache;      // the executable, for --stop-server
  std::filesystem::path dir;          // SCCACHE_DIR
  std::uint16_t port = 0;             // SCCACHE_SERVER_PORT
};

// Live sccache servers of this cache folder and port (their environment says so: sccache starts
// its server with SCCACHE_START_SERVER=1 and the client's SCCACHE_* variables).
std::vector<pid_t> find_sccache_servers(const std::filesystem::path& dir, std::uint16_t port);

void write_record(const std::filesystem::path& file, const SccacheServerRecord& record);
std::optional<SccacheServerRecord> read_record(const std::filesystem::path& file);

// This process as the owner of a record of `dir` and `port`, with the server running now.
SccacheServerRecord record_for_this_host(const std::filesystem::path& sccache,
                                         const std::filesystem::path& dir, std::uint16_t port);

// True when the record's owner is alive (not a zombie, same start time).
bool owner_alive(const SccacheServerRecord& record);

// Waits until none of `pids` (started at the given times) runs, up to `limit`; SIGKILLs those
// still there after it and waits for them as long again. Returns those that survived.
std::vector<pid_t> kill_after(const std::vector<std::pair<pid_t, unsigned long long>>& pids,
                              std::chrono::milliseconds limit);

}  // namespace selfheal
