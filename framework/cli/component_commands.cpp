// components, force-check.
#include <boost/json.hpp>
#include <iostream>

#include "core/json_text.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "host/host.hpp"
#include "host/json_views.hpp"

namespace selfheal::cli {
namespace {

void print_status(const LoaderStatus& s) {
  for (const auto& c : s.components) {
    std::cout << c.name << ": " << (c.active.empty() ? "NO WORKING IMPLEMENTATION" : c.active) << "\n";
    for (const auto& i : c.implementations) {
      std::cout << "  " << i.name << ": " << (i.available ? "available" : "unavailable")
                << ", score " << i.performance_score << ", errors " << i.error_count
                << ", breaker " << i.breaker;
      if (!i.error.empty()) std::cout << " (" << i.error << ")";
      std::cout << "\n";
    }
  }
}

}  // namespace

int run_components(const Args& args) {
  auto manifest = load_or_report(args);
  if (!manifest) return kInvalidManifest;
  Host host(std::move(*manifest), {});
  host.components().check();
  auto status = host.components().status();
  if (args.has("json")) std::cout << json_text(component_status_json(status)) << "\n";
  else print_status(status);
  return kOk;
}

int run_force_check(const Args& args) {
  auto manifest = load_or_report(args);
  if (!manifest) return kInvalidManifest;
  Host host(std::move(*manifest), {});
  auto changes = host.components().check();
  if (args.has("json")) {
    std::cout << json_text(force_check_json(changes)) << "\n";
  } else {
    std::cout << "Found " << changes.size() << " component changes\n";
    for (const auto& c : changes) std::cout << "  " << c.component << ": " << c.change << "\n";
  }
  return kOk;
}

}  // namespace selfheal::cli
