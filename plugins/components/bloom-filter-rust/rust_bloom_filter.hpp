// The Rust-backed Bloom filter: forwards every call to rust-core's selfheal_bloom_* functions,
// resolved through the artifact the host loaded (the adapter never links rust-core).
// Same shape as its C++ sibling (the SDK interface) and the other Rust adapters (an Api table of
// rust-core functions, a class owning a handle) on purpose: one adapter per C ABI, kept separate;
// what they share is in common/rust_core_binding.hpp.
#pragma once

#include <memory>

#include "common/rust_core_binding.hpp"
#include "selfheal/sdk/bloom_filter.hpp"
#include "selfheal/sdk/state_view.hpp"

namespace selfheal::components {

struct RustBloomApi {
  decltype(&selfheal_self_test) self_test = nullptr;
  decltype(&selfheal_bloom_new) create = nullptr;
  decltype(&selfheal_bloom_insert) insert = nullptr;
  decltype(&selfheal_bloom_contains) contains = nullptr;
  decltype(&selfheal_bloom_clear) clear = nullptr;
  decltype(&selfheal_bloom_item_count) item_count = nullptr;
  decltype(&selfheal_bloom_saturation) saturation = nullptr;
  decltype(&selfheal_bloom_estimated_fpr) estimated_fpr = nullptr;
  decltype(&selfheal_bloom_export) export_state = nullptr;
  decltype(&selfheal_bloom_import) import_state = nullptr;
  decltype(&selfheal_bloom_free) destroy = nullptr;
  decltype(&selfheal_bloom_state_view) state_view = nullptr;  // optional: null in older artifacts

  // Unavailable when the artifact is missing, has another ABI version or lacks a symbol.
  static sdk::Result<RustBloomApi> resolve(const sdk::NativeLibrary* artifact);
};

// MT safe like the Rust filter (import_state and state_view need callers paused). Owns its Rust
// handle.
class RustBloomFilter final : public sdk::BloomFilter, public sdk::StateView {
 public:
  RustBloomFilter(const RustBloomApi& api, selfheal_bloom_t* handle) : api_(api), h_(handle) {}
  ~RustBloomFilter() override { api_.destroy(h_); }
  RustBloomFilter(const RustBloomFilter&) = delete;
  RustBloomFilter& operator=(const RustBloomFilter&) = delete;

  // sdk::BloomFilter
  sdk::Result<bool> insert(std::string_view key) noexcept override;
  sdk::Result<bool> contains(std::string_view key) const noexcept override;
  sdk::Status clear() noexcept override;
  std::uint64_t item_count() const noexcept override;
  double saturation() const noexcept override;
  double estimated_false_positive_rate() const noexcept override;
  // sdk::Component
  sdk::Status self_test() noexcept override;
  sdk::Result<std::vector<std::uint8_t>> export_state() const noexcept override;
  sdk::Status import_state(std::span<const std::uint8_t> state) noexcept override;
  // sdk::StateView: the filter's own memory (rust-core keeps the header's room in front of its
  // blocks), so a switch away from Rust copies the state once. Empty with an artifact that lacks
  // selfheal_bloom_state_view: the host exports instead.
  std::span<const std::uint8_t> state_view() const noexcept override;

 private:
  RustBloomApi api_;
  selfheal_bloom_t* h_;
};

class RustBloomFilterImplementation final : public sdk::ComponentImplementation {
 public:
  std::string component() const override { return sdk::component::bloom_filter; }
  std::string implementation() const override { return "rust"; }
  bool needs_artifact() const noexcept override { return true; }
  // config: expected_items, false_positive_rate (as the C++ implementation).
  sdk::Result<std::unique_ptr<sdk::Component>> create(
      const sdk::ComponentArgs& args) noexcept override;
};

}  // namespace selfheal::components
