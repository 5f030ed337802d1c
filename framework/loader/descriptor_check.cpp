#include "loader/descriptor_check.hpp"

#include <cstdio>

namespace selfheal {
namespace {

std::string sdk_version(std::uint32_t major, std::uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

bool known_kind(std::uint32_t kind) {
  return kind == SELFHEAL_KIND_DIAGNOSER || kind == SELFHEAL_KIND_STRATEGY ||
         kind == SELFHEAL_KIND_COMPONENT;
}

DescriptorCheck refuse(DescriptorCheck check, DescriptorProblem problem, const std::string& file,
                       const std::string& reason) {
  check.problem = problem;
  check.message = file + ": " + reason;
  return check;
}

}  // namespace

std::size_t min_descriptor_size() {
  return offsetof(selfheal_plugin_descriptor_t, cxx_abi_tag) + sizeof(const char*);
}

std::string plugin_kind_name(std::uint32_t kind) {
  switch (kind) {
    case SELFHEAL_KIND_DIAGNOSER:
      return "diagnoser";
    case SELFHEAL_KIND_STRATEGY:
      return "strategy";
    case SELFHEAL_KIND_COMPONENT:
      return "component";
    default:
      return "unknown kind " + std::to_string(kind);
  }
}

std::optional<sdk::PluginKind> parse_plugin_kind(std::string_view name) {
  if (name == "diagnoser") return sdk::PluginKind::diagnoser;
  if (name == "strategy") return sdk::PluginKind::strategy;
  if (name == "component") return sdk::PluginKind::component;
  return std::nullopt;
}

DescriptorCheck check_descriptor(const selfheal_plugin_descriptor_t& d, const std::string& file,
                                 const DescriptorExpectation& expected) {
  return check_descriptor(d, file, expected, HostSdk{});
}

DescriptorCheck check_descriptor(const selfheal_plugin_descriptor_t& d, const std::string& file,
                                 const DescriptorExpectation& expected, const HostSdk& host) {
  const std::string host_sdk = sdk_version(host.major, host.minor);
  DescriptorCheck check;
  if (d.magic != SELFHEAL_DESCRIPTOR_MAGIC) {
    char found[16];
    std::snprintf(found, sizeof found, "0x%08x", static_cast<unsigned>(d.magic));
    return refuse(
        std::move(check), DescriptorProblem::bad_magic, file,
        std::string("not a selfheal plugin descriptor (magic ") + found + ", expected 0x53484c50)");
  }
  // The prefix magic..api_minor is the same in every major version: safe to read.
  PluginDescriptorInfo info;
  info.api_major = d.api_major;
  info.api_minor = d.api_minor;
  check.info = info;
  const std::string plugin_sdk = sdk_version(d.api_major, d.api_minor);
  if (d.api_major != host.major)
    return refuse(std::move(check), DescriptorProblem::major_mismatch, file,
                  "built against SDK " + plugin_sdk + ", host provides SDK " + host_sdk +
                      " (major must match)");
  if (d.api_minor > host.minor)
    return refuse(std::move(check), DescriptorProblem::minor_newer, file,
                  "built against SDK " + plugin_sdk + ", host provides SDK " + host_sdk +
                      " (minor must not be newer)");
  if (d.struct_size < min_descriptor_size())
    return refuse(std::move(check), DescriptorProblem::too_small, file,
                  "descriptor is " + std::to_string(d.struct_size) + " bytes, at least " +
                      std::to_string(min_descriptor_size()) + " expected");

  // The fields up to cxx_abi_tag exist. Copy what is there before judging it.
  info.kind = static_cast<sdk::PluginKind>(d.kind);
  if (d.name) info.name = d.name;
  if (d.version) info.version = d.version;
  if (d.description) info.description = d.description;
  if (d.cxx_abi_tag) info.cxx_abi_tag = d.cxx_abi_tag;
  // Before 1.2 this slot was reserved (zero); only 1.2+ plugins declare flags in it.
  if (d.api_minor >= 2 && d.struct_size >= offsetof(selfheal_plugin_descriptor_t, flags) + sizeof(d.flags))
    info.flags = d.flags;
  check.info = info;
  if (info.name.empty())
    return refuse(std::move(check), DescriptorProblem::missing_field, file,
                  "descriptor has no plugin name");
  if (info.version.empty())
    return refuse(std::move(check), DescriptorProblem::missing_field, file,
                  "descriptor of '" + info.name + "' has no version");
  if (info.cxx_abi_tag.empty())
    return refuse(std::move(check), DescriptorProblem::missing_field, file,
                  "descriptor of '" + info.name + "' has no C++ ABI tag");
  if (info.cxx_abi_tag != host.cxx_abi_tag)
    return refuse(
        std::move(check), DescriptorProblem::abi_mismatch, file,
        "built with C++ ABI '" + info.cxx_abi_tag + "', host uses '" + host.cxx_abi_tag + "'");
  if (!known_kind(d.kind))
    return refuse(std::move(check), DescriptorProblem::kind_mismatch, file,
                  "descriptor declares " + plugin_kind_name(d.kind));
  if (expected.kind && static_cast<std::uint32_t>(*expected.kind) != d.kind)
    return refuse(std::move(check), DescriptorProblem::kind_mismatch, file,
                  "is a " + plugin_kind_name(d.kind) + " plugin, the manifest lists it as a " +
                      plugin_kind_name(static_cast<std::uint32_t>(*expected.kind)));
  if (!expected.name.empty() && expected.name != info.name)
    return refuse(
        std::move(check), DescriptorProblem::name_mismatch, file,
        "plugin is named '" + info.name + "', the manifest expects '" + expected.name + "'");
  return check;
}

}  // namespace selfheal
