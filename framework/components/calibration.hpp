// Measuring a component's implementations against each other: a short benchmark of the
// component's typical calls on scratch instances. Implementations are measured together, in
// interleaved rounds after a warm-up pass each, with the order alternating between rounds, so
// that a load that comes and goes (a build, another component's calibration) weighs on all of
// them alike instead of deciding the comparison. MT safe (no shared state).
#pragma once

#include <map>
#include <string>

#include "components/component_kind.hpp"
#include "components/implementation_choice.hpp"
#include "selfheal/sdk/component.hpp"

namespace selfheal {

// One pass of the kind's workload (ComponentKind::workload): operations per microsecond.
double benchmark_once(const ComponentKind& kind, sdk::Component& instance);

// `rounds` scores per instance, measured as described above.
RoundScores calibrate_together(const ComponentKind& kind,
                               const std::map<std::string, sdk::Component*>& instances, int rounds);

}  // namespace selfheal
