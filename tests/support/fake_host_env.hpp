// The host's Env with the machine's facts stated by the test (a full disk, low memory) and
// everything else real (builds, the clock, the artifact store): tests hand it to a Host through
// Host::Options::wrap_env (fake_host_env() below) and keep a pointer to change the facts.
// Unset facts come from the wrapped Env. MT safe: the healer's threads read what tests set.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "context/host_env_wrapper.hpp"

namespace selfheal::testing {

class FakeHostEnv final : public HostEnvWrapper {
 public:
  explicit FakeHostEnv(HostEnv& real) : HostEnvWrapper(real) {}

  void set_memory_available(std::optional<std::uint64_t> bytes) {
    std::lock_guard lock(mutex_);
    memory_ = bytes;
  }
  // For every path, unless a path is listed with the overload below.
  void set_free_bytes(std::optional<std::uint64_t> bytes) {
    std::lock_guard lock(mutex_);
    free_anywhere_ = bytes;
  }
  void set_free_bytes(const std::filesystem::path& path, std::uint64_t bytes) {
    std::lock_guard lock(mutex_);
    free_by_path_[path] = bytes;
  }

  // HostEnv
  std::optional<std::uint64_t> memory_available() override {
    std::unique_lock lock(mutex_);
    if (memory_) return memory_;
    lock.unlock();
    return HostEnvWrapper::memory_available();
  }
  std::optional<std::uint64_t> free_bytes(const std::filesystem::path& path) override {
    std::unique_lock lock(mutex_);
    if (auto it = free_by_path_.find(path); it != free_by_path_.end()) return it->second;
    if (free_anywhere_) return free_anywhere_;
    lock.unlock();
    return HostEnvWrapper::free_bytes(path);
  }

 private:
  std::mutex mutex_;
  std::optional<std::uint64_t> memory_;
  std::optional<std::uint64_t> free_anywhere_;
  std::map<std::filesystem::path, std::uint64_t> free_by_path_;
};

// Options::wrap_env for a Host whose Env is a FakeHostEnv; `*made` points at it once the Host
// is built (the Host owns it).
inline std::function<std::unique_ptr<HostEnv>(HostEnv&)> fake_host_env(FakeHostEnv** made) {
  return [made](HostEnv& real) {
    auto env = std::make_unique<FakeHostEnv>(real);
    *made = env.get();
    return std::unique_ptr<HostEnv>(std::move(env));
  };
}

}  // namespace selfheal::testing
