// The content-addressed store of plugin libraries: <state dir>/plugins/<sha256>/<file name>.
// The loader probes and maps only these copies, never the file the manifest names: dlopen of a
// path already loaded returns the old mapping, and a mapped file overwritten in place crashes the
// process. A copy is written read-only through a temporary and a rename, and its name is the hash
// of its own bytes, so new bytes always get a new path and nobody rewrites what is mapped.
// MT safe (copies race only on rename, which is atomic, and both writers hold the same bytes).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace selfheal {

struct StoredPlugin {
  std::filesystem::path path;  // <root>/<sha256>/<file name>; set when ok
  std::string sha256;          // of the stored bytes
  std::string error;           // names the source or the store; empty: ok
  bool ok() const { return error.empty(); }
};

class PluginStore {
 public:
  explicit PluginStore(std::filesystem::path root) : root_(std::move(root)) {}
  // Removes the private fallback store, if one was made: its libraries stay mapped (an unlinked
  // file's mapping lives on), and nothing is loaded from it after the loader is gone.
  ~PluginStore();
  PluginStore(const PluginStore&) = delete;
  PluginStore& operator=(const PluginStore&) = delete;

  // Copies `source` into the store (or finds the copy already there). The hash is taken of the
  // copy, so a source that changes while it is copied yields one consistent library, never a mix.
  // A store this process cannot write (a read-only command run as another user, a read-only
  // state folder) serves the copies a daemon made there; a library it lacks is copied into a
  // private folder of this process instead (mkdtemp, 0700), so read-only commands still load
  // immutable copies and never write the state folder.
  StoredPlugin put(const std::filesystem::path& source) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
  mutable std::mutex fallback_mutex_;
  mutable std::unique_ptr<PluginStore> fallback_;  // made at the first copy root_ refused
  mutable std::filesystem::path fallback_dir_;
};

}  // namespace selfheal
