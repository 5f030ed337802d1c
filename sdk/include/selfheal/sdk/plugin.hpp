// The base of every plugin object, and the descriptor each plugin library exports.
//
// A plugin library exports exactly two C symbols, through SELFHEAL_PLUGIN (see below):
//   selfheal_plugin_descriptor  a plain C struct the host reads before touching any C++ symbol;
//   selfheal_plugin_create      the factory: returns a new plugin object, or null with a reason.
// Lifetime: the host deletes the object through its virtual destructor and never unloads the
// library (objects and thread-locals of a plugin may outlive any notion of "unload").
// No exception may cross the boundary: the factory macro catches them; plugin methods are
// noexcept or catch their own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string_view>

#include "selfheal/sdk/version.hpp"

extern "C" {

enum selfheal_plugin_kind : std::uint32_t {
  SELFHEAL_KIND_DIAGNOSER = 1,
  SELFHEAL_KIND_STRATEGY = 2,
  SELFHEAL_KIND_COMPONENT = 3,
};

#define SELFHEAL_DESCRIPTOR_MAGIC 0x53484c50u /* "SHLP" */

// Descriptor flags (since SDK 1.2) a strategy declares about itself, so the host needs no
// built-in strategy's name.
// BUILDS_ARTIFACT: its attempts build the crate's artifact (timed as builds in /metrics).
#define SELFHEAL_STRATEGY_BUILDS_ARTIFACT 0x1u
// CLEAN_BUILD: it rebuilds from scratch; what `clean-build` requests run (the first such
// strategy in the manifest).
#define SELFHEAL_STRATEGY_CLEAN_BUILD 0x2u

// Layout frozen for a major version: new fields only go into `reserved`.
struct selfheal_plugin_descriptor_t {
  std::uint32_t magic;        // SELFHEAL_DESCRIPTOR_MAGIC
  std::uint32_t struct_size;  // sizeof(selfheal_plugin_descriptor_t) of the plugin's SDK
  std::uint32_t api_major;
  std::uint32_t api_minor;
  std::uint32_t kind;         // selfheal_plugin_kind
  const char* name;           // unique within a manifest's kind, e.g. "build"
  const char* version;        // the plugin's own version, e.g. "1.2.0"
  const char* description;    // one line
  const char* cxx_abi_tag;    // SELFHEAL_CXX_ABI_TAG of the plugin's build
  std::uintptr_t flags;       // since 1.2 (was reserved[0], always 0): SELFHEAL_STRATEGY_* bits
  const void* reserved[7];
};

// The factory's C signature. On failure returns null and writes a reason into `error`.
typedef void* (*selfheal_plugin_create_fn)(char* error, std::size_t error_size);
}

namespace selfheal::sdk {

enum class PluginKind : std::uint32_t {
  diagnoser = SELFHEAL_KIND_DIAGNOSER,
  strategy = SELFHEAL_KIND_STRATEGY,
  component = SELFHEAL_KIND_COMPONENT,
};

class Plugin {
 public:
  virtual ~Plugin() = default;
};

namespace detail {
inline void copy_error(char* out, std::size_t size, std::string_view text) noexcept {
  if (out == nullptr || size == 0) return;
  std::size_t n = text.size() < size - 1 ? text.size() : size - 1;
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}
}  // namespace detail

}  // namespace selfheal::sdk

#define SELFHEAL_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

// Declares a plugin library. `Class` derives from Diagnoser, Strategy or ComponentImplementation
// and is default-constructible; `kind` is SELFHEAL_KIND_*; the strings are literals.
#define SELFHEAL_PLUGIN(Class, kind_, name_, version_, description_) \
  SELFHEAL_PLUGIN_WITH_FLAGS(Class, kind_, name_, version_, description_, 0u)

// The same with descriptor flags (SELFHEAL_STRATEGY_*).
#define SELFHEAL_PLUGIN_WITH_FLAGS(Class, kind_, name_, version_, description_, flags_)          \
  SELFHEAL_PLUGIN_EXPORT const selfheal_plugin_descriptor_t selfheal_plugin_descriptor = {        \
      SELFHEAL_DESCRIPTOR_MAGIC,                                                                   \
      sizeof(selfheal_plugin_descriptor_t),                                                        \
      SELFHEAL_SDK_VERSION_MAJOR,                                                                  \
      SELFHEAL_SDK_VERSION_MINOR,                                                                  \
      kind_,                                                                                       \
      name_,                                                                                       \
      version_,                                                                                    \
      description_,                                                                                \
      SELFHEAL_CXX_ABI_TAG,                                                                        \
      flags_,                                                                                      \
      {}};                                                                                         \
  SELFHEAL_PLUGIN_EXPORT void* selfheal_plugin_create(char* error, std::size_t error_size) {      \
    try {                                                                                          \
      return static_cast<::selfheal::sdk::Plugin*>(new Class());                                   \
    } catch (const std::exception& e) {                                                            \
      ::selfheal::sdk::detail::copy_error(error, error_size, e.what());                            \
    } catch (...) {                                                                                \
      ::selfheal::sdk::detail::copy_error(error, error_size, "unknown exception");                 \
    }                                                                                              \
    return nullptr;                                                                                \
  }

#define SELFHEAL_DIAGNOSER_PLUGIN(Class, name, version, description) \
  SELFHEAL_PLUGIN(Class, SELFHEAL_KIND_DIAGNOSER, name, version, description)
#define SELFHEAL_STRATEGY_PLUGIN(Class, name, version, description) \
  SELFHEAL_PLUGIN(Class, SELFHEAL_KIND_STRATEGY, name, version, description)
#define SELFHEAL_STRATEGY_PLUGIN_WITH_FLAGS(Class, name, version, description, flags) \
  SELFHEAL_PLUGIN_WITH_FLAGS(Class, SELFHEAL_KIND_STRATEGY, name, version, description, flags)
#define SELFHEAL_COMPONENT_PLUGIN(Class, name, version, description) \
  SELFHEAL_PLUGIN(Class, SELFHEAL_KIND_COMPONENT, name, version, description)
