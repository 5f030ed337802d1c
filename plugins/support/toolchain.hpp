// Finding the Rust toolchain and giving cargo a small, predictable environment.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "selfheal/sdk/context.hpp"

namespace selfheal::plugins {

// The first executable file named `tool` in the context's toolchain search path.
std::optional<std::filesystem::path> find_tool(const sdk::Context& context, std::string_view tool);

// The environment for cargo: PATH from the toolchain search path, HOME, the rustup/cargo homes
// when the host has them, no colours, plus the plugin's `env:` config entries.
std::map<std::string, std::string> cargo_environment(const sdk::Context& context);

// cargo_environment plus what the host adds to every build (sdk::Context::build_environment: the
// build cache's RUSTC_WRAPPER and SCCACHE_* variables); the plugin's `env:` entries still win.
// Only for cargo runs that build: asking for it may start the host's sccache server.
std::map<std::string, std::string> cargo_build_environment(const sdk::Context& context);

// The host's remembered `rustc --version` for `rustc` (sdk::Context::rustc_version), unless the
// plugin's `env:` config changes how rustc runs (the host's answer is for its own environment).
// nullopt: run rustc yourself.
std::optional<std::string> known_rustc_version(const sdk::Context& context,
                                               const std::filesystem::path& rustc);

std::string join_paths(const std::vector<std::filesystem::path>& dirs);

}  // namespace selfheal::plugins
