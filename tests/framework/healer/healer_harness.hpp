// A real host on a temporary copy of the tiny fixture crate, with the built plugins, for the
// healer's fault tests. Every test gets its own folder, crate, state and history.
#pragma once

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "context/toolchain_search_path.hpp"
#include "manifest/manifest.hpp"
#include "host/host.hpp"

#include "eventually.hpp"
#include "fake_host_env.hpp"

namespace selfheal::testing {

struct HarnessOptions {
  std::string extra_settings;                           // YAML lines under settings:
  std::map<std::string, std::string> strategy_config;   // strategy -> inline YAML map
  std::map<std::string, std::string> diagnoser_config;  // diagnoser -> inline YAML map
  std::map<std::string, std::string> issues;            // issue -> inline YAML list (overrides)
  std::string extra_strategies;                         // YAML list items under strategies:
  std::string extra_diagnosers_first;                   // YAML list items before the built-ins
  std::vector<std::string> diagnosers = {"missing_rustup", "permission_error", "disk_full",
                                         "out_of_memory", "missing_dependencies", "build_failed",
                                         "not_built", "corrupted_binary", "incompatible_version"};
  int abi_version = 1;
  int build_timeout = 120;
  int min_free_disk_mb = 0;
  // The crate copied into the test's folder (relative to the source tree) and its lib name.
  std::string crate_source = "tests/fixtures/crates/tiny";
  std::string library = "selfheal_tiny";
  bool components = false;  // the three components, C++ and Rust, preferring Rust
  // What the host's Env says the machine has (FakeHostEnv); unset: what the machine has.
  std::optional<std::uint64_t> free_bytes;
  std::optional<std::uint64_t> memory_available;
  std::shared_ptr<LogSink> log_sink;  // unset: warnings and errors on stderr
};

class HealerHarness {
 public:
  explicit HealerHarness(HarnessOptions options = {}) : options_(std::move(options)) {
    std::random_device rd;
    root_ = std::filesystem::temp_directory_path() /
            ("selfheal-healer-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(root_);
    const auto source = std::filesystem::path(SELFHEAL_SOURCE_DIR) / options_.crate_source;
    std::filesystem::create_directories(crate_dir());
    for (const auto& entry : std::filesystem::directory_iterator(source))
      if (entry.path().filename() != "target")  // never a developer's build output
        std::filesystem::copy(entry.path(), crate_dir() / entry.path().filename(),
                              std::filesystem::copy_options::recursive);
    write_manifest();
  }
  ~HealerHarness() {
    host_.reset();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  HarnessOptions& options() { return options_; }
  std::filesystem::path root() const { return root_; }
  std::filesystem::path crate_dir() const { return root_ / "crate"; }
  std::filesystem::path state_dir() const { return root_ / "state"; }
  std::filesystem::path manifest_file() const { return root_ / "plugins.yaml"; }
  std::filesystem::path artifact() const {
    return crate_dir() / "target" / "release" / ("lib" + options_.library + ".so");
  }

  void write_manifest() {
    std::ostringstream y;
    y << "version: 1\nsettings:\n"
      << "  state_dir: " << state_dir().string() << "\n"
      << "  plugin_dir: " << SELFHEAL_PLUGIN_DIR << "\n"
      << "  build_timeout: " << options_.build_timeout << "\n  max_retries: 3\n"
      << "  backoff: {base: 0.01, cap: 0.05, reset_after: 1}\n"
      << "  min_free_memory_mb: 0\n  min_free_disk_mb: " << options_.min_free_disk_mb
      << "\n  log_level: warning\n"
      << options_.extra_settings
      << "crates:\n  - name: tiny\n    path: " << crate_dir().string()
      << "\n    library: " << options_.library << "\n    abi_version: " << options_.abi_version << "\n"
      << "plugins:\n  diagnosers:\n" << options_.extra_diagnosers_first;
    for (const auto& d : options_.diagnosers) {
      std::string file = d;
      for (auto& c : file) if (c == '_') c = '-';
      y << "    - name: " << d << "\n      library: issue-" << file << ".so\n";
      std::string config = options_.diagnoser_config.count(d) ? options_.diagnoser_config.at(d) : "";
      if (d == "corrupted_binary" && config.empty()) config = "{required_symbols: [selfheal_abi_version]}";
      if (!config.empty()) y << "      config: " << config << "\n";
    }
    y << "  strategies:\n";
    for (const char* s : {"build", "clean_build", "install_dependencies", "fix_permissions",
                          "free_memory", "install_rust"}) {
      std::string file = s;
      for (auto& c : file) if (c == '_') c = '-';
      y << "    - name: " << s << "\n      library: strategy-" << file << ".so\n";
      if (options_.strategy_config.count(s)) y << "      config: " << options_.strategy_config.at(s) << "\n";
    }
    y << options_.extra_strategies;
    if (options_.components) {
      y << "  components:\n";
      for (const char* c : {"bloom_filter", "sliding_window", "memory_pool"})
        for (const char* impl : {"cpp", "rust"}) {
          std::string file = std::string(c) + "-" + impl;
          for (auto& ch : file) if (ch == '_') ch = '-';
          y << "    - name: " << c << "_" << impl << "\n      library: component-" << file << ".so\n";
        }
      y << "components:\n";
      for (const char* c : {"bloom_filter", "sliding_window", "memory_pool"})
        y << "  " << c << ":\n    implementations: {cpp: " << c << "_cpp, rust: " << c
          << "_rust}\n    prefer: rust\n";
    }
    std::map<std::string, std::string> issues = {
        {"not_built", "[build]"}, {"build_failed", "[clean_build]"},
        {"missing_dependencies", "[install_dependencies, build]"},
        {"incompatible_version", "[clean_build]"}, {"corrupted_binary", "[clean_build]"},
        {"missing_rustup", "[install_rust, build]"}, {"permission_error", "[fix_permissions, build]"},
        {"out_of_memory", "[free_memory, build]"}, {"disk_full", "[]"}};
    for (const auto& [k, v] : options_.issues) issues[k] = v;
    y << "issues:\n";
    for (const auto& [k, v] : issues) y << "  " << k << ": " << v << "\n";
    std::ofstream(manifest_file(), std::ios::trunc) << y.str();
  }

  // (Re)creates the host from the manifest file.
  Host& host() {
    if (!host_) {
      auto load = load_manifest(manifest_file());
      if (!load.manifest) {
        std::string all;
        for (const auto& e : load.errors) all += e.to_string() + "\n";
        throw std::runtime_error("manifest invalid:\n" + all);
      }
      Host::Options o;
      o.probe_program = std::filesystem::path(SELFHEAL_BINARY_DIR) / "bin" / "selfheal-probe";
      o.log_sink = options_.log_sink ? options_.log_sink : std::make_shared<LogSink>(LogLevel::warning);
      o.wrap_env = fake_host_env(&env_);
      host_ = std::make_unique<Host>(std::move(*load.manifest), o);
      env_->set_free_bytes(options_.free_bytes);
      env_->set_memory_available(options_.memory_available);
    }
    return *host_;
  }
  // The Env of the current host: real except for the facts a test states.
  FakeHostEnv& env() {
    host();
    return *env_;
  }
  void restart() { host_.reset(); }

  FixOutcome fix() { return host().healer().fix(FixRequest{}); }
  DiagnosisReport diagnose() { return host().healer().diagnose(); }
  // Builds once so that the crate starts healthy.
  void build_healthy() {
    auto outcome = fix();
    if (!outcome.success || diagnose().diagnosis)
      throw std::runtime_error("could not make the fixture crate healthy: " +
                               outcome.error.value_or("?"));
  }
  void write_crate_file(const std::string& rel, const std::string& text) {
    std::ofstream(crate_dir() / rel, std::ios::trunc) << text;
  }
  std::string read(const std::filesystem::path& p) const {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }
  int count_in_build_log(const std::string& needle) const {
    std::string text = read(state_dir() / "tiny" / "build.log");
    int n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
  }

 private:
  HarnessOptions options_;
  std::filesystem::path root_;
  std::unique_ptr<Host> host_;
  FakeHostEnv* env_ = nullptr;  // host_'s; owned by it
};

// The machine's cargo, looked up as the host looks it up ($CARGO_HOME/bin or ~/.cargo/bin, then
// PATH); empty when there is none.
inline std::filesystem::path real_cargo() {
  return ToolchainSearchPath::from_environment({}).find("cargo").value_or(std::filesystem::path());
}

}  // namespace selfheal::testing
