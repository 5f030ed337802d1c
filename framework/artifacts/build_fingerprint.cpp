#include "artifacts/build_fingerprint.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "core/sha256.hpp"

namespace selfheal {
namespace {

namespace fs = std::filesystem;

// A file's identity and content clock; "-" when it does not exist. ctime too: a rewrite keeps
// the inode and may keep mtime (touch -r), never ctime.
std::string file_stamp(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "-";
  std::ostringstream out;
  out << st.st_dev << ':' << st.st_ino << ':' << st.st_size << ':' << st.st_mtim.tv_sec << '.'
      << st.st_mtim.tv_nsec << ':' << st.st_ctim.tv_sec << '.' << st.st_ctim.tv_nsec;
  return out.str();
}

// rustc is a small launcher of librustc_driver in its sysroot's lib/: a driver deleted, rewritten
// or made unreadable (chmod on lib/) breaks rustc while its own file stays the same.
std::string sysroot_stamp(const fs::path& sysroot) {
  const auto lib = sysroot / "lib";
  std::string out = "lib " + file_stamp(lib);
  std::error_code ec;
  std::vector<std::string> drivers;
  for (fs::directory_iterator it(lib, ec), end; !ec && it != end && drivers.size() < 8; it.increment(ec))
    if (it->path().filename().string().rfind("librustc_driver", 0) == 0)
      drivers.push_back(it->path().filename().string() + " " + file_stamp(it->path()));
  std::sort(drivers.begin(), drivers.end());
  for (const auto& d : drivers) out += " " + d;
  return out;
}

fs::path rustup_home() {
  if (const char* home = std::getenv("RUSTUP_HOME"); home && *home) return home;
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".rustup";
  return {};
}

}  // namespace

std::optional<std::string> toolchain_stamp(const fs::path& path) {
  std::error_code ec;
  const auto real = fs::canonical(path, ec);
  if (ec) return std::nullopt;
  std::ostringstream out;
  out << "rustc " << path.string() << ' ' << real.string() << ' ' << file_stamp(real) << ' '
      << sysroot_stamp(real.parent_path().parent_path()) << '\n';
  for (const char* name : {"RUSTUP_TOOLCHAIN", "RUSTUP_HOME", "CARGO_HOME", "HOME"}) {
    const char* v = std::getenv(name);
    out << name << '=' << (v ? v : "<unset>") << '\n';
  }
  // A proxy picks the toolchain from rustup's settings and runs its bin/rustc: a default or
  // override changed, a toolchain installed, removed or updated all show here.
  if (const auto home = rustup_home(); !home.empty()) {
    out << "settings " << file_stamp(home / "settings.toml") << '\n';
    const auto toolchains = home / "toolchains";
    out << "toolchains " << file_stamp(toolchains) << '\n';
    std::vector<std::string> entries;
    for (fs::directory_iterator it(toolchains, ec), end; !ec && it != end && entries.size() < 64;
         it.increment(ec))
      entries.push_back(it->path().filename().string() + " " +
                        file_stamp(it->path() / "bin" / "rustc") + " " + sysroot_stamp(it->path()));
    std::sort(entries.begin(), entries.end());
    for (const auto& e : entries) out << "toolchain " << e << '\n';
  }
  // rustup honours rust-toolchain files in the directory it runs in and above (rustc runs in ours).
  for (auto dir = fs::current_path(ec); !ec && !dir.empty(); dir = dir.parent_path()) {
    for (const char* name : {"rust-toolchain", "rust-toolchain.toml"})
      if (auto st = file_stamp(dir / name); st != "-") out << (dir / name).string() << ' ' << st << '\n';
    if (dir == dir.root_path()) break;
  }
  return out.str();
}

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

BuildFingerprinter::BuildFingerprinter(sdk::ProcessRunner& runner, const ToolchainSearchPath& toolchain,
                                       fs::path remembered)
    : runner_(runner), toolchain_(toolchain), remembered_(std::move(remembered)) {}

// One line per rustc: sha256(path, stamp) TAB host TAB version. A line whose key matches was
// written for the same rustc in the same toolchain state.
std::optional<RustcIdentity> BuildFingerprinter::read_remembered(const std::string& key) const {
  if (remembered_.empty()) return std::nullopt;
  std::ifstream in(remembered_);
  std::string line;
  while (std::getline(in, line)) {
    const auto a = line.find('\t');
    const auto b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (b == std::string::npos || line.compare(0, a, key) != 0 || a != key.size()) continue;
    RustcIdentity id{line.substr(b + 1), line.substr(a + 1, b - a - 1)};
    if (id.version.rfind("rustc ", 0) == 0) return id;
  }
  return std::nullopt;
}

void BuildFingerprinter::write_remembered(const std::string& key, const RustcIdentity& id) const {
  if (remembered_.empty() || id.version.find_first_of("\t\n") != std::string::npos ||
      id.host.find_first_of("\t\n") != std::string::npos)
    return;
  std::vector<std::string> lines{key + "\t" + id.host + "\t" + id.version};
  {
    std::ifstream in(remembered_);
    std::string line;
    while (std::getline(in, line) && lines.size() < 16) {
      // Only well-formed lines of other rustcs are kept: garbage never takes a place.
      const auto a = line.find('\t');
      const auto b = a == std::string::npos ? a : line.find('\t', a + 1);
      if (line.size() > 1024 || a != 64 || b == std::string::npos ||
          line.compare(b + 1, 6, "rustc ") != 0 || line.rfind(key + "\t", 0) == 0)
        continue;
      lines.push_back(line);
    }
  }
  // Written aside and renamed: a reader never sees half a file. Each writer has its own temp
  // file (a serve daemon, a CLI and a reload's second host may write at once). A failure only
  // costs a run.
  const auto tmp = remembered_.string() + ".tmp." + std::to_string(::getpid()) + "." +
                   std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (const auto& l : lines) out << l << '\n';
    if (!out.flush()) {
      out.close();
      std::error_code ec;
      fs::remove(tmp, ec);
      return;
    }
  }
  std::error_code ec;
  fs::rename(tmp, remembered_, ec);
  if (ec) fs::remove(tmp, ec);
}

std::optional<RustcIdentity> BuildFingerprinter::rustc() {
  auto path = toolchain_.find("rustc");
  if (!path) return std::nullopt;
  return rustc(*path);
}

std::optional<RustcIdentity> BuildFingerprinter::known(const fs::path& path) {
  const auto stamp = toolchain_stamp(path);
  if (!stamp) return std::nullopt;
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return std::nullopt;  // a run is on: its asker pays, not this one
  if (auto it = cached_.find(path); it != cached_.end() && it->second.stamp == *stamp) return it->second.id;
  if (auto id = read_remembered(sha256_hex(path.string() + "\n" + *stamp))) {
    if (cached_.size() >= 16) cached_.clear();
    cached_[path] = Cached{*stamp, *id};
    return id;
  }
  return std::nullopt;
}

std::optional<RustcIdentity> BuildFingerprinter::rustc(const fs::path& path) {
  const auto stamp = toolchain_stamp(path);
  // Held while rustc runs: concurrent askers wait for the one run instead of starting their own.
  std::lock_guard lock(mutex_);
  if (auto it = cached_.find(path); stamp && it != cached_.end() && it->second.stamp == *stamp)
    return it->second.id;
  const auto key = stamp ? sha256_hex(path.string() + "\n" + *stamp) : std::string();
  if (stamp)
    if (auto id = read_remembered(key)) {
      if (cached_.size() >= 16) cached_.clear();
      cached_[path] = Cached{*stamp, *id};
      return id;
    }
  ++runs_;
  sdk::ProcessSpec spec;
  spec.argv = {path.string(), "-vV"};
  spec.inherit_environment = true;
  spec.search_path = toolchain_.dirs();
  spec.timeout = std::chrono::seconds(30);
  auto result = runner_.run(spec);
  if (!result.success()) {
    cached_.erase(path);
    return std::nullopt;
  }
  RustcIdentity id;
  for (const auto& line : result.tail) {
    if (line.rfind("rustc ", 0) == 0 && id.version.empty()) id.version = line;
    if (line.rfind("host: ", 0) == 0) id.host = line.substr(6);
  }
  if (id.version.empty()) {
    cached_.erase(path);
    return std::nullopt;
  }
  if (stamp) {
    if (cached_.size() >= 16) cached_.clear();  // a bound; more rustcs than this is not a host
    cached_[path] = Cached{*stamp, id};
    write_remembered(key, id);
  }
  return id;
}

std::size_t BuildFingerprinter::rustc_runs() const {
  std::lock_guard lock(mutex_);
  return runs_;
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
