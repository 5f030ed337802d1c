#include "artifacts/build_fingerprint.hpp"

#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "core/sha256.hpp"

namespace selfheal {
namespace {

namespace fs = std::filesystem;

}  // namespace

std::optional<CrateSources> hash_crate_sources(const fs::path& crate_root) {
  std::vector<fs::path> files;
  for (const char* name : {"Cargo.toml", "Cargo.lock", "build.rs"})
    if (std::error_code ec; fs::is_regular_file(crate_root / name, ec)) files.push_back(crate_root / name);
  if (files.empty() || files.front().filename() != "Cargo.toml") return std::nullopt;
  std::error_code ec;
  if (fs::is_directory(crate_root / "src", ec)) {
    for (fs::recursive_directory_iterator it(crate_root / "src", fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec))
      if (it->is_regular_file(ec)) files.push_back(it->path());
    if (ec) return std::nullopt;
  }
  std::vector<std::string> lines;
  CrateSources out;
  for (const auto& f : files) {
    auto sha = sha256_file(f);
    if (!sha) return std::nullopt;  // unreadable: no honest fingerprint
    lines.push_back(fs::relative(f, crate_root).generic_string() + " " + *sha);
    out.newest = std::max(out.newest, fs::last_write_time(f, ec));
  }
  std::sort(lines.begin(), lines.end());
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  out.digest = sha256_hex(text);
  return out;
}

std::string combine_fingerprint(const CrateSources& sources, const RustcIdentity& rustc,
                                const std::string& profile) {
  std::ostringstream in;
  in << "selfheal-build-fingerprint 1\nsources " << sources.digest << "\nrustc " << rustc.version
     << "\ntarget " << rustc.host << "\nprofile " << profile << "\nfeatures default\n";
  return "sha256:" + sha256_hex(in.str());
}

BuildFingerprinter::BuildFingerprinter(sdk::ProcessRunner& runner, const ToolchainSearchPath& toolchain)
    : runner_(runner), toolchain_(toolchain) {}

std::optional<RustcIdentity> BuildFingerprinter::rustc() {
  auto path = toolchain_.find("rustc");
  if (!path) return std::nullopt;
  std::error_code ec;
  // A rustup proxy keeps its own file when the toolchain behind it changes: key on the file it
  // resolves to as well.
  const auto real = fs::canonical(*path, ec);
  const auto key = ec ? *path : real;
  const auto mtime = fs::last_write_time(key, ec);
  const auto size = fs::file_size(key, ec);
  std::lock_guard lock(mutex_);
  if (cached_ && cached_path_ == key && cached_mtime_ == mtime && cached_size_ == size) return cached_;
  sdk::ProcessSpec spec;
  spec.argv = {path->string(), "-vV"};
  spec.inherit_environment = true;
  spec.search_path = toolchain_.dirs();
  spec.timeout = std::chrono::seconds(30);
  auto result = runner_.run(spec);
  if (!result.success()) return std::nullopt;
  RustcIdentity id;
  for (const auto& line : result.tail) {
    if (line.rfind("rustc ", 0) == 0 && id.version.empty()) id.version = line;
    if (line.rfind("host: ", 0) == 0) id.host = line.substr(6);
  }
  if (id.version.empty()) return std::nullopt;
  cached_ = id;
  cached_path_ = key;
  cached_mtime_ = mtime;
  cached_size_ = size;
  return cached_;
}

std::optional<std::string> BuildFingerprinter::current(const sdk::CratePaths& crate) {
  auto sources = hash_crate_sources(crate.root);
  auto id = rustc();
  if (!sources || !id) return std::nullopt;
  return combine_fingerprint(*sources, *id, crate.profile);
}

std::optional<std::string> BuildFingerprinter::of_artifact(const sdk::CratePaths& crate,
                                                           const std::string& artifact_rustc) {
  std::error_code ec;
  const auto built = fs::last_write_time(crate.artifact, ec);
  if (ec) return std::nullopt;
  auto sources = hash_crate_sources(crate.root);
  if (!sources || sources->newest > built) return std::nullopt;
  auto id = rustc();
  if (!id) return std::nullopt;
  if (!artifact_rustc.empty()) id->version = artifact_rustc;
  return combine_fingerprint(*sources, *id, crate.profile);
}

}  // namespace selfheal
