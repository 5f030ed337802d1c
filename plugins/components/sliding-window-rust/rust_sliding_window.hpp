// The Rust-backed sliding window: forwards every call to rust-core's selfheal_window_* functions,
// resolved through the artifact the host loaded (the adapter never links rust-core).
// Same shape as its C++ sibling (the SDK interface) and the other Rust adapters (an Api table of
// rust-core functions, a class owning a handle) on purpose: one adapter per C ABI, kept separate;
// what they share is in common/rust_core_binding.hpp.
#pragma once

#include <memory>

#include "common/rust_core_binding.hpp"
#include "selfheal/sdk/sliding_window.hpp"

namespace selfheal::components {

struct RustWindowApi {
  decltype(&selfheal_self_test) self_test = nullptr;
  decltype(&selfheal_window_new) create = nullptr;
  decltype(&selfheal_window_add_frame) add_frame = nullptr;
  decltype(&selfheal_window_stats) stats = nullptr;
  decltype(&selfheal_window_clear) clear = nullptr;
  decltype(&selfheal_window_export) export_state = nullptr;
  decltype(&selfheal_window_import) import_state = nullptr;
  decltype(&selfheal_window_free) destroy = nullptr;

  // Unavailable when the artifact is missing, has another ABI version or lacks a symbol.
  static sdk::Result<RustWindowApi> resolve(const sdk::NativeLibrary* artifact);
};

// MT safe (the Rust window has its own mutex). Owns its Rust handle.
class RustSlidingWindow final : public sdk::SlidingWindow {
 public:
  RustSlidingWindow(const RustWindowApi& api, selfheal_window_t* handle) : api_(api), h_(handle) {}
  ~RustSlidingWindow() override { api_.destroy(h_); }
  RustSlidingWindow(const RustSlidingWindow&) = delete;
  RustSlidingWindow& operator=(const RustSlidingWindow&) = delete;

  // sdk::SlidingWindow
  sdk::Result<sdk::FrameAnalysis> add_frame(const sdk::Frame& frame) noexcept override;
  sdk::WindowStats stats() const noexcept override;
  sdk::Status clear() noexcept override;
  // sdk::Component
  sdk::Status self_test() noexcept override;
  sdk::Result<std::vector<std::uint8_t>> export_state() const noexcept override;
  sdk::Status import_state(std::span<const std::uint8_t> state) noexcept override;

 private:
  RustWindowApi api_;
  selfheal_window_t* h_;
};

class RustSlidingWindowImplementation final : public sdk::ComponentImplementation {
 public:
  std::string component() const override { return sdk::component::sliding_window; }
  std::string implementation() const override { return "rust"; }
  bool needs_artifact() const noexcept override { return true; }
  // config: window_size, similarity_threshold (as the C++ implementation).
  sdk::Result<std::unique_ptr<sdk::Component>> create(
      const sdk::ComponentArgs& args) noexcept override;
};

}  // namespace selfheal::components
