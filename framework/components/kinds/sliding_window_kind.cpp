// Same shape as the other kinds' files on purpose: each kind is one registry entry (its name,
// gate, workload); what differs is the interface and the workload's calls, so they stay separate.
#include "components/kinds/sliding_window_kind.hpp"

#include <algorithm>
#include <vector>

namespace selfheal {
namespace {

// Small grey frames, each a new brightness: the window's hot path.
std::uint64_t sliding_window_workload(sdk::Component& instance) {
  auto& w = static_cast<sdk::SlidingWindow&>(instance);
  std::uint64_t ops = 0;
  std::vector<std::uint8_t> pixels(64 * 64);
  for (int i = 0; i < 200; ++i) {
    std::fill(pixels.begin(), pixels.end(), static_cast<std::uint8_t>(i));
    (void)w.add_frame({pixels, 64, 64, 1, i});
    ++ops;
  }
  return ops;
}

}  // namespace

ComponentKind sliding_window_kind() {
  ComponentKind k;
  k.name = sdk::component::sliding_window;
  k.make_handle = make_gated_handle<sdk::SlidingWindow, SlidingWindowGate>;
  k.workload = sliding_window_workload;
  return k;
}

}  // namespace selfheal
