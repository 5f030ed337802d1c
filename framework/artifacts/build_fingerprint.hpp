// The fingerprint of what produces a crate's artifact: its sources (Cargo.toml, Cargo.lock,
// build.rs, everything under src/), the rustc version and target, the profile and the feature
// set. Two builds with the same fingerprint produce interchangeable artifacts, so a stored one can
// stand in for a rebuild. MT safe.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "context/toolchain_search_path.hpp"
#include "selfheal/sdk/context.hpp"
#include "selfheal/sdk/process.hpp"

namespace selfheal {

struct RustcIdentity {
  std::string version;  // `rustc --version`, e.g. "rustc 1.95.0 (59807616e 2026-04-14)"
  std::string host;     // the target triple it builds for by default
};

struct CrateSources {
  std::string digest;                       // sha256 over sorted (relative path, sha256) pairs
  // The latest modification among them (min() is the start: the file clock's zero is not the past).
  std::filesystem::file_time_type newest = std::filesystem::file_time_type::min();
};

// The crate's build inputs, hashed. nullopt when Cargo.toml cannot be read.
std::optional<CrateSources> hash_crate_sources(const std::filesystem::path& crate_root);

// "sha256:<hex>" of the inputs. Features are cargo's defaults: the crate's [features] table is
// part of the sources, and the build strategies never pass --features.
std::string combine_fingerprint(const CrateSources& sources, const RustcIdentity& rustc,
                                const std::string& profile);

class BuildFingerprinter {
 public:
  // `remembered`: a file that keeps the cached rustc answers across restarts (the host's
  // <state dir>/rustc-identity), so a restarted host does not pay for the rustup proxy again
  // while the toolchain stays the same; empty: in memory only. Unwritable: in memory only.
  BuildFingerprinter(sdk::ProcessRunner& runner, const ToolchainSearchPath& toolchain,
                     std::filesystem::path remembered = {});

  // What a build would use now. nullopt without a working rustc or readable sources.
  std::optional<std::string> current(const sdk::CratePaths& crate);
  // What the artifact in target/ was built from, judged as cargo does: nullopt when a source is
  // newer than the artifact (it was built from other sources). `artifact_rustc` is the version
  // the artifact reports (its build info); empty: the current rustc's.
  std::optional<std::string> of_artifact(const sdk::CratePaths& crate, const std::string& artifact_rustc);

  // `rustc -vV` of the first rustc on the toolchain search path, or of the one at `path`.
  // Successes are cached while toolchain_stamp() stays the same; failures never are.
  std::optional<RustcIdentity> rustc();
  std::optional<RustcIdentity> rustc(const std::filesystem::path& path);
  // What rustc() would answer for `path` without running it: the remembered answer for the
  // toolchain as it is now, else nullopt (never runs rustc, never waits for a run).
  std::optional<RustcIdentity> known(const std::filesystem::path& path);

  // How many times rustc was run (cache misses): for tests.
  std::size_t rustc_runs() const;

 private:
  struct Cached {
    std::string stamp;
    RustcIdentity id;
  };
  std::optional<RustcIdentity> read_remembered(const std::string& key) const;
  void write_remembered(const std::string& key, const RustcIdentity& id) const;

  sdk::ProcessRunner& runner_;
  const ToolchainSearchPath& toolchain_;
  std::filesystem::path remembered_;
  mutable std::mutex mutex_;
  std::map<std::filesystem::path, Cached> cached_;  // by the path rustc was found at
  std::size_t runs_ = 0;
};

// What decides what `rustc` at `path` runs: its file (and the one a symlink resolves to), the
// environment variables that pick a toolchain, rustup's settings (default, overrides) and
// installed toolchains, and rust-toolchain files from the working directory up. nullopt when
// `path` cannot be read. Two equal stamps: the same rustc answers.
std::optional<std::string> toolchain_stamp(const std::filesystem::path& path);

}  // namespace selfheal
