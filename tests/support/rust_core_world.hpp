// A temporary copy of the real rust-core crate (sources only: never built), a state folder and a
// manifest with every diagnoser and strategy and the three components, each with both
// implementations and `prefer: rust`. For the tests that heal the real crate end to end.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>


namespace selfheal::testing {

inline const char* const kRustCoreComponents[] = {"bloom_filter", "sliding_window", "memory_pool"};

// The folder of the active Rust toolchain's cargo and rustc (rustc --print sysroot)/bin: what a
// test links to as "the toolchain" it can hide and restore.
inline std::string rust_toolchain_bin() {
  std::string out;
  FILE* p = ::popen("rustc --print sysroot", "r");
  char buf[512];
  while (p && std::fgets(buf, sizeof buf, p)) out += buf;
  if (p) ::pclose(p);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out + "/bin";
}

class RustCoreWorld {
 public:
  RustCoreWorld() {
    std::random_device rd;
    root_ = std::filesystem::temp_directory_path() /
            ("selfheal-heal-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    const auto source = std::filesystem::path(SELFHEAL_SOURCE_DIR) / "plugins/components/rust-core";
    std::filesystem::create_directories(crate_dir());
    for (const char* f : {"Cargo.toml", "Cargo.lock", "build.rs", "rust_core.h"})
      if (std::filesystem::exists(source / f)) std::filesystem::copy(source / f, crate_dir() / f);
    std::filesystem::copy(source / "src", crate_dir() / "src", std::filesystem::copy_options::recursive);
  }
  ~RustCoreWorld() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  std::string extra_settings;  // YAML lines under settings:
  // strategy name -> its config (inline YAML map)
  std::map<std::string, std::string> strategy_config;

  std::filesystem::path crate_dir() const { return root_ / "crate"; }
  std::filesystem::path artifact() const { return crate_dir() / "target/release/libselfheal_rust_core.so"; }
  std::filesystem::path manifest_file() const { return root_ / "plugins.yaml"; }

  void write_manifest() const {
    std::ostringstream y;
    y << "version: 1\nsettings:\n"
      << "  state_dir: " << state_dir().string() << "\n"
      << "  plugin_dir: " << SELFHEAL_PLUGIN_DIR << "\n"
      << "  check_interval: 1\n  build_timeout: 120\n  max_retries: 3\n"
      << "  backoff: {base: 0.01, cap: 0.05, reset_after: 1}\n"
      << "  min_free_memory_mb: 0\n  min_free_disk_mb: 0\n  log_level: info\n" << extra_settings
      << "crates:\n  - name: rust-core\n    path: " << crate_dir().string()
      << "\n    library: selfheal_rust_core\n    profile: release\n    abi_version: 1\n"
      << "plugins:\n  diagnosers:\n";
    for (const char* d : {"missing_rustup", "permission_error", "disk_full", "out_of_memory",
                          "missing_dependencies", "build_failed", "not_built", "corrupted_binary",
                          "incompatible_version"}) {
      y << "    - name: " << d << "\n      library: issue-" << dashed(d) << ".so\n";
      if (std::string(d) == "corrupted_binary")
        y << "      config: {required_symbols: [selfheal_abi_version, selfheal_build_info]}\n";
    }
    y << "  strategies:\n";
    for (const char* s : {"build", "clean_build", "install_dependencies", "fix_permissions",
                          "free_memory", "install_rust"})
    {
      y << "    - name: " << s << "\n      library: strategy-" << dashed(s) << ".so\n";
      if (auto c = strategy_config.find(s); c != strategy_config.end()) y << "      config: " << c->second << "\n";
    }
    y << "  components:\n";
    for (const char* c : kRustCoreComponents)
      for (const char* impl : {"cpp", "rust"})
        y << "    - name: " << c << "_" << impl << "\n      library: component-" << dashed(c)
          << "-" << impl << ".so\n";
    // `prefer: rust`, as the default manifest: with `auto` the loader keeps whichever
    // implementation measures faster, and C++ is the faster bloom filter and pool here.
    y << "components:\n";
    for (const char* c : kRustCoreComponents)
      y << "  " << c << ":\n    implementations: {cpp: " << c << "_cpp, rust: " << c << "_rust}\n"
        << "    prefer: rust\n";
    y << "issues:\n  not_built: [build]\n  build_failed: [clean_build]\n"
         "  missing_dependencies: [install_dependencies, build]\n  incompatible_version: [clean_build]\n"
         "  corrupted_binary: [clean_build]\n  missing_rustup: [install_rust, build]\n"
         "  permission_error: [fix_permissions, build]\n  out_of_memory: [free_memory, build]\n"
         "  disk_full: []\n";
    std::ofstream(manifest_file(), std::ios::trunc) << y.str();
  }

  std::filesystem::path root() const { return root_; }
  std::filesystem::path state_dir() const { return root_ / "state"; }
  static std::string dashed(std::string s) {
    for (auto& c : s) if (c == '_') c = '-';
    return s;
  }

 private:
  std::filesystem::path root_;
};


}  // namespace selfheal::testing
