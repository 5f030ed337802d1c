// Chaos: the real host (plugins, healer loop, component loader loop, store) on a copy of
// rust-core, three worker threads using all three components at full speed, and a driver that
// injects random faults at random moments, also while a fix runs: the artifact deleted,
// truncated, overwritten with garbage, chmod 000; a compile error put in and taken out; the
// toolchain hidden; the ABI version bumped and restored; a build that hangs; a plugin that
// crashes in its probe. Afterwards: zero failed component calls, no key lost, no pool buffer
// corrupted, every fault diagnosed as its type (or healed before a diagnosis could see it) and
// healed or reported as not auto-fixable, a history row for every attempt, no orphan process,
// memory bounded. Prints its tallies as a table. The seed is printed; SELFHEAL_CHAOS_SEED replays
// one, SELFHEAL_CHAOS_SECONDS lengthens the run.
#include <gtest/gtest.h>
#include <sys/stat.h>

#if defined(__SANITIZE_ADDRESS__)
// From <sanitizer/allocator_interface.h>, which GCC's packages do not ship; the runtime exports it.
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include "healer_harness.hpp"
#include "rust_core_world.hpp"
#include "process/proc_file.hpp"

namespace selfheal::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}
void write_file(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}
// The memory the host holds: its resident set, or under AddressSanitizer its live heap. ASan's
// quarantine keeps up to 256 MiB of freed memory resident, which the resident set would count
// as growth (a run under ASan went from 215 to 484 MiB resident and failed the bound).
#if defined(__SANITIZE_ADDRESS__)
constexpr const char* kHeldWhat = "live heap (ASan)";
std::uint64_t held_bytes() { return __sanitizer_get_current_allocated_bytes(); }
#else
constexpr const char* kHeldWhat = "RSS";
std::uint64_t held_bytes() {
  std::ifstream in("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  in >> size >> resident;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}
#endif
// Live processes (not zombies) whose command line mentions `needle`, other than this test.
std::vector<pid_t> processes_mentioning(const std::string& needle) {
  std::vector<pid_t> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = std::stoi(name);
    if (pid == ::getpid()) continue;
    std::string cmdline = selfheal::process::read_proc_file(entry.path() / "cmdline");
    for (auto& c : cmdline) if (c == '\0') c = ' ';
    const std::string stat = selfheal::process::read_proc_file(entry.path() / "stat");
    const auto paren = stat.rfind(')');
    const bool zombie = paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
    if (!zombie && cmdline.find(needle) != std::string::npos) found.push_back(pid);
  }
  return found;
}

// What one kind of fault did over the run.
struct Tally {
  int injected = 0;
  int on_top = 0;          // injected while another fault was still being healed
  int diagnosed = 0;       // the expected issue type was seen (diagnosis or history)
  int healed_first = 0;    // the host healed it before a diagnosis could see it
  int not_auto_fixable = 0;  // reported as such (a source error)
  std::set<std::string> seen;  // issue types observed for it
};

struct Fault {
  std::string name;
  std::vector<std::string> expected;  // issue types that are a correct diagnosis
  std::function<void()> inject;
  std::function<void()> undo;  // what an operator would do for faults the host cannot fix; may be empty
};

class Chaos : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* seed_env = std::getenv("SELFHEAL_CHAOS_SEED");
    seed = seed_env ? static_cast<unsigned>(std::stoul(seed_env)) : std::random_device{}();
    const char* seconds_env = std::getenv("SELFHEAL_CHAOS_SECONDS");
    run_for = std::chrono::seconds(seconds_env ? std::stoi(seconds_env) : 75);
    std::cout << "[ seed     ] " << seed << " (SELFHEAL_CHAOS_SEED=" << seed << " replays it)\n";
  }
  unsigned seed = 0;
  std::chrono::seconds run_for{75};
};

TEST_F(Chaos, TheHostKeepsServingAndLosesNothingUnderRandomFaults) {
  std::mt19937 rng(seed);
  HarnessOptions o;
  o.crate_source = "plugins/components/rust-core";
  o.library = "selfheal_rust_core";
  o.components = true;
  o.build_timeout = 30;  // a hanging build is killed after this; rust-core builds in well under it
  o.diagnosers.push_back("stale_artifact");
  o.diagnoser_config["corrupted_binary"] = "{required_symbols: [selfheal_abi_version, selfheal_build_info]}";
  o.extra_strategies = "    - name: restore_from_cache\n      library: strategy-restore-from-cache.so\n";
  o.issues = {{"not_built", "[restore_from_cache, build]"},
              {"corrupted_binary", "[restore_from_cache, clean_build]"},
              {"permission_error", "[fix_permissions, restore_from_cache, build]"},
              {"stale_artifact", "[build]"}};
  HealerHarness h(o);

  // The toolchain the host sees is one folder we can hide: no CARGO_HOME/bin, a PATH without
  // cargo, and install_rust configured to put the folder back, as an installer would.
  const auto toolchain = h.root() / "toolchain";
  const auto real_bin = rust_toolchain_bin();
  ASSERT_TRUE(fs::exists(real_bin + "/cargo")) << real_bin;
  fs::create_directory_symlink(real_bin, toolchain);
  const std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
  const char* old_cargo_home_c = std::getenv("CARGO_HOME");
  const std::string old_cargo_home = old_cargo_home_c ? old_cargo_home_c : "";
  ::setenv("PATH", "/usr/local/sbin:/usr/sbin:/sbin:/bin", 1);  // set before any thread starts
  ::setenv("CARGO_HOME", (h.root() / "empty-cargo-home").c_str(), 1);
  // A build hangs while this file exists (a RUSTC_WRAPPER that waits), to test the timeout.
  const auto hang_switch = h.root() / "hang-now";
  const auto wrapper = h.root() / "maybe-hang";
  write_file(wrapper, "#!/bin/sh\nif [ -e '" + hang_switch.string() + "' ]; then exec sleep 1000; fi\nexec \"$@\"\n");
  ::chmod(wrapper.c_str(), 0755);
  const std::string build_env = "{env: {RUSTC_WRAPPER: " + wrapper.string() + "}}";
  o.strategy_config["build"] = build_env;
  o.strategy_config["clean_build"] = build_env;
  o.strategy_config["install_rust"] = "{command: [/bin/ln, -sfn, " + real_bin + ", " + toolchain.string() +
                                      "], toolchain_bin: " + toolchain.string() + "}";
  o.extra_settings = "  check_interval: 1\n  toolchain_path: [" + toolchain.string() + "]\n";
  h.options() = o;
  h.write_manifest();

  // Every attempt the healer makes, counted from its own callback, to compare with history rows.
  std::atomic<std::int64_t> attempts_seen{0};
  h.build_healthy();
  h.host().components().check();
  h.host().healer().on_fix([&](const FixOutcome& outcome) {
    attempts_seen += static_cast<std::int64_t>(outcome.attempts.size());
  });
  const std::int64_t rows_before = h.host().history().totals().attempts;
  auto& loader = h.host().components();
  ASSERT_EQ(loader.status().components.size(), 3u);
  for (const auto& c : loader.status().components) ASSERT_EQ(c.active, "rust") << c.name;
  h.host().healer().start();
  loader.start();

  // --- workers: all three components at full speed --------------------------------------------
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> calls{0}, failed_calls{0}, corrupted_buffers{0}, lost_keys{0};
  // Keys are "key-<i>": inserted ones are the i below `inserted` (an insert that failed would be
  // counted in failed_calls and its key skipped by the final check).
  std::uint64_t inserted = 0;
  std::set<std::uint64_t> not_inserted;
  std::thread bloom_worker([&] {
    auto* bloom = loader.bloom_filter();
    while (!stop) {
      const std::uint64_t i = inserted++;
      const std::string key = "key-" + std::to_string(i);
      auto r = bloom->call([&](sdk::BloomFilter& f) { return f.insert(key); });
      if (!r.ok()) { ++failed_calls; not_inserted.insert(i); }
      const std::string probe = "key-" + std::to_string(i / 2);
      auto q = bloom->call([&](sdk::BloomFilter& f) { return f.contains(probe); });
      if (!q.ok()) ++failed_calls;
      else if (!q.value() && !not_inserted.count(i / 2)) ++lost_keys;
      calls += 2;
    }
  });
  std::thread window_worker([&] {
    auto* window = loader.sliding_window();
    std::vector<std::uint8_t> pixels(64 * 48 * 3);
    std::mt19937 local(seed + 1);
    while (!stop) {
      for (auto& p : pixels) p = static_cast<std::uint8_t>(local());
      sdk::Frame frame{pixels, 64, 48, 3, 0};
      if (!window->call([&](sdk::SlidingWindow& w) { return w.add_frame(frame); }).ok()) ++failed_calls;
      ++calls;
    }
  });
  std::thread pool_worker([&] {
    auto* pool = loader.memory_pool();
    std::mt19937 local(seed + 2);
    struct Held { sdk::Buffer buffer; std::uint8_t canary; std::size_t asked; };
    std::vector<Held> held;
    auto check_and_release = [&](const Held& b) {
      const auto* bytes = static_cast<const std::uint8_t*>(b.buffer.data);
      for (std::size_t k = 0; k < b.asked; ++k)
        if (bytes[k] != b.canary) { ++corrupted_buffers; break; }
      if (!pool->call([&](sdk::MemoryPool& p) { return p.release(b.buffer); }).ok()) ++failed_calls;
      ++calls;
    };
    while (!stop) {
      const std::size_t asked = 16 + local() % 4000;
      auto r = pool->call([&](sdk::MemoryPool& p) { return p.allocate(asked); });
      ++calls;
      if (!r.ok()) { ++failed_calls; continue; }
      const auto canary = static_cast<std::uint8_t>(local());
      std::memset(r.value().data, canary, asked);
      held.push_back({r.value(), canary, asked});
      if (held.size() > 64) {  // keep buffers outstanding across switches
        const std::size_t pick = local() % held.size();
        check_and_release(held[pick]);
        held.erase(held.begin() + static_cast<std::ptrdiff_t>(pick));
      }
    }
    for (const auto& b : held) check_and_release(b);
  });

  // --- faults ----------------------------------------------------------------------------------
  const auto lib_rs = h.crate_dir() / "src/lib.rs";
  const std::string original_lib = read_file(lib_rs);
  const auto artifact = h.artifact();
  std::vector<Fault> faults = {
      {"artifact deleted", {"not_built"}, [&] { fs::remove(artifact); }, {}},
      {"artifact truncated", {"corrupted_binary"},
       [&] { if (fs::exists(artifact)) fs::resize_file(artifact, fs::file_size(artifact) / 2); }, {}},
      {"artifact garbage", {"corrupted_binary"}, [&] { write_file(artifact, std::string(8192, '\x5a')); }, {}},
      {"artifact chmod 000", {"permission_error"}, [&] { ::chmod(artifact.c_str(), 0); }, {}},
      // The sources change under a working artifact: it keeps serving while the rebuild fails on
      // an error in the crate's own source, reported as not auto-fixable until it is taken out.
      {"compile error", {"stale_artifact", "build_failed"},
       [&] { write_file(lib_rs, original_lib + "\nfn broken( {\n"); },
       [&] { write_file(lib_rs, original_lib); }},
      {"toolchain hidden", {"missing_rustup"},
       [&] { std::error_code ec; fs::remove(toolchain, ec); fs::remove(artifact, ec); }, {}},
      {"ABI version bumped", {"incompatible_version", "stale_artifact"},
       [&] {
         std::string bumped = original_lib;
         const auto at = bumped.find("pub const ABI_VERSION: u32 = 1;");
         if (at != std::string::npos) bumped.replace(at, 31, "pub const ABI_VERSION: u32 = 2;");
         write_file(lib_rs, bumped);
       },
       [&] { write_file(lib_rs, original_lib); }},
      // A rebuild (sources touched, so the store cannot stand in) whose rustc hangs: killed at
      // build_timeout with its group.
      {"build hangs", {"stale_artifact", "build_failed"},
       [&] { write_file(hang_switch, "1"); write_file(lib_rs, original_lib + "\n// touched\n"); },
       [&] { fs::remove(hang_switch); write_file(lib_rs, original_lib); }},
  };
  std::map<std::string, Tally> tallies;
  int plugin_probe_crashes = 0, plugin_probe_refused = 0;

  // Waits (bounded) for the fault's diagnosis; `undo` is what an operator does afterwards.
  std::vector<std::string> any_issue;
  for (const auto& f : faults) any_issue.insert(any_issue.end(), f.expected.begin(), f.expected.end());
  for (const char* i : {"not_built", "build_failed", "corrupted_binary", "permission_error"}) any_issue.push_back(i);
  // On a healthy host the diagnosis must be the fault's own type; on top of another fault still
  // being healed, any of the injected kinds' types is right (the state is both).
  auto observe = [&](const Fault& single, Tally& t, std::int64_t rows_at_injection, bool on_top) {
    Fault f = single;
    if (on_top) f.expected = any_issue;
    bool diagnosed = false;
    eventually([&] {
      auto report = h.host().healer().diagnose();
      if (report.diagnosis) {
        t.seen.insert(report.diagnosis->issue_type);
        for (const auto& e : f.expected)
          if (report.diagnosis->issue_type == e) diagnosed = true;
        if (diagnosed && !report.diagnosis->can_auto_fix) ++t.not_auto_fixable;
      }
      // The host may have healed it first: its history row names the issue.
      for (const auto& row : h.host().history().recent(10))
        if (row.id > rows_at_injection)
          for (const auto& e : f.expected)
            if (row.issue_type == e) diagnosed = true;
      return diagnosed;
    }, 15s);
    if (diagnosed) ++t.diagnosed;
    else if (!h.host().healer().diagnose().diagnosis) ++t.healed_first;
  };

  const auto start_held_check = Clock::now();
  std::uint64_t held_after_warmup = 0;
  const auto end = Clock::now() + run_for;
  while (Clock::now() < end) {
    if (held_after_warmup == 0 && Clock::now() - start_held_check > 10s) held_after_warmup = held_bytes();
    const std::size_t pick = rng() % (faults.size() + 1);
    if (pick == faults.size()) {
      // A plugin that crashes in its probe, loaded while everything else runs (as a reload would).
      PluginSpec spec;
      spec.kind = sdk::PluginKind::strategy;
      spec.name = "crashing_init";
      spec.library = fs::path(SELFHEAL_FIXTURE_PLUGIN_DIR) / "fixture-crashing-init.so";
      auto record = h.host().loader().load(spec);
      if (record.status == LoadStatus::quarantined) ++plugin_probe_crashes;
      else if (record.status == LoadStatus::failed) ++plugin_probe_refused;
      continue;
    }
    const Fault& f = faults[pick];
    Tally& t = tallies[f.name];
    if (f.name == "build hangs" && t.injected > 0) continue;  // once: each costs build_timeout
    ++t.injected;
    std::int64_t last_row = 0;
    for (const auto& row : h.host().history().recent(1)) last_row = row.id;
    // On top: the host still sees a fault, or a fix is still running (its build may rewrite the
    // artifact after this fault lands, so what a diagnosis then sees is both).
    const bool on_top = h.host().healer().diagnose().diagnosis.has_value() ||
                        h.host().healer().status(0).current.has_value();
    if (on_top) ++t.on_top;
    f.inject();
    observe(f, t, last_row, on_top);
    // Faults the host cannot repair by itself (a source error) are repaired by the "operator".
    if (f.undo) {
      const auto hold = std::chrono::milliseconds(500 + rng() % 2500);
      const auto until = Clock::now() + hold;
      eventually([&] { return Clock::now() >= until; }, hold + 1s);
      f.undo();
    }
    // The next fault lands at a random moment: often while the host still fixes this one.
    const auto gap = std::chrono::milliseconds(rng() % 3000);
    const auto next = Clock::now() + gap;
    eventually([&] { return Clock::now() >= next; }, gap + 1s);
  }

  // --- quiet down: everything undone, the host heals by itself ----------------------------------
  write_file(lib_rs, original_lib);
  std::error_code ec;
  fs::remove(hang_switch, ec);
  if (!fs::exists(toolchain)) fs::create_directory_symlink(real_bin, toolchain);
  h.host().healer().request_check();
  const bool healthy = eventually([&] {
    if (h.host().healer().diagnose().diagnosis) return false;
    for (const auto& c : loader.status().components)
      if (c.active != "rust") { loader.request_check(); return false; }
    return true;
  }, 150s);
  stop = true;
  bloom_worker.join();
  window_worker.join();
  pool_worker.join();
  // Every key ever inserted is still there.
  {
    auto* bloom = loader.bloom_filter();
    for (std::uint64_t i = 0; i < inserted; ++i) {
      if (not_inserted.count(i)) continue;
      const std::string key = "key-" + std::to_string(i);
      auto r = bloom->call([&](sdk::BloomFilter& f) { return f.contains(key); });
      if (!r.ok()) ++failed_calls;
      else if (!r.value()) ++lost_keys;
    }
  }
  h.host().healer().stop();
  loader.stop();
  const std::uint64_t held_end = held_bytes();
  const std::int64_t rows = h.host().history().totals().attempts - rows_before;
  std::uint64_t switches = 0;
  for (const auto& c : loader.status().components) switches += c.switches;

  // --- the table --------------------------------------------------------------------------------
  std::cout << "\n  " << std::left << std::setw(22) << "fault" << std::right << std::setw(9) << "injected"
            << std::setw(8) << "on top" << std::setw(11) << "diagnosed" << std::setw(14) << "healed first" << std::setw(18)
            << "not auto-fixable" << "   issue types seen\n";
  for (const auto& f : faults) {
    const auto& t = tallies[f.name];
    std::string seen;
    for (const auto& s : t.seen) seen += (seen.empty() ? "" : ", ") + s;
    std::cout << "  " << std::left << std::setw(22) << f.name << std::right << std::setw(9) << t.injected
              << std::setw(8) << t.on_top << std::setw(11) << t.diagnosed << std::setw(14) << t.healed_first << std::setw(18)
              << t.not_auto_fixable << "   " << seen << "\n";
  }
  std::cout << "  plugin crashing in its probe: " << plugin_probe_crashes << " quarantined, "
            << plugin_probe_refused << " refused\n"
            << "  component calls: " << calls << ", failed: " << failed_calls << ", keys checked: "
            << inserted << ", lost: " << lost_keys << ", corrupted pool buffers: "
            << corrupted_buffers << ", switches: " << switches << "\n"
            << "  fix attempts seen: " << attempts_seen << ", history rows: " << rows << "\n"
            << "  " << kHeldWhat << " after warm-up " << (held_after_warmup >> 20) << " MiB, at the end "
            << (held_end >> 20) << " MiB\n\n";

  EXPECT_TRUE(healthy) << "the host did not heal after the faults stopped";
  EXPECT_EQ(failed_calls, 0u);
  EXPECT_EQ(lost_keys, 0u);
  EXPECT_EQ(corrupted_buffers, 0u);
  EXPECT_GT(calls, 0u);
  EXPECT_EQ(rows, attempts_seen.load()) << "an attempt without its history row, or the reverse";
  for (const auto& f : faults) {
    const auto& t = tallies[f.name];
    EXPECT_EQ(t.diagnosed + t.healed_first, t.injected) << f.name << ": a fault neither diagnosed nor healed";
  }
  EXPECT_EQ(plugin_probe_refused, 0) << "a crashing plugin must be quarantined, not just refused";
  if (held_after_warmup > 0) {
    EXPECT_LT(held_end, held_after_warmup + (256ull << 20)) << "the host's memory grew without bound";
  }

  h.restart();  // the host goes: nothing it started may remain
  ::setenv("PATH", old_path.c_str(), 1);
  if (old_cargo_home_c) ::setenv("CARGO_HOME", old_cargo_home.c_str(), 1); else ::unsetenv("CARGO_HOME");
  EXPECT_TRUE(eventually([&] { return processes_mentioning(h.root().string()).empty(); }, 20s))
      << processes_mentioning(h.root().string()).size() << " process(es) left behind";
}

}  // namespace
}  // namespace selfheal::testing
