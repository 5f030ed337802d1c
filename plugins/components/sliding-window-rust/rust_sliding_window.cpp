// Same shape as the other Rust adapters on purpose: each forwards its own SDK interface to its
// own rust-core functions; symbol lookup, rc mapping, export and create are shared in
// common/rust_core_binding.hpp.
#include "rust_sliding_window.hpp"

#include "common/component_config.hpp"

namespace selfheal::components {

using rust::from_rc;

sdk::Result<RustWindowApi> RustWindowApi::resolve(const sdk::NativeLibrary* artifact) {
  RustWindowApi api;
  if (auto st = rust::check_artifact(artifact, &api.self_test); !st.ok()) return st;
  rust::SymbolResolver r(*artifact);
  r(api.create, "selfheal_window_new");
  r(api.add_frame, "selfheal_window_add_frame");
  r(api.stats, "selfheal_window_stats");
  r(api.clear, "selfheal_window_clear");
  r(api.export_state, "selfheal_window_export");
  r(api.import_state, "selfheal_window_import");
  r(api.destroy, "selfheal_window_free");
  if (auto st = r.status(); !st.ok()) return st;
  return api;
}

sdk::Result<sdk::FrameAnalysis> RustSlidingWindow::add_frame(const sdk::Frame& f) noexcept {
  selfheal_frame_analysis_t a{};
  const auto rc = api_.add_frame(h_, f.pixels.data(), f.pixels.size(), f.width, f.height,
                                 f.channels, f.timestamp_us, &a);
  if (rc != SELFHEAL_RC_OK) return from_rc(rc, "selfheal_window_add_frame");
  return sdk::FrameAnalysis{a.is_duplicate != 0, a.confidence, a.frame_hash, a.window_size};
}

sdk::WindowStats RustSlidingWindow::stats() const noexcept {
  selfheal_window_stats_t s{};
  if (api_.stats(h_, &s) != SELFHEAL_RC_OK) return {};
  return {s.frames_seen, s.duplicates, s.window_size, s.capacity};
}

sdk::Status RustSlidingWindow::clear() noexcept {
  return from_rc(api_.clear(h_), "selfheal_window_clear");
}

sdk::Status RustSlidingWindow::self_test() noexcept {
  return from_rc(api_.self_test(), "selfheal_self_test");
}

sdk::Result<std::vector<std::uint8_t>> RustSlidingWindow::export_state() const noexcept {
  return rust::export_state(api_.export_state, h_, "selfheal_window_export", "window");
}

sdk::Status RustSlidingWindow::import_state(std::span<const std::uint8_t> state) noexcept {
  return from_rc(api_.import_state(h_, state.data(), state.size()), "selfheal_window_import");
}

sdk::Result<std::unique_ptr<sdk::Component>> RustSlidingWindowImplementation::create(
    const sdk::ComponentArgs& args) noexcept {
  return rust::create_adapter<RustSlidingWindow, RustWindowApi, selfheal_window_t>(
      args, window_settings,
      [](const RustWindowApi& api, const auto& s, selfheal_window_t** h) {
        return api.create(s.capacity, s.threshold, h);
      },
      "selfheal_window_new", "window");
}

}  // namespace selfheal::components
