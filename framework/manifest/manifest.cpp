// The small public functions of manifest.hpp, and reading the manifest file.
#include "manifest/manifest.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include "manifest/paths.hpp"

namespace selfheal {

std::vector<const PluginSpec*> Manifest::all_plugins() const {
  std::vector<const PluginSpec*> out;
  out.reserve(diagnosers.size() + strategies.size() + component_plugins.size());
  for (const auto* list : {&diagnosers, &strategies, &component_plugins})
    for (const auto& p : *list) out.push_back(&p);
  return out;
}

std::string ManifestError::to_string() const {
  std::string s = where.file.string();
  if (where.line > 0) {
    // Appended piece by piece: GCC 12 at -O3 reports a false -Wrestrict for ":" + to_string().
    s += ':';
    s += std::to_string(where.line);
    s += ':';
    s += std::to_string(where.column);
  }
  s += ": ";
  if (!key.empty()) s += key + ": ";
  s += message;
  return s;
}

std::optional<std::string> process_environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

const char* to_string(sdk::PluginKind kind) {
  switch (kind) {
    case sdk::PluginKind::diagnoser:
      return "diagnoser";
    case sdk::PluginKind::strategy:
      return "strategy";
    case sdk::PluginKind::component:
      return "component";
  }
  return "unknown";
}

namespace {

std::string manifest_too_large(std::uint64_t size) {
  return "the manifest is " + std::to_string(size) + " bytes, more than the limit of " +
         std::to_string(kMaxManifestBytes) + " bytes (1 MiB); refusing to parse it";
}

}  // namespace

ManifestLoad load_manifest(const std::filesystem::path& file, EnvironmentLookup env,
                           ManifestReadOptions options) {
  const std::filesystem::path path = manifest_detail::absolute_file(file);
  auto fail = [&](const std::string& why) {
    ManifestLoad load;
    load.errors.push_back(
        ManifestError{SourceLocation{path, 0, 0}, "", "cannot read the manifest: " + why});
    return load;
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fail("it is a folder, not a file");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return fail(err != 0 ? std::generic_category().message(err) : "cannot open it");
  }
  // Refused before a byte is parsed; and read with a cap, since the size can change (or be
  // unknown, for a pipe) between the check and the read.
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxManifestBytes)
    return fail(manifest_too_large(size));
  std::string text(kMaxManifestBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return fail("read error");
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxManifestBytes)
    return fail("the manifest grew past the limit of " + std::to_string(kMaxManifestBytes) +
                " bytes (1 MiB) while it was read; refusing to parse it");
  text.shrink_to_fit();
  return parse_manifest(text, path, env, options);
}

}  // namespace selfheal
