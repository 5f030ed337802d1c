#include <boost/json.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"

namespace selfheal::cli {

std::optional<Manifest> load_or_report(const Args& args) {
  auto load = load_manifest(args.config());
  if (load.manifest) return std::move(load.manifest);
  for (const auto& e : load.errors) std::cerr << e.to_string() << "\n";
  std::cerr << load.errors.size() << " error(s) in " << args.config() << "; nothing loaded\n";
  return std::nullopt;
}

int run_check(const Args& args) {
  auto manifest = load_or_report(args);
  if (!manifest) return kInvalidManifest;
  const auto& m = *manifest;
  if (args.has("json")) {
    boost::json::object o;
    o["valid"] = true;
    o["file"] = m.file.string();
    boost::json::array plugins;
    for (const auto* p : m.all_plugins()) {
      plugins.push_back(boost::json::object{{"kind", to_string(p->kind)},
                                            {"name", p->name},
                                            {"library", p->library.string()}});
    }
    o["plugins"] = std::move(plugins);
    boost::json::object issues;
    for (const auto& [issue, chain] : m.issue_strategies) {
      boost::json::array a;
      for (const auto& s : chain) a.push_back(boost::json::string(s));
      issues[issue] = std::move(a);
    }
    o["issues"] = std::move(issues);
    std::cout << boost::json::serialize(o) << "\n";
    return kOk;
  }
  std::cout << m.file.string() << ": valid\n"
            << "settings: check_interval=" << m.settings.check_interval.count()
            << "s max_retries=" << m.settings.max_retries
            << " build_timeout=" << m.settings.build_timeout.count() << "s state_dir="
            << m.settings.state_dir.string() << " http=" << m.settings.http.bind_address << ":"
            << m.settings.http.port << "\n";
  for (const auto& c : m.crates) std::cout << "crate " << c.name << ": " << c.path.string() << "\n";
  for (const auto* p : m.all_plugins())
    std::cout << to_string(p->kind) << " " << p->name << ": " << p->library.string() << "\n";
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
