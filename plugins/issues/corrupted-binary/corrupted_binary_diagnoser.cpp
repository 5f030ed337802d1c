#include "corrupted_binary_diagnoser.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstring>

#include "support/diagnosis_util.hpp"

namespace selfheal::plugins {

std::optional<sdk::Diagnosis> CorruptedBinaryDiagnoser::diagnose(const sdk::Context& context) {
  const auto& artifact = context.crate().artifact;
  const int fd = ::open(artifact.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;  // absent (not_built) or unreadable (permission_error)
  std::array<unsigned char, 4> magic{};
  const auto n = ::read(fd, magic.data(), magic.size());
  struct stat st {};
  ::fstat(fd, &st);
  ::close(fd);

  auto corrupted = [&](std::string summary) {
    auto d = make_diagnosis(sdk::issue::corrupted_binary, std::move(summary));
    d.details.set("artifact", artifact.string());
    d.details.set("size_bytes", static_cast<std::int64_t>(st.st_size));
    return d;
  };
  if (n != 4 || std::memcmp(magic.data(), "\x7f" "ELF", 4) != 0)
    return corrupted("not an ELF file (bad magic)");

  auto probe = context.probe_library(artifact);
  if (probe.crashed) {
    auto d = corrupted("loading the artifact crashed the probe with signal " +
                       std::to_string(probe.signal));
    d.details.set("signal", probe.signal);
    d.details.set("probe_error", probe.error);
    return d;
  }
  if (!probe.ok) {
    auto d = corrupted("the artifact does not load: " + probe.error);
    d.details.set("probe_error", probe.error);
    return d;
  }
  sdk::Value missing = sdk::Value::list();
  const auto& required = context.config()["required_symbols"];
  for (const auto& sym : required.items()) {
    const std::string name = sym.as_string();
    if (name == "selfheal_abi_version" && !probe.abi_version) missing.push_back(name);
    if (name == "selfheal_build_info" && probe.build_info.empty()) missing.push_back(name);
  }
  if (missing.size() > 0) {
    auto d = corrupted("the artifact lacks exported symbols");
    d.details.set("missing_symbols", missing);
    return d;
  }
  // The copy the host loads must still match the checksum recorded when it was accepted.
  if (auto record = context.last_artifact();
      record && context.config()["check_store"].as_bool(true)) {
    auto stored = context.probe_library(record->path);
    if (stored.crashed || !stored.ok) {
      auto d = corrupted("the stored artifact " + record->path.string() + " no longer loads");
      d.details.set("stored_artifact", record->path.string());
      d.details.set("expected_sha256", record->sha256);
      d.details.set("probe_error", stored.error);
      return d;
    }
  }
  return std::nullopt;
}

}  // namespace selfheal::plugins
