// The bloom_filter kind: sdk::BloomFilter behind its gate (every call waits for a running switch
// to end, then goes to the new implementation) and its calibration workload.
// Same shape as the other kinds' gates on purpose: a gate forwards each method of its own SDK
// interface (a different one per kind) through after_switch(); GateBase holds what they share.
#pragma once

#include "components/component_handle.hpp"
#include "components/component_kind.hpp"
#include "selfheal/sdk/bloom_filter.hpp"

namespace selfheal {

class BloomFilterGate final : public sdk::BloomFilter, GateBase<sdk::BloomFilter> {
 public:
  using GateBase::GateBase;
  sdk::Result<bool> insert(std::string_view key) noexcept override {
    return after_switch().insert(key);
  }
  sdk::Result<bool> contains(std::string_view key) const noexcept override {
    return after_switch().contains(key);
  }
  sdk::Status clear() noexcept override { return after_switch().clear(); }
  std::uint64_t item_count() const noexcept override { return after_switch().item_count(); }
  double saturation() const noexcept override { return after_switch().saturation(); }
  double estimated_false_positive_rate() const noexcept override {
    return after_switch().estimated_false_positive_rate();
  }
  sdk::Status self_test() noexcept override { return after_switch().self_test(); }
  sdk::Result<std::vector<std::uint8_t>> export_state() const noexcept override {
    return after_switch().export_state();
  }
  sdk::Status import_state(std::span<const std::uint8_t> s) noexcept override {
    return after_switch().import_state(s);
  }
};

using BloomFilterHandle = ComponentHandle<sdk::BloomFilter>;

ComponentKind bloom_filter_kind();

}  // namespace selfheal
