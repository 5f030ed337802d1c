#include "loader/plugin_loader.hpp"

#include <dlfcn.h>

#include <boost/dll/shared_library.hpp>
#include <map>
#include <mutex>

#include "core/sha256.hpp"
#include "loader/file_safety.hpp"
#include "loader/probe_client.hpp"
#include "selfheal/sdk/component.hpp"
#include "selfheal/sdk/diagnoser.hpp"

namespace selfheal {

namespace dll = boost::dll;

// Library handles by stored path, with the hash of the bytes mapped from there. Entries are
// never removed: the libraries are never unloaded anyway (RTLD_NODELETE).
struct PluginLoader::Libraries {
  struct Entry {
    std::shared_ptr<dll::shared_library> library;
    std::string sha256;
  };
  std::mutex mutex;
  std::map<std::string, Entry> by_path;
};

namespace {

// RTLD_NODELETE: even when the last handle closes, the library stays mapped, so code, vtables
// and thread-local destructors of a plugin remain valid for the life of the process.
const auto kLoadMode = static_cast<dll::load_mode::type>(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);

// The deleter of plugin objects: deletes through the virtual destructor (the plugin's own code),
// and only then lets go of the library it holds.
struct DeleteKeepingLibrary {
  std::shared_ptr<dll::shared_library> library;
  void operator()(sdk::Plugin* object) const noexcept { delete object; }
};

std::optional<PluginDescriptorInfo> descriptor_from_probe(const ProbeRun& run) {
  if (run.field("api_major").empty()) return std::nullopt;
  PluginDescriptorInfo info;
  try {
    info.api_major = static_cast<std::uint32_t>(std::stoul(run.field("api_major")));
    info.api_minor = static_cast<std::uint32_t>(std::stoul(run.field("api_minor")));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (auto kind = parse_plugin_kind(run.field("kind"))) info.kind = *kind;
  info.name = run.field("name");
  info.version = run.field("version");
  info.description = run.field("description");
  info.cxx_abi_tag = run.field("cxx_abi_tag");
  if (const auto flags = run.field("flags"); !flags.empty()) {
    try {
      info.flags = std::stoull(flags);
    } catch (const std::exception&) {
      info.flags = 0;
    }
  }
  return info;
}

// The probe names the store's copy; the operator knows the manifest's file.
std::string naming_the_manifest_file(std::string message, const std::string& stored,
                                     const std::string& file) {
  if (stored.empty()) return message;
  for (auto at = message.find(stored); at != std::string::npos; at = message.find(stored, at + file.size()))
    message.replace(at, stored.size(), file);
  return message;
}

// What a component plugin says it creates, or a diagnoser the issue types it reports; nothing
// for other kinds. Never throws.
void read_what_it_creates(PluginRecord& record) {
  if (record.spec.kind == sdk::PluginKind::diagnoser && record.object) {
    // The descriptor said "diagnoser" (checked before the factory ran), so this is the class.
    const auto* diagnoser = static_cast<const sdk::Diagnoser*>(record.object.get());
    try {
      record.issue_types = diagnoser->issue_types();
      record.issue_types_known = true;
    } catch (...) {
      record.issue_types.clear();
      record.issue_types_known = false;
    }
    return;
  }
  if (record.spec.kind != sdk::PluginKind::component || !record.object) return;
  // The descriptor said "component" (checked before the factory ran), so this is the class.
  const auto* component = static_cast<const sdk::ComponentImplementation*>(record.object.get());
  try {
    record.component = component->component();
    record.implementation = component->implementation();
  } catch (...) {
    record.component.clear();
    record.implementation.clear();
  }
}

}  // namespace

// A plain enum-to-word switch: it shares only its shape with the others (e.g. yaml_scalar.cpp).
const char* to_string(LoadStatus status) {
  switch (status) {
    case LoadStatus::loaded:
      return "loaded";
    case LoadStatus::failed:
      return "failed";
    case LoadStatus::quarantined:
      return "quarantined";
  }
  return "unknown";
}

PluginLoader::PluginLoader(std::filesystem::path probe_program, std::filesystem::path plugin_store,
                           sdk::ProcessRunner& runner, sdk::Logger& log,
                           std::chrono::milliseconds probe_timeout)
    : probe_program_(std::move(probe_program)),
      store_(std::move(plugin_store)),
      runner_(runner),
      log_(log),
      probe_timeout_(probe_timeout),
      libraries_(std::make_unique<Libraries>()) {}

PluginLoader::~PluginLoader() = default;

std::filesystem::path PluginLoader::default_probe_program() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "selfheal-probe";
  return self.parent_path() / "selfheal-probe";
}

PluginRecord PluginLoader::load(const PluginSpec& spec) {
  PluginRecord record;
  try {
    record.spec = spec;
    load_into(record);
  } catch (const std::exception& e) {
    record.object.reset();
    record.status = LoadStatus::failed;
    record.error = spec.library.string() + ": " + e.what();
  } catch (...) {
    record.object.reset();
    record.status = LoadStatus::failed;
    record.error = spec.library.string() + ": unknown error while loading";
  }
  try {
    if (record.status == LoadStatus::loaded)
      log_.debug("loaded " + spec.name + " from " + record.loaded_from.string() + " (a copy of " +
                 spec.library.string() + ", sha256 " + record.sha256 + ")");
    else if (record.status == LoadStatus::quarantined)
      log_.warning(record.error);
    else
      log_.debug("not loaded: " + record.error);
  } catch (...) {  // a logger must not turn a result into an exception
  }
  return record;
}

std::vector<PluginRecord> PluginLoader::load_all(const std::vector<const PluginSpec*>& specs) {
  std::vector<PluginRecord> records;
  records.reserve(specs.size());
  for (const PluginSpec* spec : specs)
    if (spec != nullptr) records.push_back(load(*spec));
  return records;
}

void PluginLoader::load_into(PluginRecord& record) {
  const PluginSpec& spec = record.spec;
  const std::string file = spec.library.string();
  record.status = LoadStatus::failed;
  if (spec.library.empty()) {
    record.error = "plugin '" + spec.name + "' has no library path";
    return;
  }
  // (1) Nobody else may swap the bytes we are about to copy.
  const FileSafety safety = check_file_safety(spec.library);
  if (!safety.ok()) {
    record.error = safety.error;
    return;
  }
  // (2) Our own immutable copy, named by its hash: the identity of what we load. From here on
  // only the copy is probed and mapped, so a later write to the manifest's file changes nothing.
  const StoredPlugin stored = store_.put(safety.canonical);
  if (!stored.ok()) {
    record.error = file + ": " + stored.error;
    return;
  }
  record.sha256 = stored.sha256;
  record.loaded_from = stored.path;
  if (const FileSafety store_safety = check_file_safety(stored.path); !store_safety.ok()) {
    record.error = file + ": the plugin store is not safe: " + store_safety.error;
    return;
  }
  // (3) Whatever the library does while loading, it does it in the probe first.
  if (!probe_into(record, stored.path)) return;
  // (4)-(6) In-process, from the copy the probe accepted.
  if (load_in_process(record, stored.path)) {
    record.status = LoadStatus::loaded;
    read_what_it_creates(record);
  }
}

bool PluginLoader::probe_into(PluginRecord& record, const std::filesystem::path& library) {
  const std::string file = record.spec.library.string();
  ProbeRun run = run_probe(
      runner_, probe_program_,
      {"plugin", library.string(), "--kind", plugin_kind_name(static_cast<std::uint32_t>(record.spec.kind))},
      file, probe_timeout_);
  run.message = naming_the_manifest_file(std::move(run.message), library.string(), file);
  record.descriptor = descriptor_from_probe(run);
  record.component = run.field("component");
  record.implementation = run.field("implementation");
  record.issue_types = run.fields_named("issue_type");
  record.issue_types_known = record.spec.kind == sdk::PluginKind::diagnoser &&
                             run.verdict == ProbeRun::Verdict::accepted &&
                             !run.field("issue_types").empty();
  switch (run.verdict) {
    case ProbeRun::Verdict::accepted:
      return true;
    case ProbeRun::Verdict::broke:
      record.status = LoadStatus::quarantined;
      record.error = run.message;
      return false;
    case ProbeRun::Verdict::refused:
    case ProbeRun::Verdict::not_run:
      record.status = LoadStatus::failed;
      record.error = run.message;
      return false;
  }
  return false;
}

PluginRecord PluginLoader::inspect(const PluginSpec& spec) {
  PluginRecord record;
  try {
    record.spec = spec;
    const FileSafety safety = check_file_safety(spec.library);
    if (!safety.ok()) {
      record.error = safety.error;
      return record;
    }
    record.sha256 = sha256_file(safety.canonical).value_or("");
    if (probe_into(record, safety.canonical)) record.status = LoadStatus::loaded;
  } catch (const std::exception& e) {
    record.status = LoadStatus::failed;
    record.error = spec.library.string() + ": " + e.what();
  }
  return record;
}

bool PluginLoader::load_in_process(PluginRecord& record, const std::filesystem::path& stored) {
  const PluginSpec& spec = record.spec;
  const std::string file = spec.library.string();
  std::shared_ptr<dll::shared_library> library;
  {
    std::lock_guard lock(libraries_->mutex);
    auto& entry = libraries_->by_path[stored.string()];
    if (entry.library && entry.sha256 != record.sha256) {
      // The store names copies by their hash, so only tampering gets here; dlopen would hand
      // back the bytes mapped earlier, not the ones just probed.
      record.error = file + ": its stored copy " + stored.string() + " changed after it was loaded";
      return false;
    }
    if (!entry.library) {
      boost::system::error_code ec;
      auto opened =
          std::make_shared<dll::shared_library>(dll::fs::path(stored.string()), kLoadMode, ec);
      if (ec || !opened->is_loaded()) {
        const char* why = ::dlerror();
        record.error = file + ": cannot be loaded: " +
                       naming_the_manifest_file(why ? std::string(why) : ec.message(), stored.string(), file);
        libraries_->by_path.erase(stored.string());
        return false;
      }
      // The probe checked the copy as it was; make sure these are still the same bytes.
      if (sha256_file(stored).value_or("") != record.sha256) {
        record.error = file + ": its stored copy changed while it was being loaded; refusing it";
        libraries_->by_path.erase(stored.string());
        return false;
      }
      entry.library = std::move(opened);
      entry.sha256 = record.sha256;
    }
    library = entry.library;
  }

  // (4) The descriptor again, in this process, before any C++ symbol is touched.
  if (!library->has("selfheal_plugin_descriptor")) {
    record.error = file + ": not a selfheal plugin: no exported selfheal_plugin_descriptor";
    return false;
  }
  const auto& descriptor =
      library->get<const selfheal_plugin_descriptor_t>("selfheal_plugin_descriptor");
  DescriptorCheck check = check_descriptor(descriptor, file, {spec.kind, spec.name});
  if (check.info) record.descriptor = check.info;
  if (!check.ok()) {
    record.error = check.message;
    return false;
  }
  // (5) The factory.
  if (!library->has("selfheal_plugin_create")) {
    record.error = file + ": no exported factory selfheal_plugin_create";
    return false;
  }
  auto& create = library->get<void*(char*, std::size_t)>("selfheal_plugin_create");
  char error[512] = {};
  void* raw = nullptr;
  try {
    raw = create(error, sizeof error);
  } catch (const std::exception& e) {
    record.error = file + ": factory threw: " + e.what();
    return false;
  } catch (...) {
    record.error = file + ": factory threw an unknown exception";
    return false;
  }
  if (raw == nullptr) {
    record.error = file + ": factory failed: " + (error[0] ? error : "no reason given");
    return false;
  }
  // (6) The object keeps its library referenced; shared_ptr deletes it if this throws.
  record.object = std::shared_ptr<sdk::Plugin>(static_cast<sdk::Plugin*>(raw),
                                               DeleteKeepingLibrary{std::move(library)});
  return true;
}

sdk::ProbeResult PluginLoader::probe_library(const std::filesystem::path& library,
                                             const std::vector<std::string>& required_symbols,
                                             bool remembered_ok) {
  sdk::ProbeResult result;
  try {
    // Hashed before and after the probe: a verdict is remembered only for bytes that did not
    // change while the probe had them open.
    const auto before = sha256_file(library);
    const auto key = before ? ProbeVerdictCache::key(*before, required_symbols) : std::string();
    if (before && remembered_ok)
      if (auto known = probe_verdicts_.find(key)) return *known;
    std::vector<std::string> args = {"library", library.string()};
    for (const auto& symbol : required_symbols) {
      args.push_back("--symbol");
      args.push_back(symbol);
    }
    ProbeRun run =
        run_probe(runner_, probe_program_, std::move(args), library.string(), probe_timeout_);
    result.ok = run.verdict == ProbeRun::Verdict::accepted;
    result.crashed = run.verdict == ProbeRun::Verdict::broke && !run.timed_out;
    result.signal = run.signal;
    result.error = run.message;
    if (auto abi = run.field("abi_version"); !abi.empty()) {
      try {
        result.abi_version = static_cast<std::uint32_t>(std::stoul(abi));
      } catch (const std::exception&) {
      }
    }
    for (const auto& line : run.fields_named("build_info")) result.build_info += line + "\n";
    if (!result.ok) log_.debug("probe of " + library.string() + ": " + result.error);
    if (result.ok && before && sha256_file(library) == before) probe_verdicts_.remember(key, result);
  } catch (const std::exception& e) {
    result.ok = false;
    result.error = library.string() + ": " + e.what();
  }
  return result;
}

}  // namespace selfheal
