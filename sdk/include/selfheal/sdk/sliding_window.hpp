// The sliding-window component interface: duplicate detection over the last N frames.
#pragma once

#include <cstdint>
#include <span>

#include "selfheal/sdk/component.hpp"

namespace selfheal::sdk {

struct Frame {
  std::span<const std::uint8_t> pixels;  // row-major, `channels` bytes per pixel
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t channels = 1;
  std::int64_t timestamp_us = 0;
};

struct FrameAnalysis {
  bool is_duplicate = false;
  double confidence = 0.0;  // similarity to the closest frame in the window, 0..1
  std::uint64_t frame_hash = 0;
  std::uint32_t window_size = 0;  // frames in the window after this one
};

struct WindowStats {
  std::uint64_t frames_seen = 0;
  std::uint64_t duplicates = 0;
  std::uint32_t window_size = 0;
  std::uint32_t capacity = 0;
};

class SlidingWindow : public Component {
 public:
  virtual Result<FrameAnalysis> add_frame(const Frame& frame) noexcept = 0;
  virtual WindowStats stats() const noexcept = 0;
  virtual Status clear() noexcept = 0;
};

}  // namespace selfheal::sdk
