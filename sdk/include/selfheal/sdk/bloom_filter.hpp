// The Bloom filter component interface. The algorithm and state format are fixed so that every
// implementation produces byte-identical state and the host can move state between them (the
// reference is the C++ implementation's plugins/components/common/split_block_bloom.hpp, checked
// against the Rust one by shared vectors in tests/components); this header fixes the calls.
#pragma once

#include <cstdint>
#include <string_view>

#include "selfheal/sdk/component.hpp"

namespace selfheal::sdk {

struct BloomFilterConfig {
  std::uint64_t expected_items = 1'000'000;
  double false_positive_rate = 0.01;
};

class BloomFilter : public Component {
 public:
  // Returns true when the key was (probably) new.
  virtual Result<bool> insert(std::string_view key) noexcept = 0;
  virtual Result<bool> contains(std::string_view key) const noexcept = 0;
  virtual Status clear() noexcept = 0;
  virtual std::uint64_t item_count() const noexcept = 0;
  virtual double saturation() const noexcept = 0;  // fraction of bits set
  virtual double estimated_false_positive_rate() const noexcept = 0;
};

}  // namespace selfheal::sdk
