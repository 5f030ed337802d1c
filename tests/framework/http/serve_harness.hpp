// A temporary world for one `selfheal serve`: a copy of the tiny fixture crate, a state folder
// and a manifest with the built plugins (the pattern of tests/framework/healer/healer_harness.hpp)
// plus components, so that every endpoint has something to report.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "process/proc_file.hpp"
#include "serve_process.hpp"

#include "eventually.hpp"

namespace selfheal::testing {

struct ServeWorld {
  std::string extra_settings;  // YAML lines under settings:
  std::string build_config;    // the build strategy's config: inline YAML map
  std::string clean_build_config;
  // component -> inline YAML map of implementations; default: cpp and rust for all three
  std::map<std::string, std::string> components = {
      {"bloom_filter", "{cpp: bloom_filter_cpp, rust: bloom_filter_rust}"},
      {"sliding_window", "{cpp: sliding_window_cpp, rust: sliding_window_rust}"},
      {"memory_pool", "{cpp: memory_pool_cpp, rust: memory_pool_rust}"}};
  int check_interval = 300;
  // YAML list items put first under plugins.diagnosers (they run first), e.g. a test's plugin.
  std::string first_diagnosers;
  // The built-in diagnosers listed after them.
  std::vector<std::string> diagnosers = {"missing_rustup", "permission_error", "disk_full",
                                         "out_of_memory", "missing_dependencies", "build_failed",
                                         "not_built", "corrupted_binary", "incompatible_version"};

  ServeWorld() {
    std::random_device rd;
    root_ = std::filesystem::temp_directory_path() /
            ("selfheal-http-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(root_);
    std::filesystem::copy(std::filesystem::path(SELFHEAL_SOURCE_DIR) / "tests/fixtures/crates/tiny",
                          crate_dir(), std::filesystem::copy_options::recursive);
  }
  ~ServeWorld() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  std::filesystem::path root() const { return root_; }
  std::filesystem::path crate_dir() const { return root_ / "crate"; }
  std::filesystem::path state_dir() const { return root_ / "state"; }
  std::filesystem::path manifest_file() const { return root_ / "plugins.yaml"; }

  std::string manifest_text() const {
    std::ostringstream y;
    y << "version: 1\nsettings:\n"
      << "  state_dir: " << state_dir().string() << "\n"
      << "  plugin_dir: " << SELFHEAL_PLUGIN_DIR << "\n"
      << "  check_interval: " << check_interval << "\n"
      << "  build_timeout: 120\n  max_retries: 3\n"
      << "  backoff: {base: 0.01, cap: 0.05, reset_after: 1}\n"
      << "  min_free_memory_mb: 0\n  min_free_disk_mb: 0\n  log_level: info\n"
      << extra_settings
      << "crates:\n  - name: tiny\n    path: " << crate_dir().string()
      << "\n    library: selfheal_tiny\n    abi_version: 1\n"
      << "plugins:\n  diagnosers:" << (first_diagnosers.empty() && diagnosers.empty() ? " []" : "")
      << "\n" << first_diagnosers;
    for (const auto& d : diagnosers) {
      y << "    - name: " << d << "\n      library: issue-" << dashed(d) << ".so\n";
      if (d == "corrupted_binary")
        y << "      config: {required_symbols: [selfheal_abi_version]}\n";
    }
    y << "  strategies:\n";
    for (const char* s : {"build", "clean_build", "install_dependencies", "fix_permissions",
                          "free_memory", "install_rust"}) {
      y << "    - name: " << s << "\n      library: strategy-" << dashed(s) << ".so\n";
      if (std::string(s) == "build" && !build_config.empty()) y << "      config: " << build_config << "\n";
      if (std::string(s) == "clean_build" && !clean_build_config.empty())
        y << "      config: " << clean_build_config << "\n";
    }
    y << "  components:\n";
    for (const char* c : {"bloom_filter_cpp", "bloom_filter_rust", "sliding_window_cpp",
                          "sliding_window_rust", "memory_pool_cpp", "memory_pool_rust"})
      y << "    - name: " << c << "\n      library: component-" << dashed(c) << ".so\n";
    if (!components.empty()) {
      y << "components:\n";
      for (const auto& [name, impls] : components)
        y << "  " << name << ":\n    implementations: " << impls << "\n";
    }
    y << "issues:\n  not_built: [build]\n  build_failed: [clean_build]\n"
         "  missing_dependencies: [install_dependencies, build]\n  incompatible_version: [clean_build]\n"
         "  corrupted_binary: [clean_build]\n  missing_rustup: [install_rust, build]\n"
         "  permission_error: [fix_permissions, build]\n  out_of_memory: [free_memory, build]\n"
         "  disk_full: []\n";
    return y.str();
  }
  void write_manifest() const { write_file(manifest_file(), manifest_text()); }

  // A RUSTC_WRAPPER that records its pid and hangs: builds never finish.
  std::filesystem::path hanging_wrapper() const {
    auto wrapper = root_ / "hang-rustc";
    write_file(wrapper, "#!/bin/sh\necho $$ >> " + (root_ / "hang.pid").string() + "\nexec sleep 1000\n");
    ::chmod(wrapper.c_str(), 0755);
    return wrapper;
  }
  std::vector<pid_t> hanging_pids() const {
    std::vector<pid_t> pids;
    std::ifstream in(root_ / "hang.pid");
    pid_t p;
    while (in >> p) pids.push_back(p);
    return pids;
  }

  static void write_file(const std::filesystem::path& p, const std::string& text) {
    std::ofstream(p, std::ios::trunc) << text;
  }
  static std::string dashed(std::string s) {
    for (auto& c : s) if (c == '_') c = '-';
    return s;
  }

 private:
  std::filesystem::path root_;
};

// A process is gone when kill() fails or it is a zombie waiting for a parent.
inline bool process_gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return true;
  const std::string text = process::read_proc_file("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] == 'Z';
}

// Live (non-zombie) processes whose command line mentions `needle`.
inline std::vector<pid_t> processes_mentioning(const std::string& needle) {
  std::vector<pid_t> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = process::read_proc_file(entry.path() / "cmdline");
    for (auto& c : cmdline) if (c == '\0') c = ' ';
    const pid_t pid = std::stoi(name);
    if (cmdline.find(needle) != std::string::npos && !process_gone(pid)) found.push_back(pid);
  }
  return found;
}

// A `selfheal serve` with no components, for tests of the HTTP layer itself; `port` is 0 when
// it did not start (its log says why).
struct Served {
  explicit Served(std::map<std::string, std::string> env = {}, std::string extra_settings = {}) {
    world.extra_settings = std::move(extra_settings);
    world.components = {};
    world.write_manifest();
    serve = std::make_unique<ServeProcess>(world.manifest_file().string(), std::move(env));
    port = serve->port();
  }
  ServeWorld world;
  std::unique_ptr<ServeProcess> serve;
  int port = 0;
};

}  // namespace selfheal::testing
