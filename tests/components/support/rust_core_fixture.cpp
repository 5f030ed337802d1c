#include "rust_core_fixture.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include "cpp_bloom_filter.hpp"
#include "cpp_memory_pool.hpp"
#include "cpp_sliding_window.hpp"
#include "rust_bloom_filter.hpp"
#include "rust_memory_pool.hpp"
#include "rust_sliding_window.hpp"

extern char** environ;

namespace selfheal::components::testing {
namespace fs = std::filesystem;
namespace {

class LoadedLibrary final : public sdk::NativeLibrary {
 public:
  LoadedLibrary(void* handle, fs::path path) : handle_(handle), path_(std::move(path)) {}
  void* symbol(const char* name) const noexcept override { return ::dlsym(handle_, name); }
  fs::path path() const override { return path_; }

 private:
  void* handle_;  // never closed (RTLD_NODELETE)
  fs::path path_;
};

std::string cargo_program() {
  if (const char* home = std::getenv("HOME")) {
    fs::path p = fs::path(home) / ".cargo" / "bin" / "cargo";
    std::error_code ec;
    if (fs::exists(p, ec)) return p.string();
  }
  return "cargo";  // resolved through PATH by posix_spawnp
}

// Runs argv with stdin closed and stdout/stderr appended to `log`; the exit status, or -1.
int run(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string tail_of(const fs::path& log) {
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  return text.size() > 4000 ? text.substr(text.size() - 4000) : text;
}

struct Loaded {
  std::unique_ptr<LoadedLibrary> library;
  std::string error;
};

Loaded load() {
  const fs::path crate = fs::path(SELFHEAL_SOURCE_DIR) / "plugins/components/rust-core";
  const fs::path target = fs::path(SELFHEAL_BINARY_DIR) / "tests/components/rust-core-target";
  std::error_code ec;
  fs::create_directories(target, ec);
  const fs::path log = target / ("build-" + std::to_string(::getpid()) + ".log");
  // The crate's own directory is only read (--locked, outputs in the target directory); cargo
  // serialises concurrent test processes on the target directory's lock.
  const int status =
      run({cargo_program(), "build", "--release", "--offline", "--locked", "--manifest-path",
           (crate / "Cargo.toml").string(), "--target-dir", target.string()},
          log);
  if (status != 0) {
    Loaded l{nullptr, "cargo build of rust-core failed (status " + std::to_string(status) + "):\n" +
                          tail_of(log)};
    return l;
  }
  fs::remove(log, ec);
  // A private copy: another test process may rebuild the target's file while this one maps it.
  char dir_template[] = "/tmp/selfheal-rust-core-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) return {nullptr, "mkdtemp failed"};
  const fs::path copy = fs::path(dir_template) / "libselfheal_rust_core.so";
  fs::copy_file(target / "release/libselfheal_rust_core.so", copy, ec);
  if (ec) return {nullptr, "copying the artifact failed: " + ec.message()};
  void* handle = ::dlopen(copy.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  const std::string why = handle == nullptr ? ::dlerror() : "";
  fs::remove_all(dir_template, ec);  // the mapping outlives the file
  if (handle == nullptr) return {nullptr, "dlopen failed: " + why};
  return {std::make_unique<LoadedLibrary>(handle, copy), ""};
}

}  // namespace

const sdk::NativeLibrary* rust_core(std::string* error) {
  static const Loaded loaded = load();  // once per process; intentionally never unloaded
  if (error != nullptr) *error = loaded.error;
  return loaded.library.get();
}

std::unique_ptr<sdk::Component> make_component(const std::string& component,
                                               const std::string& language,
                                               const sdk::Value& config, std::string* error) {
  std::unique_ptr<sdk::ComponentImplementation> impl;
  const bool rust = language == "rust";
  if (component == sdk::component::bloom_filter)
    impl = rust ? std::unique_ptr<sdk::ComponentImplementation>(new RustBloomFilterImplementation)
                : std::make_unique<CppBloomFilterImplementation>();
  else if (component == sdk::component::sliding_window)
    impl = rust ? std::unique_ptr<sdk::ComponentImplementation>(new RustSlidingWindowImplementation)
                : std::make_unique<CppSlidingWindowImplementation>();
  else if (component == sdk::component::memory_pool)
    impl = rust ? std::unique_ptr<sdk::ComponentImplementation>(new RustMemoryPoolImplementation)
                : std::make_unique<CppMemoryPoolImplementation>();
  if (!impl) {
    if (error) *error = "unknown component " + component;
    return nullptr;
  }
  sdk::ComponentArgs args;
  args.config = config;
  if (impl->needs_artifact()) {
    args.artifact = rust_core(error);
    if (args.artifact == nullptr) return nullptr;
  }
  auto created = impl->create(args);
  if (!created) {
    if (error) *error = created.status().message;
    return nullptr;
  }
  return std::move(created.value());
}

}  // namespace selfheal::components::testing
