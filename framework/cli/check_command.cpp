#include <algorithm>
#include <boost/json.hpp>
#include <iostream>

#include "core/json_text.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "core/log.hpp"
#include "components/component_mapping.hpp"
#include "loader/plugin_loader.hpp"
#include "loader/plugin_manifest_checks.hpp"
#include "process/process_runner.hpp"

namespace selfheal::cli {
namespace {

// What only the plugins can tell: whether each plugin declares the name its entry gives it,
// whether each component implementation's plugin creates that component, and whether a
// diagnoser reports each issues: key. Every plugin is opened in the probe (a child), never in
// this process, and nothing is written to the state folder. A plugin that cannot be probed is a
// warning here (serve reports it as a failed plugin); what only it could say is not judged.
std::vector<ManifestError> plugin_revealed_errors(const Manifest& m) {
  PosixProcessRunner runner;
  SourceLogger log(std::make_shared<LogSink>(LogLevel::error), "check");
  PluginLoader loader(PluginLoader::default_probe_program(), m.settings.state_dir / "plugins",
                      runner, log);
  std::vector<PluginRecord> records;
  for (const auto* p : m.all_plugins()) {
    records.push_back(loader.inspect(*p));
    const auto& r = records.back();
    const bool misnamed = r.descriptor && r.descriptor->name != p->name;
    if (r.status != LoadStatus::loaded && !misnamed)
      std::cerr << "warning: " << to_string(p->kind) << " plugin " << p->name
                << " cannot be probed: " << r.error << "\n";
  }
  auto errors = check_plugin_names(m, records);
  for (auto& e : check_component_mapping(m, records)) errors.push_back(std::move(e));
  for (auto& e : check_issue_types(m, records)) errors.push_back(std::move(e));
  std::stable_sort(errors.begin(), errors.end(), [](const ManifestError& a, const ManifestError& b) {
    return a.where.line != b.where.line ? a.where.line < b.where.line
                                        : a.where.column < b.where.column;
  });
  return errors;
}

}  // namespace

std::optional<Manifest> load_or_report(const Args& args) {
  auto load = load_manifest(args.config());
  if (load.manifest) return std::move(load.manifest);
  report_manifest_errors(args, args.config(), load.errors);
  return std::nullopt;
}

void report_manifest_errors(const Args& args, const std::string& file,
                            const std::vector<ManifestError>& errors) {
  for (const auto& e : errors) std::cerr << e.to_string() << "\n";
  std::cerr << errors.size() << " error(s) in " << file << "; nothing loaded\n";
  // A --json reader gets the verdict on stdout too, not an empty line.
  if (args.has("json")) {
    boost::json::array list;
    for (const auto& e : errors)
      list.push_back(boost::json::object{{"file", e.where.file.string()},
                                         {"line", e.where.line},
                                         {"column", e.where.column},
                                         {"key", e.key},
                                         {"message", e.message},
                                         {"text", e.to_string()}});
    std::cout << json_text(boost::json::object{
                     {"valid", false}, {"file", file}, {"errors", std::move(list)}})
              << "\n";
  }
}

bool crate_is_known(const Manifest& m, const Args& args) {
  const auto name = args.option("crate");
  if (!name) return true;
  std::string names;
  for (const auto& c : m.crates) {
    if (c.name == *name) return true;
    names += (names.empty() ? "" : ", ") + c.name;
  }
  std::cerr << "selfheal " << args.command << ": unknown crate '" << *name
            << "'; the manifest has: " << names << "\n";
  return false;
}

int run_check(const Args& args) {
  // --no-load: the manifest alone, for a machine without the built plugins: their files need
  // not exist, and nothing is probed.
  auto load = load_manifest(args.config(), &process_environment,
                            ManifestReadOptions{.require_libraries = !args.has("no-load")});
  if (!load.manifest) report_manifest_errors(args, args.config(), load.errors);
  auto& manifest = load.manifest;
  if (!manifest) return kInvalidManifest;
  const auto& m = *manifest;
  if (!args.has("no-load"))
    if (auto errors = plugin_revealed_errors(m); !errors.empty()) {
      report_manifest_errors(args, m.file.string(), errors);
      return kInvalidManifest;
    }
  if (args.has("json")) {
    boost::json::object o;
    o["valid"] = true;
    o["file"] = m.file.string();
    // The folders as resolved (relative paths, --state-dir/--plugin-dir and their variables).
    o["state_dir"] = m.settings.state_dir.string();
    o["plugin_dir"] = m.settings.plugin_dir.string();
    boost::json::array crates;
    for (const auto& c : m.crates)
      crates.push_back(boost::json::object{{"name", c.name},
                                           {"path", c.path.string()},
                                           {"target_dir", c.target_dir.string()}});
    o["crates"] = std::move(crates);
    boost::json::array plugins;
    for (const auto* p : m.all_plugins()) {
      plugins.push_back(boost::json::object{{"kind", to_string(p->kind)},
                                            {"name", p->name},
                                            {"library", p->library.string()}});
    }
    o["plugins"] = std::move(plugins);
    boost::json::array order;
    for (const auto& d : m.diagnosers) order.push_back(boost::json::string(d.name));
    o["diagnoser_order"] = std::move(order);
    o["plugins_loaded"] = !args.has("no-load");
    boost::json::object issues;
    for (const auto& [issue, chain] : m.issue_strategies) {
      boost::json::array a;
      for (const auto& s : chain) a.push_back(boost::json::string(s));
      issues[issue] = std::move(a);
    }
    o["issues"] = std::move(issues);
    std::cout << json_text(o) << "\n";
    return kOk;
  }
  std::cout << m.file.string() << ": valid\n"
            << "settings: check_interval=" << m.settings.check_interval.count()
            << "s max_retries=" << m.settings.max_retries
            << " build_timeout=" << m.settings.build_timeout.count()
            << "s http=" << m.settings.http.bind_address << ":" << m.settings.http.port << "\n"
            << "state_dir: " << m.settings.state_dir.string() << "\n"
            << "plugin_dir: " << m.settings.plugin_dir.string() << "\n";
  for (const auto& c : m.crates)
    std::cout << "crate " << c.name << ": " << c.path.string()
              << " (target_dir " << c.target_dir.string() << ")\n";
  for (const auto* p : m.all_plugins())
    std::cout << to_string(p->kind) << " " << p->name << ": " << p->library.string() << "\n";
  std::cout << "diagnoser order:";
  for (const auto& d : m.diagnosers) std::cout << " " << d.name;
  std::cout << (m.diagnosers.empty() ? " (none)\n" : "\n");
  if (args.has("no-load")) std::cout << "plugins: not loaded (--no-load)\n";
  for (const auto& c : m.components) {
    std::cout << "component " << c.name << ":";
    for (const auto& [impl, plugin] : c.implementations) std::cout << " " << impl << "=" << plugin;
    std::cout << " (prefer " << c.prefer << ")\n";
  }
  for (const auto& [issue, chain] : m.issue_strategies) {
    std::cout << "issue " << issue << " ->";
    if (chain.empty()) std::cout << " (not auto-fixable)";
    for (const auto& s : chain) std::cout << " " << s;
    std::cout << "\n";
  }
  return kOk;
}

}  // namespace selfheal::cli
