#include "artifacts/artifact_store.hpp"

#include <sys/stat.h>

#include <dlfcn.h>

#include <boost/dll/shared_library.hpp>
#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/sha256.hpp"

namespace selfheal {
namespace {

class StoredLibrary final : public sdk::NativeLibrary {
 public:
  StoredLibrary(boost::dll::shared_library lib, std::filesystem::path path)
      : lib_(std::move(lib)), path_(std::move(path)) {}
  void* symbol(const char* name) const noexcept override {
    try {
      // get<char> yields a reference to the symbol itself; its address is the symbol's address.
      return lib_.has(name) ? static_cast<void*>(&lib_.get<char>(name)) : nullptr;
    } catch (...) {
      return nullptr;
    }
  }
  std::filesystem::path path() const override { return path_; }

 private:
  boost::dll::shared_library lib_;  // RTLD_NODELETE: stays mapped even when this handle closes
  std::filesystem::path path_;
};

std::string info_field(const std::string& info, const std::string& key) {
  std::istringstream in(info);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  return {};
}

// Writes `text` to `file` through a temporary and a rename, so a reader sees all or nothing.
bool write_atomically(const std::filesystem::path& file, const std::string& text) {
  const auto tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out.flush()) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  return !ec;
}

// `earlier`: other fingerprints the same bytes were built from, kept so their index still holds.
std::string record_text(const sdk::ArtifactRecord& record, const std::string& fingerprint,
                        const std::string& origin, const std::vector<std::string>& earlier) {
  std::ostringstream out;
  out << "sha256=" << record.sha256 << "\npath=" << record.path.string()
      << "\nabi_version=" << record.abi_version << "\ncrate_version=" << record.crate_version
      << "\nrustc_version=" << record.rustc_version << "\nbuilt_at="
      << std::chrono::duration_cast<std::chrono::seconds>(record.built_at.time_since_epoch()).count()
      << "\nfingerprint=" << fingerprint << "\n";
  if (!origin.empty()) out << "origin=" << origin << "\n";
  for (const auto& f : earlier)
    if (!f.empty() && f != fingerprint) out << "built_from=" << f << "\n";
  return out.str();
}

// The whole text of a record file ("" when it cannot be read).
std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace

ArtifactStore::ArtifactStore(std::filesystem::path crate_state_dir, Probe probe, Fingerprint fingerprint)
    : root_(std::move(crate_state_dir) / "artifacts"),
      probe_(std::move(probe)),
      fingerprint_(std::move(fingerprint)) {}

std::filesystem::path ArtifactStore::index_file(const std::string& fingerprint) const {
  std::string name = fingerprint;
  for (auto& ch : name)
    if (ch == ':' || ch == '/') ch = '-';
  return root_ / "by-fingerprint" / name;
}

sdk::Result<sdk::ArtifactRecord> ArtifactStore::accept(const sdk::CratePaths& crate) {
  auto probe = probe_(crate.artifact, false);
  if (!probe.ok)
    return sdk::Status::error(sdk::Errc::unavailable,
                              "probe refused " + crate.artifact.string() + ": " + probe.error);
  auto sha = sha256_file(crate.artifact);
  if (!sha) return sdk::Status::error(sdk::Errc::unavailable, "cannot read " + crate.artifact.string());
  const auto known = read_record(*sha);
  // What the bytes in target/ were built from now comes first: the same bytes rebuilt from edited
  // sources (a comment) must carry the new fingerprint, or they stay "stale" for ever.
  std::string fingerprint;
  if (fingerprint_)
    fingerprint = fingerprint_(crate, info_field(probe.build_info, "rustc_version")).value_or("");
  if (fingerprint.empty() && known) fingerprint = fingerprint_of(*sha);
  std::lock_guard lock(mutex_);
  const auto dir = root_ / *sha;
  const auto file = dir / crate.artifact.filename();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return sdk::Status::error(sdk::Errc::unavailable, "cannot create " + dir.string() + ": " + ec.message());
  if (sha256_file(file) != sha) {
    const auto tmp = dir / (crate.artifact.filename().string() + ".tmp");
    std::filesystem::remove(tmp, ec);
    std::filesystem::copy_file(crate.artifact, tmp, ec);
    if (ec) return sdk::Status::error(sdk::Errc::unavailable, "cannot copy " + crate.artifact.string() + " to " + tmp.string() + ": " + ec.message());
    // The copy must be what was probed: re-check before it gets its final name.
    if (sha256_file(tmp) != sha)
      return sdk::Status::error(sdk::Errc::unavailable, "the artifact changed while it was stored");
    ::chmod(tmp.c_str(), 0444);
    std::filesystem::rename(tmp, file, ec);
    if (ec) return sdk::Status::error(sdk::Errc::unavailable, "cannot store " + file.string() + ": " + ec.message());
  }
  sdk::ArtifactRecord record;
  record.sha256 = *sha;
  record.path = file;
  record.abi_version = probe.abi_version.value_or(0);
  record.crate_version = info_field(probe.build_info, "crate_version");
  record.rustc_version = info_field(probe.build_info, "rustc_version");
  // The same bytes accepted again (every check, or restored from the store) keep their time.
  record.built_at = known ? known->built_at : std::chrono::system_clock::now();
  if (!known)
    write_atomically(dir / "record", record_text(record, fingerprint, "", {}));
  if (!fingerprint.empty()) add_fingerprint(record, fingerprint);
  write_atomically(root_ / "current", record.sha256 + "\n");
  if (!fingerprint.empty() && on_accepted_) on_accepted_(record, fingerprint);
  return record;
}

sdk::Result<sdk::ArtifactRecord> ArtifactStore::import(const std::string& fingerprint,
                                                       const std::string& sha256,
                                                       const std::string& bytes,
                                                       const std::string& file_name,
                                                       const std::string& origin) {
  if (fingerprint.empty() || file_name.empty() || file_name.find('/') != std::string::npos ||
      file_name == "." || file_name == "..")
    return sdk::Status::error(sdk::Errc::invalid_argument, "import needs a fingerprint and a plain file name");
  if (sha256.size() != 64 || sha256_hex(bytes) != sha256)
    return sdk::Status::error(sdk::Errc::corrupt_state, "the bytes do not match sha256 " + sha256);
  std::lock_guard lock(mutex_);
  const auto dir = root_ / sha256;
  const auto file = dir / file_name;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (sha256_file(file) != sha256) {
    const auto tmp = dir / (file_name + ".import");
    std::filesystem::remove(tmp, ec);
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      if (!out.flush())
        return sdk::Status::error(sdk::Errc::unavailable, "cannot write into the store: " + tmp.string());
    }
    if (sha256_file(tmp) != sha256) {
      std::filesystem::remove(tmp, ec);
      return sdk::Status::error(sdk::Errc::unavailable, "the imported copy does not match its checksum");
    }
    ::chmod(tmp.c_str(), 0444);
    std::filesystem::rename(tmp, file, ec);
    if (ec) return sdk::Status::error(sdk::Errc::unavailable, "cannot store: " + ec.message());
  }
  // Bytes from another host run their constructors in a child first, like any artifact.
  auto probe = probe_(file, false);
  if (!probe.ok) {
    // Not indexed, so never restored; the bytes stay until a verified copy replaces them.
    return sdk::Status::error(sdk::Errc::unavailable, "probe refused " + file.string() + ": " + probe.error);
  }
  sdk::ArtifactRecord record;
  record.sha256 = sha256;
  record.path = file;
  record.abi_version = probe.abi_version.value_or(0);
  record.crate_version = info_field(probe.build_info, "crate_version");
  record.rustc_version = info_field(probe.build_info, "rustc_version");
  const auto known = read_record(sha256);
  record.built_at = known ? known->built_at : std::chrono::system_clock::now();
  if (!write_atomically(dir / "record", record_text(record, fingerprint, known ? origin_of(sha256) : origin,
                                                  known ? fingerprints_of(sha256) : std::vector<std::string>{})))
    return sdk::Status::error(sdk::Errc::unavailable, "cannot write the record in " + dir.string());
  std::filesystem::create_directories(index_file(fingerprint).parent_path(), ec);
  if (!write_atomically(index_file(fingerprint), sha256 + "\n"))
    return sdk::Status::error(sdk::Errc::unavailable, "cannot index " + fingerprint);
  return record;
}

std::string ArtifactStore::origin_of(const std::string& sha256) const {
  return info_field(file_text(root_ / sha256 / "record"), "origin");
}

std::optional<sdk::ArtifactRecord> ArtifactStore::read_record(const std::string& sha) const {
  std::ifstream in(root_ / sha / "record");
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), {});
  sdk::ArtifactRecord r;
  r.sha256 = info_field(text, "sha256");
  r.path = info_field(text, "path");
  r.abi_version = static_cast<std::uint32_t>(std::strtoul(info_field(text, "abi_version").c_str(), nullptr, 10));
  r.crate_version = info_field(text, "crate_version");
  r.rustc_version = info_field(text, "rustc_version");
  r.built_at = std::chrono::system_clock::time_point(
      std::chrono::seconds(std::strtoll(info_field(text, "built_at").c_str(), nullptr, 10)));
  if (r.sha256 != sha) return std::nullopt;
  return r;
}

std::string ArtifactStore::fingerprint_of(const std::string& sha256) const {
  return info_field(file_text(root_ / sha256 / "record"), "fingerprint");
}

std::vector<std::string> ArtifactStore::fingerprints_of(const std::string& sha256) const {
  std::ifstream in(root_ / sha256 / "record");
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("fingerprint=", 0) == 0 && line.size() > 12) out.insert(out.begin(), line.substr(12));
    else if (line.rfind("built_from=", 0) == 0) out.push_back(line.substr(11));
  }
  return out;
}

void ArtifactStore::add_fingerprint(const sdk::ArtifactRecord& record, const std::string& fingerprint) {
  const auto all = fingerprints_of(record.sha256);
  if (all.empty() || all.front() != fingerprint)
    write_atomically(root_ / record.sha256 / "record",
                     record_text(record, fingerprint, origin_of(record.sha256), all));
  std::error_code ec;
  std::filesystem::create_directories(index_file(fingerprint).parent_path(), ec);
  write_atomically(index_file(fingerprint), record.sha256 + "\n");
}

bool ArtifactStore::record_rebuild(const sdk::CratePaths& crate) {
  if (!fingerprint_) return false;
  const auto sha = sha256_file(crate.artifact);
  if (!sha) return false;
  auto record = read_record(*sha);
  if (!record || sha256_file(record->path) != *sha) return false;  // new bytes: accept() probes them
  const auto fingerprint = fingerprint_(crate, record->rustc_version);
  if (!fingerprint || fingerprint->empty()) return false;
  std::lock_guard lock(mutex_);
  if (fingerprint_of(*sha) == *fingerprint) return false;
  add_fingerprint(*record, *fingerprint);
  return true;
}

std::optional<sdk::ArtifactRecord> ArtifactStore::find(const std::string& fingerprint) const {
  if (fingerprint.empty()) return std::nullopt;
  std::ifstream in(index_file(fingerprint));
  std::string sha;
  if (!(in >> sha)) return std::nullopt;
  auto record = read_record(sha);
  // The index is only a hint: the record must say the same, and the bytes must be intact.
  if (!record || sha256_file(record->path) != sha) return std::nullopt;
  const auto all = fingerprints_of(sha);
  if (std::find(all.begin(), all.end(), fingerprint) == all.end()) return std::nullopt;
  return record;
}

sdk::Result<sdk::ArtifactRecord> ArtifactStore::restore(const std::string& fingerprint,
                                                        const std::filesystem::path& destination) const {
  auto record = find(fingerprint);
  if (!record)
    return sdk::Status::error(sdk::Errc::not_found,
                              "no verified artifact stored for fingerprint " + fingerprint);
  std::error_code ec;
  std::filesystem::create_directories(destination.parent_path(), ec);
  const auto tmp = destination.parent_path() / ("." + destination.filename().string() + ".restore");
  std::filesystem::remove(tmp, ec);
  std::filesystem::copy_file(record->path, tmp, ec);
  if (ec) return sdk::Status::error(sdk::Errc::unavailable, "cannot copy to " + tmp.string() + ": " + ec.message());
  if (sha256_file(tmp) != record->sha256) {
    std::filesystem::remove(tmp, ec);
    return sdk::Status::error(sdk::Errc::unavailable, "the restored copy does not match its checksum");
  }
  ::chmod(tmp.c_str(), 0755);
  // rename() replaces whatever is there (garbage, a chmod 000 file) without reading it.
  std::filesystem::rename(tmp, destination, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return sdk::Status::error(sdk::Errc::unavailable, "cannot restore " + destination.string() + ": " + ec.message());
  }
  return *record;
}

std::optional<sdk::ArtifactRecord> ArtifactStore::current() const {
  std::ifstream in(root_ / "current");
  std::string sha;
  if (!(in >> sha)) return std::nullopt;
  return read_record(sha);
}

sdk::Result<std::shared_ptr<sdk::NativeLibrary>> ArtifactStore::load(const sdk::ArtifactRecord& record) {
  std::lock_guard lock(mutex_);
  if (auto it = loaded_.find(record.sha256); it != loaded_.end()) return it->second;
  if (sha256_file(record.path) != record.sha256)
    return sdk::Status::error(sdk::Errc::unavailable,
                              "stored artifact " + record.path.string() + " does not match its checksum");
  // Loading runs the library's constructors in-process: probe the stored copy first.
  auto probe = probe_(record.path, true);
  if (!probe.ok) return sdk::Status::error(sdk::Errc::unavailable, "probe refused " + record.path.string() + ": " + probe.error);
  boost::system::error_code ec;
  boost::dll::shared_library lib(
      boost::dll::fs::path(record.path.string()),
      static_cast<boost::dll::load_mode::type>(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE), ec);
  if (ec) return sdk::Status::error(sdk::Errc::unavailable, "cannot load " + record.path.string() + ": " + ec.message());
  auto library = std::make_shared<StoredLibrary>(std::move(lib), record.path);
  loaded_[record.sha256] = library;
  return std::shared_ptr<sdk::NativeLibrary>(library);
}

}  // namespace selfheal
