// Checking a plugin's C descriptor (selfheal_plugin_descriptor_t) against the host's SDK. Shared
// by the probe (in its throw-away child) and the loader (in-process, again, before any C++ symbol
// of the plugin is touched), so both refuse exactly the same things with the same words.
// Depends only on the SDK headers, so the probe stays small. MT safe (pure functions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "selfheal/sdk/plugin.hpp"

namespace selfheal {

// What a descriptor declares, copied out of the library.
struct PluginDescriptorInfo {
  std::uint32_t api_major = 0, api_minor = 0;
  sdk::PluginKind kind{};
  std::string name, version, description, cxx_abi_tag;
  std::uint64_t flags = 0;  // SELFHEAL_STRATEGY_* (SDK 1.2+; 0 for older plugins)
};

enum class DescriptorProblem {
  none,
  bad_magic,       // not a selfheal descriptor at all
  major_mismatch,  // SDK major differs from the host's
  minor_newer,     // SDK minor newer than the host's
  too_small,       // struct_size smaller than the fields the host reads
  missing_field,   // name, version or ABI tag null or empty
  abi_mismatch,    // C++ ABI tag differs from the host's
  kind_mismatch,   // not the kind the manifest lists it as (or an unknown kind)
  name_mismatch,   // not the name the manifest lists it under
};

// What the manifest expects; unset or empty members are not checked.
struct DescriptorExpectation {
  std::optional<sdk::PluginKind> kind;
  std::string name;
};

struct DescriptorCheck {
  DescriptorProblem problem = DescriptorProblem::none;
  std::string message;                       // "<file>: <reason>"; empty when ok
  std::optional<PluginDescriptorInfo> info;  // what could safely be read (even when refused)
  bool ok() const { return problem == DescriptorProblem::none; }
};

// The SDK a host provides: by default this build's (SELFHEAL_SDK_VERSION_*, SELFHEAL_CXX_ABI_TAG).
// Tests pass another one to check the versioning rules against versions that do not exist yet.
struct HostSdk {
  std::uint32_t major = SELFHEAL_SDK_VERSION_MAJOR;
  std::uint32_t minor = SELFHEAL_SDK_VERSION_MINOR;
  std::string cxx_abi_tag = SELFHEAL_CXX_ABI_TAG;
};

// The smallest struct_size the host accepts: everything up to and including cxx_abi_tag.
std::size_t min_descriptor_size();

// Checks in this order, reading nothing the previous checks did not vouch for: magic, SDK major,
// SDK minor, struct_size, required strings, C++ ABI tag, kind, name. `file` names the library in
// messages. `descriptor` must point to at least the magic..api_minor prefix.
DescriptorCheck check_descriptor(const selfheal_plugin_descriptor_t& descriptor,
                                 const std::string& file,
                                 const DescriptorExpectation& expected = {});
// The same, judged against `host` instead of this build's SDK.
DescriptorCheck check_descriptor(const selfheal_plugin_descriptor_t& descriptor,
                                 const std::string& file, const DescriptorExpectation& expected,
                                 const HostSdk& host);

// "diagnoser", "strategy", "component"; "unknown kind N" otherwise.
std::string plugin_kind_name(std::uint32_t kind);
std::optional<sdk::PluginKind> parse_plugin_kind(std::string_view name);

}  // namespace selfheal
