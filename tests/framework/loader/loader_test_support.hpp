// Helpers for the loader tests: fixture paths, specs, temporary directories and file surgery.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "loader/plugin_loader.hpp"
#include "manifest/manifest.hpp"
#include "process/process_runner.hpp"
#include "selfheal/sdk/testing/fake_context.hpp"
#include "selfheal/sdk/version.hpp"

#include "temp_dir.hpp"

namespace selfheal::testing {

// The SDK version this host provides, as the loader's messages print it ("1.3").
inline const std::string kHostSdk =
    std::to_string(SELFHEAL_SDK_VERSION_MAJOR) + "." + std::to_string(SELFHEAL_SDK_VERSION_MINOR);

inline std::filesystem::path fixture(const std::string& stem) {
  return std::filesystem::path(SELFHEAL_FIXTURE_PLUGIN_DIR) / ("fixture-" + stem + ".so");
}

inline std::filesystem::path probe_program() {
  return std::filesystem::path(SELFHEAL_BINARY_DIR) / "bin" / "selfheal-probe";
}

inline PluginSpec spec(sdk::PluginKind kind, std::string name, std::filesystem::path library) {
  PluginSpec s;
  s.kind = kind;
  s.name = std::move(name);
  s.library = std::move(library);
  return s;
}

inline PluginSpec strategy_spec(const std::string& name, const std::filesystem::path& library) {
  return spec(sdk::PluginKind::strategy, name, library);
}

inline std::vector<char> read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::filesystem::path& file, const std::vector<char>& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Copies `source` to `target` keeping only its first `size` bytes; mode 0644.
inline void write_truncated(const std::filesystem::path& source,
                            const std::filesystem::path& target, std::size_t size) {
  auto bytes = read_bytes(source);
  if (bytes.size() > size) bytes.resize(size);
  write_bytes(target, bytes);
  ::chmod(target.c_str(), 0644);
}

inline void write_garbage(const std::filesystem::path& target, std::size_t size) {
  std::mt19937 random(20240611);
  std::vector<char> bytes(size);
  for (auto& b : bytes) b = static_cast<char>(random() & 0xff);
  write_bytes(target, bytes);
  ::chmod(target.c_str(), 0644);
}

inline std::filesystem::path copy_to(const std::filesystem::path& source,
                                     const std::filesystem::path& dir, const std::string& name) {
  const auto target = dir / name;
  std::filesystem::copy_file(source, target, std::filesystem::copy_options::overwrite_existing);
  ::chmod(target.c_str(), 0644);
  return target;
}

// EXPECT_TRUE(contains(text, part)): prints the whole text when the part is missing.
inline ::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << part << "' not in: " << text;
}

inline bool running_as_root() { return ::geteuid() == 0; }

constexpr bool kAddressSanitizer =
#if defined(__SANITIZE_ADDRESS__)
    true;
#else
    false;
#endif

}  // namespace selfheal::testing
