// GET /health: the original's {"status", "self_healing": {enabled, fix_attempts, success_rate,
// last_successful_build}} plus "components" (name -> active implementation) and "reasons".
//   healthy   (200) every component runs its best implementation and the last fix did not fail
//   degraded  (200) a component runs on a fallback while its rust implementation is unavailable
//                   (or is not on its best one), the last fix failed, or a plugin of the
//                   manifest failed to load (a missing diagnoser means health is not known)
//   unhealthy (503) a component has no working implementation
#pragma once

#include <boost/json/object.hpp>
#include <optional>

#include "components/component_loader.hpp"
#include "healer/fix_types.hpp"
#include "http/http_types.hpp"
#include "manifest/manifest.hpp"

namespace selfheal::http {

struct HealthReport {
  Status status = Status::ok;
  boost::json::object body;
};

// `last_fix`: the newest fix outcome seen by this process, if any (else the newest recorded
// attempt in `healer.recent_fixes` decides whether fixes are failing).
// `plugins`: the loader's records; each one not loaded is a reason.
HealthReport health_report(const Manifest& manifest, const HealerStatus& healer,
                           const LoaderStatus& loader, const std::optional<FixOutcome>& last_fix,
                           const std::vector<PluginRecord>& plugins = {});

}  // namespace selfheal::http
