// Measuring a component's implementations against each other: a short benchmark of the
// component's typical calls on scratch instances. Implementations are measured together, in
// interleaved rounds after a warm-up pass each, with the order alternating between rounds, so
// that a load that comes and goes (a build, another component's calibration) weighs on all of
// them alike instead of deciding the comparison. MT safe (no shared state).
#pragma once

#include <map>
#include <string>

#include "components/implementation_choice.hpp"
#include "selfheal/sdk/component.hpp"

namespace selfheal {

// One pass of the benchmark for a component of kind `component` ("bloom_filter", ...):
// operations per microsecond.
double benchmark_once(const std::string& component, sdk::Component& instance);

// `rounds` scores per instance, measured as described above.
RoundScores calibrate_together(const std::string& component,
                               const std::map<std::string, sdk::Component*>& instances, int rounds);

}  // namespace selfheal
