// The sliding_window kind: sdk::SlidingWindow behind its gate (every call waits for a running
// switch to end, then goes to the new implementation) and its calibration workload.
// Same shape as the other kinds' gates on purpose: a gate forwards each method of its own SDK
// interface (a different one per kind) through after_switch(); GateBase holds what they share.
#pragma once

#include "components/component_handle.hpp"
#include "components/component_kind.hpp"
#include "selfheal/sdk/sliding_window.hpp"

namespace selfheal {

class SlidingWindowGate final : public sdk::SlidingWindow, GateBase<sdk::SlidingWindow> {
 public:
  using GateBase::GateBase;
  sdk::Result<sdk::FrameAnalysis> add_frame(const sdk::Frame& f) noexcept override {
    return after_switch().add_frame(f);
  }
  sdk::WindowStats stats() const noexcept override { return after_switch().stats(); }
  sdk::Status clear() noexcept override { return after_switch().clear(); }
  sdk::Status self_test() noexcept override { return after_switch().self_test(); }
  sdk::Result<std::vector<std::uint8_t>> export_state() const noexcept override {
    return after_switch().export_state();
  }
  sdk::Status import_state(std::span<const std::uint8_t> s) noexcept override {
    return after_switch().import_state(s);
  }
};

using SlidingWindowHandle = ComponentHandle<sdk::SlidingWindow>;

ComponentKind sliding_window_kind();

}  // namespace selfheal
