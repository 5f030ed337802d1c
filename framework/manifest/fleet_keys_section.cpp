// fleet.signing_key and fleet.trusted_keys: Ed25519 key files, loaded here so that a missing,
// unreadable, wrong or too open key is an error at its line and column, never a surprise at the
// first publish or fetch. The manifest holds the paths only; the key material stays in the files.
#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "crypto/ed25519.hpp"
#include "crypto/key_file.hpp"
#include "manifest/paths.hpp"
#include "manifest/sections.hpp"

namespace selfheal::manifest_detail {
namespace {

namespace fs = std::filesystem;

// The *.pub regular files of `folder`, sorted; reports an unsafe or empty folder.
std::vector<fs::path> keys_in_folder(ReadContext& ctx, const Field& item, const fs::path& folder) {
  struct stat st {};
  if (::stat(folder.c_str(), &st) == 0)
    if (auto mode = unsafe_mode(st.st_mode, KeyFileKind::public_key); !mode.empty()) {
      ctx.diag.error(value_mark(item), item.key,
                     "folder '" + folder.string() + "' has permissions " + mode +
                         ": a folder of trusted keys must be writable by its owner only");
      return {};
    }
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".pub" && it->is_regular_file()) files.push_back(it->path());
  if (ec) {
    ctx.diag.error(value_mark(item), item.key,
                   "folder '" + folder.string() + "' cannot be read: " + ec.message());
    return {};
  }
  if (files.empty())
    ctx.diag.error(value_mark(item), item.key,
                   "folder '" + folder.string() + "' holds no *.pub file: it trusts no key");
  std::sort(files.begin(), files.end());
  return files;
}

void add_trusted(ReadContext& ctx, const Field& item, std::set<std::string>& ids,
                 FleetSettings& fleet) {
  auto text = read_string(ctx.diag, item);
  if (!text) return;
  const fs::path path = resolve(ctx.folder, *text);
  std::error_code ec;
  std::vector<fs::path> files =
      fs::is_directory(path, ec) ? keys_in_folder(ctx, item, path) : std::vector<fs::path>{path};
  for (const auto& file : files) {
    auto key = Ed25519PublicKey::load(file);
    if (!key.ok()) {
      ctx.diag.error(value_mark(item), item.key, "trusted key " + key.status().message);
      continue;
    }
    if (ids.insert(key.value().id()).second) fleet.trusted_keys.push_back(file);
  }
}

}  // namespace

void read_signing_key(ReadContext& ctx, const Field& field, FleetSettings& fleet) {
  auto text = read_string(ctx.diag, field);
  if (!text) return;
  const fs::path file = resolve(ctx.folder, *text);
  auto key = Ed25519PrivateKey::load(file);
  if (!key.ok())
    ctx.diag.error(value_mark(field), field.key, "signing key " + key.status().message);
  else
    fleet.signing_key = file;
}

void read_trusted_keys(ReadContext& ctx, const Field& field, FleetSettings& fleet) {
  std::set<std::string> ids;  // the same key named twice is trusted once
  if (field.value.IsSequence()) {
    auto items = read_list(ctx.diag, field, false);
    if (!items) return;
    if (items->empty())
      ctx.diag.error(value_mark(field), field.key,
                     "the list is empty: remove the key to trust no key, or name key files");
    for (const auto& item : *items) add_trusted(ctx, item, ids, fleet);
  } else {
    add_trusted(ctx, field, ids, fleet);
  }
}

}  // namespace selfheal::manifest_detail
