#include "api/health_view.hpp"

#include <boost/json.hpp>

#include "host/json_views.hpp"

namespace selfheal::http {
namespace json = boost::json;

namespace {

const ComponentSpec* spec_of(const Manifest& manifest, const std::string& name) {
  for (const auto& c : manifest.components)
    if (c.name == name) return &c;
  return nullptr;
}

// The implementation the component should run: the pinned one if available, else the available
// one with the best score.
const ImplementationStatus* best_of(const ComponentStatus& c, const ComponentSpec* spec) {
  const ImplementationStatus* best = nullptr;
  for (const auto& i : c.implementations) {
    if (!i.available) continue;
    if (spec && spec->prefer == i.name) return &i;
    if (!best || i.performance_score > best->performance_score) best = &i;
  }
  return best;
}

}  // namespace

HealthReport health_report(const Manifest& manifest, const HealerStatus& healer,
                           const LoaderStatus& loader, const std::optional<FixOutcome>& last_fix,
                           const std::vector<PluginRecord>& plugins) {
  bool degraded = false, unhealthy = false;
  json::array reasons;
  json::object components;
  for (const auto& c : loader.components) {
    components[c.name] = c.active.empty() ? json::value(nullptr) : json::value(c.active);
    if (c.active.empty()) {
      unhealthy = true;
      reasons.push_back(json::string(c.name + " has no working implementation"));
      continue;
    }
    const ImplementationStatus* active = nullptr;
    const ImplementationStatus* rust = nullptr;
    for (const auto& i : c.implementations) {
      if (i.name == c.active) active = &i;
      if (i.name == "rust") rust = &i;
    }
    if (rust && !rust->available && c.active != "rust") {
      degraded = true;
      reasons.push_back(json::string(c.name + " runs on its " + c.active +
                                     " fallback: rust is unavailable" +
                                     (rust->error.empty() ? std::string() : " (" + rust->error + ")")));
      continue;
    }
    // The loader's own choice when it says (scores within its margin are a tie, not "better").
    const ImplementationStatus* best = nullptr;
    for (const auto& i : c.implementations)
      if (i.name == c.choice) best = &i;
    if (c.choice.empty()) best = best_of(c, spec_of(manifest, c.name));
    if (best && active && best != active &&
        (!c.choice.empty() || best->performance_score > active->performance_score)) {
      degraded = true;
      reasons.push_back(json::string(c.name + " runs " + c.active + " while " + best->name +
                                     " is available and better"));
    }
  }
  bool fix_failed = false;
  std::string fix_error;
  if (last_fix) {
    fix_failed = !last_fix->success;
    fix_error = last_fix->error.value_or(last_fix->message);
  } else if (!healer.recent_fixes.empty()) {
    fix_failed = !healer.recent_fixes.front().success;
    fix_error = healer.recent_fixes.front().error;
  }
  if (fix_failed) {
    degraded = true;
    reasons.push_back(json::string("the last fix failed" + (fix_error.empty() ? std::string() : ": " + fix_error)));
  }
  // The fixes' outcomes stand, but their record is lost: an operator must know (e.g. a full disk).
  if (!healer.history_error.empty()) {
    degraded = true;
    reasons.push_back(json::string("the fix history cannot be written (" +
                                   std::to_string(healer.history_write_errors) +
                                   " failed writes): " + healer.history_error));
  }
  // A plugin that did not load: for a diagnoser, the host cannot know the issue it looks for.
  for (const auto& p : plugins) {
    if (p.status == LoadStatus::loaded) continue;
    degraded = true;
    reasons.push_back(json::string(std::string(selfheal::to_string(p.spec.kind)) + " " + p.spec.name + " " +
                                   selfheal::to_string(p.status) + ": " + p.error));
  }
  // Predicted, not yet broken: the host cannot make disk or memory, so an operator should know.
  for (const auto& w : healer.resource_warnings) {
    degraded = true;
    reasons.push_back(json::string("predicted: " + w.text()));
  }

  HealthReport r;
  r.status = unhealthy ? Status::service_unavailable : Status::ok;
  r.body["status"] = unhealthy ? "unhealthy" : degraded ? "degraded" : "healthy";
  json::object sh;
  sh["enabled"] = healer.running;
  sh["fix_attempts"] = healer.total_fix_attempts;
  sh["success_rate"] = healer.success_rate;
  sh["last_successful_build"] = healer.last_successful_build
                                    ? json::value(iso_time(*healer.last_successful_build))
                                    : json::value(nullptr);
  r.body["self_healing"] = std::move(sh);
  r.body["components"] = std::move(components);
  r.body["reasons"] = std::move(reasons);
  return r;
}

}  // namespace selfheal::http
