#include "artifacts/fleet/fleet_cache.hpp"

#include <unistd.h>

#include <cctype>
#include <fstream>
#include <map>

#include "core/sha256.hpp"

namespace selfheal {
namespace {

constexpr std::size_t kMaxQueuedPublishes = 16;

std::string short_hash(const std::string& text) {
  const auto colon = text.find(':');
  const auto start = colon == std::string::npos ? 0 : colon + 1;
  return text.substr(0, start) + text.substr(start, 12);
}

bool is_sha256_hex(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  return true;
}

// Text read from Redis, fit for one log line: anyone who can write the key chose it.
std::string printable(const std::string& text) {
  std::string out = text.substr(0, 80);
  for (char& c : out)
    if (!std::isprint(static_cast<unsigned char>(c))) c = '?';
  return out;
}

std::string publisher_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] != '\0' ? host : "unknown") + "/" + std::to_string(::getpid());
}

std::optional<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  if (in.bad()) return std::nullopt;
  return bytes;
}

RedisEndpoint endpoint_of(const FleetSettings& s) {
  return RedisEndpoint{s.redis_host, s.redis_port, s.timeout, s.password};
}

std::int64_t seconds_since_epoch(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

FleetCache::FleetCache(FleetSettings settings, std::shared_ptr<LogSink> log_sink)
    : settings_(std::move(settings)),
      log_(std::move(log_sink), "fleet"),
      publisher_(publisher_name()),
      keys_(FleetKeyring::load(settings_)),
      fetch_client_(endpoint_of(settings_)),
      publish_client_(endpoint_of(settings_)),
      publisher_thread_([this] { run_publisher(); }) {
  report_keys();
}

void FleetCache::report_keys() {
  for (const auto& problem : keys_.problems()) log_.error(problem);
  if (settings_.publish && !keys_.can_sign())
    log_.warning("publish is on, but this host has no signing key (fleet.signing_key): it "
                 "publishes nothing, since hosts accept only signed entries");
  else if (settings_.publish)
    log_.info("signing published entries with key id " + keys_.signing_key_id());
  if (settings_.fetch && !keys_.trusts_any())
    log_.warning("fetch is on, but this host trusts no key (fleet.trusted_keys): it accepts "
                 "nothing from the fleet and builds locally");
  else if (settings_.fetch)
    log_.info("accepting fleet entries signed by key id " + keys_.trusted_ids());
}

FleetCache::~FleetCache() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  publisher_thread_.join();
}

std::string FleetCache::key(const std::string& fingerprint) const {
  return settings_.key_prefix + ":artifact:" + fingerprint;
}

bool FleetCache::backing_off() {
  std::lock_guard lock(mutex_);
  return std::chrono::steady_clock::now() < retry_at_;
}

void FleetCache::note_unreachable(const std::string& why) {
  ++errors_;
  const auto now = std::chrono::steady_clock::now();
  bool warn = false;
  {
    std::lock_guard lock(mutex_);
    retry_at_ = now + kRetryAfter;
    if (!warned_ || now - warned_at_ >= kWarnEvery) {
      warned_ = true;
      warned_at_ = now;
      warn = true;
    }
  }
  const std::string message = why + "; carrying on with the local artifact store";
  if (warn)
    log_.warning(message);
  else
    log_.debug(message);
}

void FleetCache::note_refused(const std::string& fingerprint, FleetRefusal kind,
                              const std::string& why) {
  ++refused_count_;
  ++refusals_[static_cast<std::size_t>(kind)];
  {
    std::lock_guard lock(mutex_);
    refused_.insert(fingerprint);
    present_.erase(fingerprint);
  }
  log_.warning("refused the fleet's artifact for " + short_hash(fingerprint) + ": " + why);
}

void FleetCache::refuse(const std::string& fingerprint, const std::string& why) {
  note_refused(fingerprint, FleetRefusal::rejected, why);
}

void FleetCache::confirm_used(const std::string& fingerprint) {
  ++hits_;
  std::lock_guard lock(mutex_);
  present_.insert(fingerprint);
  refused_.erase(fingerprint);
}

sdk::Result<FleetArtifact> FleetCache::fetch(const std::string& fingerprint) {
  auto not_found = [](std::string why) { return sdk::Status::error(sdk::Errc::not_found, std::move(why)); };
  if (!settings_.fetch) return not_found("fetching from the fleet is off");
  if (fingerprint.empty()) return not_found("no build fingerprint");
  if (!keys_.trusts_any())
    return not_found("not fetching from the fleet: this host trusts no key (fleet.trusted_keys)");
  if (backing_off()) return not_found("the fleet's Redis was unreachable moments ago");
  auto reply = [&] {
    std::lock_guard lock(fetch_mutex_);
    return fetch_client_.command({"HGETALL", key(fingerprint)});
  }();
  if (!reply.ok()) {
    note_unreachable(reply.status().message);
    return not_found("the fleet is unreachable: " + reply.status().message);
  }
  const RedisReply& r = reply.value();
  if (r.kind == RedisReply::Kind::error || r.kind != RedisReply::Kind::array) {
    ++errors_;
    const std::string why = r.kind == RedisReply::Kind::error ? r.text : "unexpected reply to HGETALL";
    log_.warning("Redis: " + why);
    return not_found("the fleet answered with an error: " + why);
  }
  if (r.elements.empty()) {
    ++misses_;
    return not_found("the fleet has no artifact for " + short_hash(fingerprint));
  }
  std::map<std::string, std::string> fields;
  for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2)
    fields[r.elements[i].text] = r.elements[i + 1].text;
  SignedEntryFields signed_fields{fields["format"], fields["key_id"], fields["fingerprint"],
                                  fields["sha256"], fields["crate"], fields["file"],
                                  fields["publisher"]};
  const std::string from =
      " (says it was published by " + (signed_fields.publisher.empty() ? "?" : printable(signed_fields.publisher)) + ")";
  auto refused = [&](FleetRefusal kind, const std::string& why) {
    note_refused(fingerprint, kind, why + from);
    return not_found("the fleet's artifact was refused (" + std::string(to_label(kind)) + "): " + why);
  };
  // The signature first: until it holds, nothing else in the entry means anything.
  if (auto bad = keys_.verify(signed_fields, fields["signature"])) return refused(bad->kind, bad->why);
  if (signed_fields.fingerprint != fingerprint)
    return refused(FleetRefusal::fingerprint, "it was built from fingerprint '" +
                                                  printable(short_hash(signed_fields.fingerprint)) +
                                                  "', not this one");
  const std::string& bytes = fields["bytes"];
  if (!is_sha256_hex(signed_fields.sha256) || sha256_hex(bytes) != signed_fields.sha256)
    return refused(FleetRefusal::checksum, "its bytes do not match its signed sha256");
  FleetArtifact artifact;
  artifact.fingerprint = signed_fields.fingerprint;
  artifact.sha256 = signed_fields.sha256;
  artifact.bytes = std::move(fields["bytes"]);
  artifact.file = signed_fields.file;
  artifact.crate = signed_fields.crate;
  artifact.publisher = signed_fields.publisher;
  artifact.key_id = signed_fields.key_id;
  return artifact;
}

void FleetCache::publish(const std::string& fingerprint, const sdk::ArtifactRecord& record,
                         const std::string& crate) {
  if (!settings_.publish || !keys_.can_sign() || fingerprint.empty()) return;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || (present_.count(fingerprint) != 0 && refused_.count(fingerprint) == 0)) return;
    for (const auto& job : queue_)
      if (job.fingerprint == fingerprint && job.record.sha256 == record.sha256) return;
    if (queue_.size() >= kMaxQueuedPublishes) queue_.pop_front();
    queue_.push_back(PublishJob{fingerprint, record, crate});
  }
  wake_.notify_one();
}

bool FleetCache::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [&] { return queue_.empty() && !busy_; });
}

FleetCounters FleetCache::counters() const {
  FleetCounters c;
  c.fetch_hits = hits_.load();
  c.fetch_misses = misses_.load();
  c.fetch_refused = refused_count_.load();
  for (std::size_t i = 0; i < kFleetRefusalKinds; ++i) c.refusals[i] = refusals_[i].load();
  c.publishes = publishes_.load();
  c.errors = errors_.load();
  return c;
}

void FleetCache::run_publisher() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    PublishJob job = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    publish_now(job);
    lock.lock();
    busy_ = false;
    idle_.notify_all();
  }
}

void FleetCache::publish_now(const PublishJob& job) {
  if (backing_off()) return;  // the next accept queues it again
  auto bytes = read_file(job.record.path);
  if (!bytes || sha256_hex(*bytes) != job.record.sha256) {
    log_.debug("not publishing " + job.record.path.string() + ": it does not match its checksum");
    return;
  }
  bool replace = false;
  {
    std::lock_guard lock(mutex_);
    replace = refused_.count(job.fingerprint) != 0;
  }
  const std::string k = key(job.fingerprint);
  if (!replace) {
    auto exists = publish_client_.command({"EXISTS", k});
    if (!exists.ok()) return note_unreachable(exists.status().message);
    if (exists.value().kind == RedisReply::Kind::integer && exists.value().integer == 1) {
      std::lock_guard lock(mutex_);
      present_.insert(job.fingerprint);
      return;
    }
  }
  SignedEntryFields signed_fields;
  signed_fields.fingerprint = job.fingerprint;
  signed_fields.sha256 = job.record.sha256;
  signed_fields.crate = job.crate;
  signed_fields.file = job.record.path.filename().string();
  signed_fields.publisher = publisher_;
  const std::string signature = keys_.sign(signed_fields);
  if (signature.empty()) {
    log_.error("not publishing " + short_hash(job.fingerprint) + ": signing failed");
    return;
  }
  // One HSET: readers see the whole entry or none (a replaced entry's fields all change at once).
  auto written = publish_client_.command(
      {"HSET", k, "format", signed_fields.format, "key_id", signed_fields.key_id, "signature",
       signature, "fingerprint", job.fingerprint, "sha256", job.record.sha256, "bytes", *bytes,
       "file", signed_fields.file, "crate", job.crate, "abi_version",
       std::to_string(job.record.abi_version), "crate_version", job.record.crate_version,
       "rustc_version", job.record.rustc_version, "built_at",
       std::to_string(seconds_since_epoch(job.record.built_at)), "publisher", signed_fields.publisher,
       "published_at", std::to_string(seconds_since_epoch(std::chrono::system_clock::now()))});
  if (!written.ok()) return note_unreachable(written.status().message);
  if (written.value().kind == RedisReply::Kind::error) {
    ++errors_;
    log_.warning("Redis refused the publish of " + short_hash(job.fingerprint) + ": " +
                 written.value().text);
    return;
  }
  ++publishes_;
  {
    std::lock_guard lock(mutex_);
    present_.insert(job.fingerprint);
    refused_.erase(job.fingerprint);
  }
  log_.info("published " + job.crate + " artifact sha256 " + job.record.sha256.substr(0, 12) +
            " (" + std::to_string(bytes->size()) + " bytes, signed by key id " + signed_fields.key_id +
            ") under " + short_hash(job.fingerprint) +
            (replace ? ", replacing an entry this host refused" : ""));
}

}  // namespace selfheal
