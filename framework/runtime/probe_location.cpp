#include <dlfcn.h>

#include <cstdlib>

#include "runtime_impl.hpp"

namespace selfheal {

std::filesystem::path runtime_probe_program() {
  if (const char* env = std::getenv("SELFHEAL_PROBE"); env && *env) return env;
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&runtime_probe_program), &info) == 0 || !info.dli_fname)
    return PluginLoader::default_probe_program();
  std::error_code ec;
  const auto library = std::filesystem::canonical(info.dli_fname, ec);
  if (ec) return PluginLoader::default_probe_program();
  // The build tree and the install keep the same relative layout (lib/ and bin/ under one root).
  return (library.parent_path() / SELFHEAL_RUNTIME_PROBE_RELATIVE).lexically_normal();
}

}  // namespace selfheal
