// Build progress from cargo's output, as "Compiling name (3/17)": the operator's progress feed
// (the host logs it at a steady rate, `selfheal fix` shows it in place on a terminal).
// cargo prints its own counted progress bar only on a terminal; with --message-format=json it
// prints one "Compiling name vX (path)" line per package it builds and a compiler-artifact message
// (fresh or not) per unit. The count is the packages seen so far, the total the packages in
// Cargo.lock (written by cargo before it compiles anything); without a lock file, "(3)".
// Not MT safe: one per cargo run, fed from its output thread.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace selfheal::plugins {

class CargoProgress {
 public:
  explicit CargoProgress(std::filesystem::path lock_file) : lock_file_(std::move(lock_file)) {}

  // The progress line for one line of cargo's output: a Compiling line counted, a plain line as it
  // is, nothing for a JSON message (a fresh unit is counted silently).
  std::optional<std::string> feed(std::string_view line);

  std::size_t packages_seen() const { return seen_.size(); }

 private:
  std::size_t total();

  std::filesystem::path lock_file_;
  std::optional<std::size_t> total_;  // read once, when the first package is counted
  std::set<std::string> seen_;        // "name version" of every package built or fresh
};

// The number of [[package]] entries of a Cargo.lock; nullopt when it cannot be read.
std::optional<std::size_t> count_locked_packages(const std::filesystem::path& lock_file);

}  // namespace selfheal::plugins
