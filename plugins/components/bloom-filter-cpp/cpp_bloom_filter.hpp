// The C++ implementation of the Bloom filter component (common/split_block_bloom.hpp).
// Same shape as its Rust sibling (and the other C++ adapters) on purpose: both implement one SDK
// interface and must stay independent (the host switches between them); the shape is the SDK's.
#pragma once

#include <memory>

#include "common/split_block_bloom.hpp"
#include "selfheal/sdk/bloom_filter.hpp"
#include "selfheal/sdk/state_view.hpp"

namespace selfheal::components {

class CppBloomFilter final : public sdk::BloomFilter, public sdk::StateView {
 public:
  explicit CppBloomFilter(std::uint64_t num_blocks)
      : filter_(std::make_unique<SplitBlockBloom>(num_blocks)) {}

  // sdk::BloomFilter
  sdk::Result<bool> insert(std::string_view key) noexcept override { return filter_->insert(key); }
  sdk::Result<bool> contains(std::string_view key) const noexcept override {
    return filter_->contains(key);
  }
  sdk::Status clear() noexcept override {
    filter_->clear();
    return {};
  }
  std::uint64_t item_count() const noexcept override { return filter_->item_count(); }
  double saturation() const noexcept override { return filter_->saturation(); }
  double estimated_false_positive_rate() const noexcept override {
    return filter_->estimated_false_positive_rate();
  }
  // sdk::Component
  sdk::Status self_test() noexcept override;
  sdk::Result<std::vector<std::uint8_t>> export_state() const noexcept override;
  sdk::Status import_state(std::span<const std::uint8_t> state) noexcept override;
  // sdk::StateView: a switch away from this instance copies the state once.
  std::span<const std::uint8_t> state_view() const noexcept override { return filter_->state_view(); }

 private:
  std::unique_ptr<SplitBlockBloom> filter_;
};

class CppBloomFilterImplementation final : public sdk::ComponentImplementation {
 public:
  std::string component() const override { return sdk::component::bloom_filter; }
  std::string implementation() const override { return "cpp"; }
  sdk::Result<std::unique_ptr<sdk::Component>> create(
      const sdk::ComponentArgs& args) noexcept override;
};

}  // namespace selfheal::components
