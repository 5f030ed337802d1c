// Helpers for the manifest tests: a temporary folder tree with fake plugin libraries and crates,
// injected environments, and an assertion that names the error expected and lists those found.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "manifest/manifest.hpp"
#include "temp_dir.hpp"

namespace selfheal::manifest_testing {

// A fresh folder (testing::TempDir) with helpers to write manifests and crates into it.
class TempTree {
 public:
  const std::filesystem::path& root() const { return dir_.path(); }
  std::filesystem::path operator/(const std::filesystem::path& p) const { return dir_ / p; }

  // Writes `text` to root/relative (creating folders); returns the absolute path.
  std::filesystem::path write(const std::filesystem::path& relative, std::string_view text = {}) {
    std::filesystem::path p = root() / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  // A crate folder with a Cargo.toml.
  std::filesystem::path crate(const std::filesystem::path& relative) {
    return write(relative / "Cargo.toml", "[package]\nname = \"fake\"\n").parent_path();
  }

 private:
  selfheal::testing::TempDir dir_{"selfheal-manifest"};
};

// Drops the one newline that follows R"( so that line 1 of a test text is its first line.
inline std::string yaml(std::string_view text) {
  if (!text.empty() && text.front() == '\n') text.remove_prefix(1);
  return std::string(text);
}

inline std::optional<std::string> no_environment(const char*) { return std::nullopt; }

// True when `load` has an error at exactly key, line and column whose message contains `fragment`.
inline ::testing::AssertionResult HasError(const ManifestLoad& load, std::string_view key, int line,
                                           int column, std::string_view fragment) {
  for (const auto& e : load.errors)
    if (e.key == key && e.where.line == line && e.where.column == column &&
        e.message.find(fragment) != std::string::npos)
      return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  failure << "no error '" << key << "' at " << line << ":" << column << " containing '" << fragment
          << "'; the " << load.errors.size() << " error(s):\n";
  for (const auto& e : load.errors) failure << "  " << e.to_string() << "\n";
  return failure;
}

// All errors as text, for failure messages.
inline std::string all_errors(const ManifestLoad& load) {
  std::string out;
  for (const auto& e : load.errors) out += e.to_string() + "\n";
  return out;
}

// A tree laid out as the tests' manifests expect:
//   config/plugins.yaml  (the manifest; written by parse())
//   lib/                 plugin_dir "../lib", with the fake libraries of `kLibraries`
//   crate/Cargo.toml     crate "core" at "../crate"
class ManifestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* lib : {"build.so", "clean.so", "diag.so", "cpp.so", "rust.so"})
      tree_.write(std::filesystem::path("lib") / lib);
    tree_.crate("crate");
  }

  std::filesystem::path manifest_file() const { return tree_ / "config/plugins.yaml"; }

  ManifestLoad parse(const std::string& text, EnvironmentLookup env = &no_environment) {
    return parse_manifest(yaml(text), manifest_file(), env);
  }

  TempTree tree_;
};

// The smallest valid manifest of that tree, with one strategy "build".
inline constexpr std::string_view kMinimal = R"(
version: 1
settings:
  plugin_dir: ../lib
crates:
  - name: core
    path: ../crate
    library: core_lib
plugins:
  strategies:
    - name: build
      library: build.so
)";

}  // namespace selfheal::manifest_testing
