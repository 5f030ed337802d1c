#include "support/toolchain.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace selfheal::plugins {

std::optional<std::filesystem::path> find_tool(const sdk::Context& context, std::string_view tool) {
  for (const auto& dir : context.toolchain_search_path()) {
    auto candidate = dir / tool;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return std::nullopt;
}

std::optional<std::string> known_rustc_version(const sdk::Context& context,
                                               const std::filesystem::path& rustc) {
  if (!context.config()["env"].entries().empty()) return std::nullopt;
  return context.rustc_version(rustc);
}

std::string join_paths(const std::vector<std::filesystem::path>& dirs) {
  std::string out;
  for (const auto& d : dirs) {
    if (!out.empty()) out.push_back(':');
    out += d.string();
  }
  return out;
}

namespace {

std::map<std::string, std::string> toolchain_environment(const sdk::Context& context) {
  std::map<std::string, std::string> env;
  env["PATH"] = join_paths(context.toolchain_search_path());
  env["CARGO_TERM_COLOR"] = "never";
  env["LANG"] = "C.UTF-8";
  for (const char* name : {"HOME", "CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN", "TMPDIR"}) {
    if (const char* v = std::getenv(name)) env[name] = v;
  }
  return env;
}

void add_plugin_env(const sdk::Context& context, std::map<std::string, std::string>& env) {
  for (const auto& [key, value] : context.config()["env"].entries()) {
    env[key] = value.as_string();
  }
}

}  // namespace

std::map<std::string, std::string> cargo_environment(const sdk::Context& context) {
  auto env = toolchain_environment(context);
  add_plugin_env(context, env);
  return env;
}

std::map<std::string, std::string> cargo_build_environment(const sdk::Context& context) {
  auto env = toolchain_environment(context);
  for (auto& [key, value] : context.build_environment()) env[key] = std::move(value);
  add_plugin_env(context, env);
  return env;
}

}  // namespace selfheal::plugins
