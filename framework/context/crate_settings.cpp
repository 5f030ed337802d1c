#include "context/crate_settings.hpp"

namespace selfheal {

sdk::CratePaths crate_paths(const CrateSpec& crate, const ManifestSettings& settings) {
  sdk::CratePaths p;
  p.name = crate.name;
  p.library_name = crate.library_name;
  p.root = crate.path;
  p.manifest = crate.path / "Cargo.toml";
  p.target_dir = crate.target_dir.empty() ? crate.path / "target" : crate.target_dir;
  p.profile = crate.profile;
  const std::string profile_dir = crate.profile == "dev" ? "debug" : crate.profile;
  p.artifact = p.target_dir / profile_dir / ("lib" + crate.library_name + ".so");
  p.state_dir = settings.state_dir / crate.name;
  p.build_log = p.state_dir / "build.log";  // the host writes only under its state folder
  p.expected_abi_version = crate.abi_version;
  return p;
}

sdk::Settings sdk_settings(const ManifestSettings& s) {
  sdk::Settings out;
  out.check_interval = s.check_interval;
  out.max_retries = s.max_retries;
  out.build_timeout = s.build_timeout;
  out.min_free_memory_bytes = s.min_free_memory_bytes;
  out.min_free_disk_bytes = s.min_free_disk_bytes;
  out.build_jobs = s.build_jobs;
  return out;
}

}  // namespace selfheal
