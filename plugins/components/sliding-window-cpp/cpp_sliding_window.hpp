// The C++ implementation of the sliding-window component (common/sliding_window_algorithm.hpp).
// Same shape as its Rust sibling (and the other C++ adapters) on purpose: both implement one SDK
// interface and must stay independent (the host switches between them); the shape is the SDK's.
#pragma once

#include <memory>

#include "common/sliding_window_algorithm.hpp"
#include "selfheal/sdk/sliding_window.hpp"

namespace selfheal::components {

// MT safe (SlidingWindowCore has its own mutex).
class CppSlidingWindow final : public sdk::SlidingWindow {
 public:
  CppSlidingWindow(std::uint32_t capacity, double threshold) : core_(capacity, threshold) {}

  // sdk::SlidingWindow
  sdk::Result<sdk::FrameAnalysis> add_frame(const sdk::Frame& frame) noexcept override;
  sdk::WindowStats stats() const noexcept override;
  sdk::Status clear() noexcept override;
  // sdk::Component
  sdk::Status self_test() noexcept override;
  sdk::Result<std::vector<std::uint8_t>> export_state() const noexcept override;
  sdk::Status import_state(std::span<const std::uint8_t> state) noexcept override;

 private:
  SlidingWindowCore core_;
};

class CppSlidingWindowImplementation final : public sdk::ComponentImplementation {
 public:
  std::string component() const override { return sdk::component::sliding_window; }
  std::string implementation() const override { return "cpp"; }
  // config: window_size (default 30), similarity_threshold (default 0.95).
  sdk::Result<std::unique_ptr<sdk::Component>> create(
      const sdk::ComponentArgs& args) noexcept override;
};

}  // namespace selfheal::components
