// The content-addressed store of plugin libraries: <state dir>/plugins/<sha256>/<file name>.
// The loader probes and maps only these copies, never the file the manifest names: dlopen of a
// path already loaded returns the old mapping, and a mapped file overwritten in place crashes the
// process. A copy is written read-only through a temporary and a rename, and its name is the hash
// of its own bytes, so new bytes always get a new path and nobody rewrites what is mapped.
// MT safe (copies race only on rename, which is atomic, and both writers hold the same bytes).
#pragma once

#include <filesystem>
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

  // Copies `source` into the store (or finds the copy already there). The hash is taken of the
  // copy, so a source that changes while it is copied yields one consistent library, never a mix.
  StoredPlugin put(const std::filesystem::path& source) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

}  // namespace selfheal
