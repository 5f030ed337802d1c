// Whoever can write to the fleet's Redis must not run code on its hosts: entries are signed with
// Ed25519 and hosts load only what a key they trust signed. An attacker who writes a loadable
// library with its correct sha256 under the victim's fingerprint (unsigned, signed with an
// untrusted key, or carrying a trusted signature over other bytes) gets it loaded by no host;
// rotation works with several trusted keys; a host without keys neither publishes nor fetches.
#include "crypto/ed25519.hpp"
#include "artifacts/fleet/entry_signature.hpp"
#include "fleet_fixture.hpp"
#include "api/metrics_view.hpp"

namespace selfheal::testing {
namespace {

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// The text of a fix's attempts (errors and messages), where the refusal's reason must show.
std::string attempts_text(const FixOutcome& outcome) {
  std::string out;
  for (const auto& a : outcome.attempts)
    out += a.strategy + ": " + a.error + " " + a.message + "\n";
  return out;
}

class FleetSigningTest : public FleetTest {
 protected:
  // A victim that lost its artifact and its local store: only the fleet could give it back.
  static void lose_everything(FleetHost& host) {
    host.h().restart();
    fs::remove_all(host.h().crate_dir() / "target");
    fs::remove_all(host.h().state_dir() / "tiny" / "artifacts");
  }

  void write_entry(const std::string& fingerprint, const std::vector<std::string>& fields) {
    ASSERT_TRUE(redis().command({"DEL", key(fingerprint)}).ok());
    std::vector<std::string> hset = {"HSET", key(fingerprint)};
    hset.insert(hset.end(), fields.begin(), fields.end());
    auto r = redis().command(hset);
    ASSERT_TRUE(r.ok() && r.value().kind == RedisReply::Kind::integer) << r.status().message;
  }
};

TEST_F(FleetSigningTest, AForgedEntryIsNeverLoadedByAnyHost) {
  FleetHost a = make_host();
  const auto fingerprint = build_and_publish(a);
  ASSERT_FALSE(fingerprint.empty());
  const std::string genuine_signature = field(fingerprint, "signature");
  std::vector<std::string> genuine;
  for (const char* name : {"format", "key_id", "signature", "fingerprint", "sha256", "bytes",
                           "file", "crate", "publisher"})
    genuine.insert(genuine.end(), {name, field(fingerprint, name)});

  // The attacker's library: a real, loadable build of edited sources (it would pass the probe).
  FleetHost evil = make_host_with_keys(", publish: false");
  std::ofstream(evil.h().crate_dir() / "src/lib.rs", std::ios::app)
      << "\n#[no_mangle]\npub extern \"C\" fn selfheal_tiny_evil() -> i32 { 666 }\n";
  evil.h().build_healthy();
  const std::string evil_bytes = read_bytes(evil.h().artifact());
  const std::string evil_sha = sha256_hex(evil_bytes);
  ASSERT_GT(evil_bytes.size(), 1000u);

  const TestKey attacker = make_test_key(root_ / "attacker", "mallory");
  auto attacker_key = Ed25519PrivateKey::load(attacker.private_file);
  ASSERT_TRUE(attacker_key.ok()) << attacker_key.status().message;
  auto signed_by_attacker = [&](const std::string& claimed_key_id) {
    SignedEntryFields f{kFleetEntryFormat,     claimed_key_id, fingerprint, evil_sha, "tiny",
                        "libselfheal_tiny.so", "mallory"};
    return attacker_key.value().sign(signed_message(f));
  };
  struct Forgery {
    std::string name;
    FleetRefusal expected;
    std::vector<std::string> extra;  // signature fields
  };
  const std::vector<Forgery> forgeries = {
      {"unsigned", FleetRefusal::unsigned_entry, {}},
      {"signed with an untrusted key",
       FleetRefusal::unknown_key,
       {"format", kFleetEntryFormat, "key_id", attacker.id, "signature",
        signed_by_attacker(attacker.id)}},
      {"an untrusted signature claiming the trusted key id",
       FleetRefusal::bad_signature,
       {"format", kFleetEntryFormat, "key_id", key_.id, "signature", signed_by_attacker(key_.id)}},
      {"the trusted signature over other bytes",
       FleetRefusal::bad_signature,
       {"format", kFleetEntryFormat, "key_id", key_.id, "signature", genuine_signature}},
  };

  // Two victims that lost their artifact: one trusts the fleet key, one a folder of keys with
  // the fleet key and another. Their chains only restore, so what they would load shows at once.
  const TestKey other = make_test_key(root_ / "trusted", "other");
  fs::copy_file(key_.public_file, root_ / "trusted" / "fleet.pub");
  FleetHost b = make_host_with_keys(keys(&key_, file_list({&key_})), true);
  FleetHost c =
      make_host_with_keys(keys(nullptr, "\"" + (root_ / "trusted").string() + "\""), true);
  same_lock_as(a, b);
  same_lock_as(a, c);
  for (const auto& forgery : forgeries) {
    std::vector<std::string> entry = {
        "fingerprint", fingerprint,           "sha256", evil_sha, "bytes",     evil_bytes,
        "file",        "libselfheal_tiny.so", "crate",  "tiny",   "publisher", "mallory"};
    entry.insert(entry.end(), forgery.extra.begin(), forgery.extra.end());
    write_entry(fingerprint, entry);
    for (FleetHost* victim : {&b, &c}) {
      SCOPED_TRACE(forgery.name + (victim == &b ? " (host B)" : " (host C)"));
      const auto before = victim->fleet().counters();
      auto outcome = victim->h().fix();
      EXPECT_FALSE(outcome.success) << "the forged entry was restored";
      EXPECT_FALSE(fs::exists(victim->h().artifact())) << "the forged bytes were loaded";
      EXPECT_FALSE(victim->host().store("tiny")->find(fingerprint))
          << "the forged bytes were imported";
      EXPECT_EQ(victim->cargo_runs(), 0);
      const auto after = victim->fleet().counters();
      EXPECT_EQ(after.fetch_hits, 0u);
      EXPECT_EQ(after.fetch_refused, before.fetch_refused + 1);
      EXPECT_EQ(after.refused(forgery.expected), before.refused(forgery.expected) + 1);
      // The reason is in the fix's outcome and in /metrics.
      const std::string reason = std::string("refused (") + to_label(forgery.expected) + ")";
      EXPECT_NE(outcome.error.value_or("").find(reason), std::string::npos)
          << outcome.error.value_or("");
      EXPECT_NE(
          http::fleet_metrics_text(after).find(
              std::string("selfheal_fleet_refusals_total{reason=\"") + to_label(forgery.expected) +
              "\"} " + std::to_string(after.refused(forgery.expected)) + "\n"),
          std::string::npos);
    }
  }
  // The genuine entry, put back, is loaded: the victims refused only the forgeries.
  ASSERT_TRUE(b.fleet().wait_idle(30s));
  write_entry(fingerprint, genuine);
  for (FleetHost* victim : {&b, &c}) {
    auto outcome = victim->h().fix();
    EXPECT_TRUE(outcome.success) << outcome.error.value_or("");
    EXPECT_EQ(sha256_file(victim->h().artifact()).value_or(""), field(fingerprint, "sha256"));
  }
}

TEST_F(FleetSigningTest, RotationAHostTrustingTheOldAndNewKeysLoadsEntriesSignedByEither) {
  const TestKey fresh = make_test_key(root_ / "keys-new", "fleet-2");
  // B trusts a folder holding both public keys; C trusts only the new one.
  const fs::path trusted = root_ / "trusted";
  fs::create_directories(trusted);
  fs::copy_file(key_.public_file, trusted / "fleet-1.pub");
  fs::copy_file(fresh.public_file, trusted / "fleet-2.pub");

  FleetHost a = make_host();  // signs with the old key
  const auto fingerprint = build_and_publish(a);
  ASSERT_FALSE(fingerprint.empty());

  FleetHost b = make_host_with_keys(keys(nullptr, "\"" + trusted.string() + "\""));
  same_lock_as(a, b);
  auto outcome = b.h().fix();
  ASSERT_TRUE(outcome.success) << outcome.error.value_or("");
  EXPECT_EQ(outcome.strategy_used, "restore_from_cache") << attempts_text(outcome);
  EXPECT_EQ(b.cargo_runs(), 0);
  EXPECT_EQ(b.fleet().counters().fetch_hits, 1u);

  FleetHost c = make_host_with_keys(keys(nullptr, file_list({&fresh})), true);
  same_lock_as(a, c);
  outcome = c.h().fix();
  EXPECT_FALSE(outcome.success);
  EXPECT_NE(outcome.error.value_or("").find("refused (unknown_key)"), std::string::npos)
      << outcome.error.value_or("");
  EXPECT_EQ(c.fleet().counters().refused(FleetRefusal::unknown_key), 1u);

  // A signs with the new key from now on: its next publish carries the new key id.
  ASSERT_TRUE(redis().command({"DEL", key(fingerprint)}).ok());
  FleetHost a2 = make_host_with_keys(keys(&fresh, ""));
  same_lock_as(a, a2);
  a2.h().build_healthy();
  a2.host().components().check();
  ASSERT_TRUE(a2.fleet().wait_idle(30s));
  ASSERT_EQ(field(fingerprint, "key_id"), fresh.id);

  lose_everything(b);
  outcome = b.h().fix();
  ASSERT_TRUE(outcome.success) << outcome.error.value_or("");
  EXPECT_EQ(outcome.strategy_used, "restore_from_cache") << attempts_text(outcome);
  EXPECT_EQ(b.cargo_runs(), 0);
  c.h().restart();  // a restarted host asks the fleet again for what it refused
  outcome = c.h().fix();
  ASSERT_TRUE(outcome.success) << outcome.error.value_or("");
  EXPECT_EQ(outcome.strategy_used, "restore_from_cache") << attempts_text(outcome);
  EXPECT_EQ(c.fleet().counters().fetch_hits, 1u);
}

TEST_F(FleetSigningTest, AHostWithoutASigningKeyPublishesNothing) {
  FleetHost a = make_host_with_keys(keys(nullptr, file_list({&key_})));
  a.h().build_healthy();
  a.host().components().check();
  ASSERT_TRUE(a.host().store("tiny")->current());
  EXPECT_TRUE(a.fleet().wait_idle(30s));
  EXPECT_EQ(a.fleet().counters().publishes, 0u);
  EXPECT_EQ(key_count(), 0);
}

TEST_F(FleetSigningTest, AHostThatTrustsNoKeyFetchesNothingAndSaysWhy) {
  FleetHost a = make_host();
  ASSERT_FALSE(build_and_publish(a).empty());
  FleetHost b = make_host_with_keys(keys(&key_, ""), true);
  same_lock_as(a, b);
  auto outcome = b.h().fix();
  EXPECT_FALSE(outcome.success);
  EXPECT_FALSE(fs::exists(b.h().artifact()));
  EXPECT_NE(outcome.error.value_or("").find("trusts no key"), std::string::npos)
      << outcome.error.value_or("");
  EXPECT_EQ(b.fleet().counters().fetch_hits, 0u);
  EXPECT_EQ(b.fleet().counters().fetch_refused, 0u)
      << "nothing was fetched, so nothing was refused";
}

}  // namespace
}  // namespace selfheal::testing
