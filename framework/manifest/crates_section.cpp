// crates: the Rust crates the host builds and repairs.
#include <limits>
#include <system_error>

#include "manifest/names.hpp"
#include "manifest/paths.hpp"
#include "manifest/sections.hpp"

namespace selfheal::manifest_detail {
namespace {

// The crate folder must exist and hold a Cargo.toml.
// Shaped like check_library in plugins_section.cpp: another path, other checks; both report
// through value_error.
bool check_crate_folder(Diagnostics& diag, const Field& field, const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec))
    return value_error(diag, field, "crate folder '" + dir.string() + "' does not exist");
  if (!std::filesystem::is_directory(dir, ec))
    return value_error(diag, field, "'" + dir.string() + "' is not a folder");
  if (!std::filesystem::is_regular_file(dir / "Cargo.toml", ec))
    return value_error(diag, field, "no Cargo.toml in crate folder '" + dir.string() + "'");
  return true;
}

std::optional<CrateSpec> read_crate(ReadContext& ctx, const Field& item) {
  Diagnostics& diag = ctx.diag;
  MapReader map(diag, item, /*null_is_empty=*/false);
  if (!map.ok()) return std::nullopt;
  map.allow_only({"name", "path", "library", "profile", "target_dir", "abi_version"});
  const std::size_t errors_before = diag.count();

  CrateSpec c;
  c.where = diag.location(map.mark());
  if (const Field* f = map.require("name"))
    if (auto v = read_name(diag, *f, kCrateName))
      if (declare(diag, ctx.crates, *v, *f, "crate name")) c.name = *v;
  if (const Field* f = map.require("path")) {
    if (auto v = read_string(diag, *f)) {
      c.path = resolve(ctx.folder, *v);
      check_crate_folder(diag, *f, c.path);
    }
  }
  if (const Field* f = map.require("library"))
    if (auto v = read_name(diag, *f, kLibraryName)) c.library_name = *v;
  if (const Field* f = map.find("profile"))
    if (auto v = read_name(diag, *f, kProfileName)) c.profile = *v;
  c.target_dir = c.path / "target";
  if (const Field* f = map.find("target_dir"))
    if (auto v = read_string(diag, *f)) c.target_dir = resolve(ctx.folder, *v);
  if (const Field* f = map.find("abi_version"))
    if (auto v = read_integer(diag, *f, 0, std::numeric_limits<std::uint32_t>::max()))
      c.abi_version = static_cast<std::uint32_t>(*v);

  if (diag.count() != errors_before) return std::nullopt;
  return c;
}

}  // namespace

void read_crates(ReadContext& ctx, const Field* field, Manifest& manifest) {
  if (field == nullptr) return;  // reported as missing by the caller
  auto items = read_list(ctx.diag, *field, /*null_is_empty=*/false);
  if (!items) return;
  if (items->empty()) {
    ctx.diag.error(value_mark(*field), field->key, "at least one crate is required");
    return;
  }
  for (const auto& item : *items)
    if (auto c = read_crate(ctx, item)) manifest.crates.push_back(std::move(*c));
}

}  // namespace selfheal::manifest_detail
