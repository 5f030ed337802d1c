// The proof that applications keep working while the crate breaks and heals (issue 13): a real
// `selfheal serve` daemon plus following applications (examples/dedup, and the Python follower
// when the module is built) on one state folder; faults injected into the crate in a loop; the
// daemon killed with -9 once in the middle of a fix and restarted. Checked: no failed call, no
// key lost, window verdicts equal a run alone, every pool buffer intact and released once, each
// follower's upgrade within 1 s of the daemon's (measured, printed), and no follower process ever
// ran cargo or rustc (watched in /proc the whole time).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "eventually.hpp"
#include "http_client.hpp"
#include "rust_core_world.hpp"
#include "serve_process.hpp"

namespace selfheal::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string loop_read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
void loop_write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::trunc) << text; }

// A child with stdout and stderr appended to one file.
class FollowerProcess {
 public:
  FollowerProcess(std::vector<std::string> args, fs::path output, std::map<std::string, std::string> env = {})
      : output_(std::move(output)) {
    std::vector<std::string> environment;
    for (char** e = environ; *e; ++e) environment.push_back(*e);
    for (const auto& [k, v] : env) environment.push_back(k + "=" + v);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : environment) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(output_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
  }
  ~FollowerProcess() {
    if (pid_ > 0 && exit_code_ < 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  std::string output() const { return loop_read(output_); }
  // SIGTERM, then the exit code (-1: it had to be killed).
  int stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    const bool exited = eventually([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, 60s);
    if (!exited) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      return exit_code_ = -1;
    }
    return exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  fs::path output_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

// Watches /proc for cargo and rustc and remembers the ancestors of each one it saw.
class CompilerWatch {
 public:
  CompilerWatch() : thread_([this] { run(); }) {}
  ~CompilerWatch() {
    stop_ = true;
    thread_.join();
  }
  // Compiler processes seen whose ancestry includes `pid`.
  int seen_under(pid_t pid) const {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const auto& chain : chains_)
      if (chain.count(pid)) ++n;
    return n;
  }
  int seen() const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(chains_.size());
  }

 private:
  static pid_t parent_of(pid_t pid, std::string& comm) {
    const std::string stat = loop_read("/proc/" + std::to_string(pid) + "/stat");
    const auto open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 4 >= stat.size()) return 0;
    comm = stat.substr(open + 1, close - open - 1);
    return static_cast<pid_t>(std::atol(stat.c_str() + close + 4));
  }
  void run() {
    while (!stop_) {
      for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        const pid_t pid = std::stoi(name);
        if (seen_pids_.count(pid)) continue;
        std::string comm;
        pid_t parent = parent_of(pid, comm);
        if (comm != "cargo" && comm != "rustc") continue;
        seen_pids_.insert(pid);
        std::set<pid_t> chain;
        for (int depth = 0; parent > 1 && depth < 64; ++depth) {
          chain.insert(parent);
          std::string c;
          parent = parent_of(parent, c);
        }
        std::lock_guard lock(mutex_);
        chains_.push_back(std::move(chain));
      }
      ::poll(nullptr, 0, 5);
    }
  }
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::set<pid_t>> chains_;
  std::set<pid_t> seen_pids_;
  std::thread thread_;
};


std::map<std::string, std::string> report_fields(const std::string& text, std::vector<std::string>& changes) {
  std::map<std::string, std::string> fields;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    if (line.compare(0, eq, "change") == 0) changes.push_back(line.substr(eq + 1));
    else fields[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return fields;
}

// "2026-12-01T00:43:40.676Z INFO [components] bloom_filter: upgraded_to_rust ..." -> (ms, component)
std::vector<std::pair<long long, std::string>> daemon_upgrades(const std::string& log) {
  std::vector<std::pair<long long, std::string>> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    const auto at = line.find("[components] ");
    if (at == std::string::npos || line.find(": upgraded_to_rust", at) == std::string::npos) continue;
    std::tm tm{};
    int ms = 0;
    if (!strptime(line.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) continue;
    std::sscanf(line.c_str() + 20, "%3d", &ms);
    const long long t = static_cast<long long>(timegm(&tm)) * 1000 + ms;
    const auto start = at + 13;
    out.emplace_back(t, line.substr(start, line.find(':', start) - start));
  }
  return out;
}

bool daemon_all_rust(int port) {
  auto r = http_get(port, "/self-healing/component-status");
  if (r.status != 200) return false;
  auto v = r.json();
  if (!v.is_object()) return false;
  for (const char* c : kRustCoreComponents) {
    const auto* co = v.at("components").as_object().if_contains(c);
    if (!co || co->at("active_implementation") != "rust") return false;
  }
  return true;
}

std::string daemon_diagnosis(int port) {
  auto r = http_post(port, "/self-healing/diagnose");
  auto v = r.json();
  if (!v.is_object() || !v.as_object().contains("issue_type")) return "?";
  return v.at("issue_type").is_null() ? std::string("healthy") : std::string(v.at("issue_type").as_string());
}

TEST(FaultLoop, ApplicationsKeepWorkingWhileTheCrateBreaksAndHeals) {
  RustCoreWorld world;
  // The toolchain the daemon sees is one folder the test can hide; install_rust puts it back.
  const auto toolchain = world.root() / "toolchain";
  const auto real_bin = rust_toolchain_bin();
  ASSERT_TRUE(fs::exists(real_bin + "/cargo")) << real_bin;
  fs::create_directory_symlink(real_bin, toolchain);
  world.extra_settings = "  toolchain_path: [" + toolchain.string() + "]\n";
  world.strategy_config["install_rust"] = "{command: [/bin/ln, -sfn, " + real_bin + ", " + toolchain.string() +
                                          "], toolchain_bin: " + toolchain.string() + "}";
  world.write_manifest();
  const std::map<std::string, std::string> daemon_env = {
      {"PATH", "/usr/local/sbin:/usr/sbin:/sbin:/bin"}, {"CARGO_HOME", (world.root() / "no-cargo-home").string()}};

  CompilerWatch compilers;
  auto daemon = std::make_unique<ServeProcess>(world.manifest_file().string(), daemon_env);
  int port = daemon->port();
  ASSERT_GT(port, 0) << daemon->log();
  std::string daemon_logs;  // of daemons already gone

  // The followers: the C++ example, and the Python program when the module is built. Each is
  // paced like a camera at 1000 frames/s, so that they do not starve the daemon's builds.
  struct Follower {
    std::string name;
    std::vector<std::string> command;  // without its report and mode arguments
    fs::path report;
    std::vector<std::string> alone_args(const fs::path& manifest, const fs::path& alone_report,
                                        const std::string& frames) const {
      auto a = command;
      for (auto& word : a)
        if (word == "MANIFEST") word = manifest.string();
        else if (word == "REPORT") word = alone_report.string();
      a.insert(a.end(), {"--frames", frames});
      return a;
    }
    std::unique_ptr<FollowerProcess> process;
  };
  const std::string dedup = std::string(SELFHEAL_BINARY_DIR) + "/bin/selfheal-dedup";
  std::vector<Follower> followers;
  followers.push_back({"dedup (C++)", {dedup, "--config", "MANIFEST", "--report", "REPORT"}, world.root() / "dedup.report", {}});
  const fs::path python_module_dir = fs::path(SELFHEAL_BINARY_DIR) / "python";
  bool python = false;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // A sanitized module cannot load into Debian's uninstrumented python3 (make test-asan).
  const bool python_possible = false;
#else
  const bool python_possible = true;
#endif
  std::error_code no_dir;
  for (const auto& e : fs::directory_iterator(python_module_dir, no_dir))
    python = python || e.path().filename().string().rfind("selfheal", 0) == 0;
  if (python && python_possible)
    followers.push_back({"follower.py", {"/usr/bin/python3", std::string(SELFHEAL_SOURCE_DIR) + "/tests/runtime/python/follower.py",
                                         "MANIFEST", "REPORT"},
                         world.root() / "python.report", {}});
  else
    std::cout << "no loadable Python module in this tree: only the C++ follower runs" << std::endl;
  const std::map<std::string, std::string> follower_env = {{"PYTHONPATH", python_module_dir.string()}};
  for (auto& f : followers) {
    auto args = f.alone_args(world.manifest_file(), f.report, "0");
    args.resize(args.size() - 2);  // no --frames
    args.insert(args.end(), {"--until-signal", "--rate", "1000"});
    f.process = std::make_unique<FollowerProcess>(args, fs::path(f.report.string() + ".out"), follower_env);
  }

  auto follower_on_rust = [&](const FollowerProcess& f) {
    const auto out = f.output();
    for (const char* c : kRustCoreComponents)
      if (out.find(std::string("switch: ") + c + " upgraded_to_rust") == std::string::npos) return false;
    return true;
  };
  auto all_followers_on_rust = [&] {
    for (const auto& f : followers)
      if (!follower_on_rust(*f.process)) return false;
    return true;
  };
  ASSERT_TRUE(eventually([&] { return daemon_all_rust(port) && all_followers_on_rust(); }, 180s))
      << daemon->log() << "\n--- " << followers[0].name << "\n" << followers[0].process->output()
      << "\n--- last follower\n" << followers.back().process->output();

  const auto lib_rs = world.crate_dir() / "src/lib.rs";
  const std::string original_lib = loop_read(lib_rs);
  const auto artifact = world.artifact();
  int round = 0;
  // A repaired source differs from every earlier one (one more exported function), so each
  // repair is a new artifact the followers must move to.
  auto repaired_source = [&] {
    ++round;
    return original_lib + "\n#[no_mangle]\npub extern \"C\" fn selfheal_fault_round_" + std::to_string(round) +
           "() -> u32 { " + std::to_string(round) + " }\n";
  };
  struct LoopFault {
    std::string name;
    std::function<void()> inject;
    std::function<void()> repair;  // what an operator does after the diagnosis; may be empty
    std::string expected;          // the daemon's diagnosis before the repair ("" : not waited for)
  };
  std::vector<LoopFault> faults = {
      {"artifact deleted", [&] { fs::remove(artifact); }, {}, ""},
      {"artifact truncated", [&] { fs::resize_file(artifact, fs::file_size(artifact) / 2); }, {}, ""},
      {"artifact garbage", [&] { loop_write(artifact, std::string(8192, '\x5a')); }, {}, ""},
      // The artifact goes too, so a build must run and fail on the crate's own source (not
      // auto-fixable) until the operator repairs it.
      {"compile error", [&] { loop_write(lib_rs, original_lib + "\nfn broken( {\n"); fs::remove(artifact); },
       [&] { loop_write(lib_rs, repaired_source()); }, "build_failed"},
      {"artifact chmod 000", [&] { ::chmod(artifact.c_str(), 0); }, {}, ""},
      {"toolchain hidden", [&] { fs::remove(toolchain); fs::remove(artifact); }, {}, ""},
  };

  // Healed: the daemon is healthy, on Rust, and has accepted the artifact in target/ into its
  // store (what its followers load).
  auto sha256_of = [](const fs::path& file) {
    std::string out;
    FILE* p = ::popen(("sha256sum '" + file.string() + "' 2>/dev/null").c_str(), "r");
    char buf[256];
    while (p && std::fgets(buf, sizeof buf, p)) out += buf;
    if (p) ::pclose(p);
    return out.substr(0, std::min<std::size_t>(64, out.size()));
  };
  auto healed = [&] {
    if (!fs::exists(artifact) || !daemon_all_rust(port) || daemon_diagnosis(port) != "healthy") return false;
    std::string current = loop_read(world.state_dir() / "rust-core" / "artifacts" / "current");
    current = current.substr(0, std::min<std::size_t>(64, current.size()));
    return current.size() == 64 && current == sha256_of(artifact);
  };
  for (const auto& f : faults) {
    SCOPED_TRACE(f.name);
    std::cout << "fault: " << f.name << std::endl;
    f.inject();
    if (!f.expected.empty()) {
      ASSERT_TRUE(eventually([&] { return daemon_diagnosis(port) == f.expected; }, 120s)) << daemon->log();
    }
    if (f.repair) f.repair();
    ASSERT_TRUE(eventually(healed, 180s)) << daemon->log();
  }

  // The daemon dies by SIGKILL in the middle of a fix; a new one takes over the state folder.
  {
    std::cout << "fault: daemon killed -9 mid-fix" << std::endl;
    auto builds_started = [&] {
      const auto log = daemon->log();
      int n = 0;
      for (auto at = log.find("] building rust-core"); at != std::string::npos; at = log.find("] building rust-core", at + 1)) ++n;
      return n;
    };
    const int builds_before = builds_started();
    loop_write(lib_rs, repaired_source());  // sources changed: a rebuild that takes a while
    fs::remove(artifact);
    ASSERT_TRUE(eventually([&] { return builds_started() > builds_before; }, 120s)) << daemon->log();
    ::kill(daemon->pid(), SIGKILL);
    daemon_logs += daemon->log();
    daemon.reset();
    daemon = std::make_unique<ServeProcess>(world.manifest_file().string(), daemon_env);
    port = daemon->port();
    ASSERT_GT(port, 0) << daemon->log();
    ASSERT_TRUE(eventually(healed, 180s)) << daemon->log();
  }
  // The followers reach the daemon's last artifact: each moved once to every artifact the daemon
  // accepted (one folder per distinct artifact in the store).
  {
    std::size_t accepted = 0;
    for (const auto& e : fs::directory_iterator(world.state_dir() / "rust-core" / "artifacts"))
      if (e.is_directory() && e.path().filename().string().size() == 64) ++accepted;
    auto upgrades_seen = [](const std::string& out, const std::string& component) {
      std::size_t n = 0;
      const std::string line = "switch: " + component + " upgraded_to_rust";
      for (auto at = out.find(line); at != std::string::npos; at = out.find(line, at + 1)) ++n;
      return n;
    };
    for (const auto& f : followers)
      EXPECT_TRUE(eventually([&] {
        const auto out = f.process->output();
        for (const char* c : kRustCoreComponents)
          if (upgrades_seen(out, c) < accepted) return false;
        return true;
      }, 30s)) << f.name << " did not reach all " << accepted << " artifacts:\n" << f.process->output();
  }
  const std::string last_daemon_log = daemon_logs + daemon->log();
  const auto upgrades = daemon_upgrades(last_daemon_log);
  ASSERT_FALSE(upgrades.empty()) << last_daemon_log;

  // Stop the followers; check each one's report against a run of its own alone.
  long long worst = 0;
  for (auto& f : followers) {
    SCOPED_TRACE(f.name);
    const int exit_code = f.process->stop();
    std::vector<std::string> changes;
    const auto fields = report_fields(loop_read(f.report), changes);
    ASSERT_TRUE(fields.count("frames")) << f.process->output();
    EXPECT_EQ(exit_code, 0) << f.process->output();
    EXPECT_EQ(fields.at("failed_calls"), "0") << f.process->output();
    EXPECT_EQ(fields.at("lost_keys"), "0");
    EXPECT_EQ(fields.at("damaged_buffers"), "0");
    EXPECT_EQ(fields.at("allocations"), fields.at("releases"));
    EXPECT_EQ(fields.at("served_by"), "bloom_filter=rust memory_pool=rust sliding_window=rust");

    // The window's verdicts equal a run alone (C++ only, no daemon, a state folder of its own).
    {
      const auto alone_manifest = world.root() / "alone.yaml";
      std::string text = loop_read(world.manifest_file());
      const auto at = text.find(world.state_dir().string());
      text.replace(at, world.state_dir().string().size(), (world.root() / "alone-state").string());
      loop_write(alone_manifest, text);
      const auto alone_report = world.root() / "alone.report";
      fs::remove(alone_report);
      FollowerProcess alone(f.alone_args(alone_manifest, alone_report, fields.at("frames")),
                            world.root() / "alone.out", follower_env);
      int status = 0;
      ASSERT_TRUE(eventually([&] { return ::waitpid(alone.pid(), &status, WNOHANG) == alone.pid(); }, 300s));
      std::vector<std::string> none;
      const auto reference = report_fields(loop_read(alone_report), none);
      ASSERT_TRUE(reference.count("verdicts")) << alone.output();
      EXPECT_EQ(reference.at("served_by"), "bloom_filter=cpp memory_pool=cpp sliding_window=cpp");
      EXPECT_EQ(fields.at("verdicts"), reference.at("verdicts")) << fields.at("frames") << " frames";
    }

    // Each upgrade came within 1 s of the daemon's upgrade of the same component.
    int measured = 0;
    for (const auto& c : changes) {
      std::istringstream in(c);
      long long t = 0;
      std::string component, change;
      in >> t >> component >> change;
      if (change != "upgraded_to_rust") continue;
      long long nearest = -1;
      for (const auto& [td, cd] : upgrades)
        if (cd == component && (nearest < 0 || std::llabs(t - td) < std::llabs(t - nearest))) nearest = td;
      ASSERT_GE(nearest, 0) << component;
      const long long lag = t - nearest;
      std::cout << f.name << " upgrade: " << component << " " << lag << " ms after the daemon's" << std::endl;
      worst = std::max(worst, lag);
      ++measured;
      EXPECT_LT(std::llabs(lag), 1000) << c;
    }
    EXPECT_GE(measured, 3 * 3) << "the first heal, the repaired compile error and the source after the kill\n"
                               << last_daemon_log;
  }
  std::cout << "followers: " << followers.size() << ", worst upgrade lag " << worst << " ms" << std::endl;

  // cargo ran, under the daemon only.
  EXPECT_GT(compilers.seen(), 0) << "the watch saw no compiler at all: it cannot have checked anything";
  for (const auto& f : followers)
    EXPECT_EQ(compilers.seen_under(f.process->pid()), 0) << f.name << " ran cargo or rustc";
}

}  // namespace
}  // namespace selfheal::testing
