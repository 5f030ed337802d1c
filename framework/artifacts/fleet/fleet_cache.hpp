// The fleet's shared artifact cache in Redis: one hash per build fingerprint,
//   <key_prefix>:artifact:<fingerprint> -> { format, key_id, signature, fingerprint, sha256,
//       bytes, file, crate, abi_version, crate_version, rustc_version, built_at, publisher,
//       published_at }
// written by one HSET, so a reader sees a whole entry or none. Anyone who can write to Redis can
// write an entry, so a fetched entry is handed out only when a key this host trusts signed it
// (entry_signature.hpp), its fingerprint is the one asked for and its bytes hash to the signed
// sha256; the caller still probes it before use. Without a signing key nothing is published,
// without a trusted key nothing is fetched. Publishing runs on a thread of its own, so a slow or dead Redis never
// stalls a check; an unreachable Redis is warned about at most once a minute, and is not asked
// again for a few seconds. MT safe.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "core/log.hpp"
#include "artifacts/fleet/fleet_counters.hpp"
#include "artifacts/fleet/fleet_keyring.hpp"
#include "artifacts/fleet/redis_client.hpp"
#include "manifest/manifest.hpp"
#include "selfheal/sdk/context.hpp"
#include "selfheal/sdk/result.hpp"

namespace selfheal {

struct FleetArtifact {
  std::string fingerprint;
  std::string sha256;
  std::string bytes;
  std::string file;       // the publisher's file name (informational)
  std::string crate;      // the publisher's crate name (informational)
  std::string publisher;  // "<hostname>/<pid>"
  std::string key_id;     // the trusted key that signed it
};

class FleetCache {
 public:
  // After an unreachable Redis, how long fetches and publishes skip it.
  static constexpr std::chrono::seconds kRetryAfter{5};
  static constexpr std::chrono::seconds kWarnEvery{60};

  FleetCache(FleetSettings settings, std::shared_ptr<LogSink> log_sink);
  ~FleetCache();  // finishes the publish in flight (bounded by the timeout), drops the rest
  FleetCache(const FleetCache&) = delete;
  FleetCache& operator=(const FleetCache&) = delete;

  const FleetSettings& settings() const { return settings_; }
  std::string key(const std::string& fingerprint) const;

  // The fleet's artifact built from `fingerprint`: signature, checksum and fingerprint verified.
  // Errc::not_found when the fleet has none, refuses what it has, is off or unreachable:
  // the caller goes on without it.
  sdk::Result<FleetArtifact> fetch(const std::string& fingerprint);
  // Queues the stored artifact `record` (built from `fingerprint`) for publishing, unless the
  // fleet is known to have this fingerprint already or this host has no signing key. Returns at
  // once.
  void publish(const std::string& fingerprint, const sdk::ArtifactRecord& record,
               const std::string& crate);
  // A fetched artifact the caller refused after all (e.g. its probe failed), or restored.
  void refuse(const std::string& fingerprint, const std::string& why);
  void confirm_used(const std::string& fingerprint);
  // Waits until no publish is queued or running; false at the deadline.
  bool wait_idle(std::chrono::milliseconds timeout);

  FleetCounters counters() const;

 private:
  struct PublishJob {
    std::string fingerprint;
    sdk::ArtifactRecord record;
    std::string crate;
  };

  void run_publisher();
  void publish_now(const PublishJob& job);
  bool backing_off();
  void note_unreachable(const std::string& why);
  void note_refused(const std::string& fingerprint, FleetRefusal kind, const std::string& why);
  void report_keys();

  FleetSettings settings_;
  SourceLogger log_;
  std::string publisher_;
  FleetKeyring keys_;

  std::mutex fetch_mutex_;  // guards fetch_client_
  RedisClient fetch_client_;
  RedisClient publish_client_;  // used by the publisher thread only

  std::mutex mutex_;  // guards what follows
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<PublishJob> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::set<std::string> present_;  // fingerprints the fleet is known to hold (good entries)
  std::set<std::string> refused_;  // fingerprints whose fleet entry this host refused
  std::chrono::steady_clock::time_point retry_at_{};
  std::chrono::steady_clock::time_point warned_at_{};
  bool warned_ = false;

  std::atomic<std::uint64_t> hits_{0}, misses_{0}, refused_count_{0}, publishes_{0}, errors_{0};
  std::array<std::atomic<std::uint64_t>, kFleetRefusalKinds> refusals_{};
  std::thread publisher_thread_;  // last: starts after everything it uses
};

}  // namespace selfheal
