// Same shape as the other C++ adapters on purpose: each forwards its own SDK interface to its own
// core; the try/catch every noexcept method needs is in common/noexcept_calls.hpp.
#include "cpp_sliding_window.hpp"

#include "common/component_config.hpp"
#include "common/noexcept_calls.hpp"

namespace selfheal::components {
namespace {
constexpr const char* kNoMemory = "out of memory";
sdk::Status oom() { return sdk::Status::error(sdk::Errc::out_of_memory, kNoMemory); }
}  // namespace

sdk::Result<sdk::FrameAnalysis> CppSlidingWindow::add_frame(const sdk::Frame& f) noexcept {
  try {
    auto a = core_.add_frame(f.pixels, f.width, f.height, f.channels, f.timestamp_us);
    if (!a)
      return sdk::Status::error(sdk::Errc::invalid_argument,
                                "invalid frame: zero size, channels outside 1..4, or pixel bytes "
                                "!= width * height * channels");
    return sdk::FrameAnalysis{a->is_duplicate, a->confidence, a->frame_hash, a->window_size};
  } catch (const std::bad_alloc&) {
    return oom();
  }
}

sdk::WindowStats CppSlidingWindow::stats() const noexcept {
  const WindowCounters c = core_.stats();
  return {c.frames_seen, c.duplicates, c.window_size, c.capacity};
}

sdk::Status CppSlidingWindow::clear() noexcept {
  core_.clear();
  return {};
}

sdk::Status CppSlidingWindow::self_test() noexcept {
  return exception_as_internal([]() -> sdk::Status {
    if (xxhash64("", 0) != 0xEF46DB3751D8E999ull)
      return sdk::Status::error(sdk::Errc::internal, "xxhash64 test vector mismatch");
    SlidingWindowCore probe(4, 0.95);
    std::vector<std::uint8_t> a(32 * 32), b(32 * 32);
    for (std::size_t i = 0; i < a.size(); ++i) {
      a[i] = static_cast<std::uint8_t>((i % 32) * 8);
      b[i] = static_cast<std::uint8_t>((i / 32) * 8);
    }
    auto first = probe.add_frame(a, 32, 32, 1, 0);
    auto other = probe.add_frame(b, 32, 32, 1, 1);
    auto again = probe.add_frame(a, 32, 32, 1, 2);
    if (!first || !other || !again || first->is_duplicate || other->is_duplicate ||
        !again->is_duplicate)
      return sdk::Status::error(sdk::Errc::internal, "duplicate detection failed");
    return {};
  });
}

sdk::Result<std::vector<std::uint8_t>> CppSlidingWindow::export_state() const noexcept {
  return out_of_memory_as_error(
      kNoMemory, [&]() -> sdk::Result<std::vector<std::uint8_t>> { return core_.export_state(); });
}

sdk::Status CppSlidingWindow::import_state(std::span<const std::uint8_t> state) noexcept {
  return out_of_memory_as_error(kNoMemory, [&]() -> sdk::Status {
    if (!core_.import_state(state))
      return sdk::Status::error(sdk::Errc::corrupt_state, "not a valid sliding-window state");
    return {};
  });
}

sdk::Result<std::unique_ptr<sdk::Component>> CppSlidingWindowImplementation::create(
    const sdk::ComponentArgs& args) noexcept {
  return out_of_memory_as_error(kNoMemory, [&]() -> sdk::Result<std::unique_ptr<sdk::Component>> {
    auto s = window_settings(args.config);
    if (!s) return s.status();
    return std::unique_ptr<sdk::Component>(
        std::make_unique<CppSlidingWindow>(s.value().capacity, s.value().threshold));
  });
}

}  // namespace selfheal::components
