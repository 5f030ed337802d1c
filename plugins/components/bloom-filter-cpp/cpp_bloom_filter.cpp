// Same shape as the other C++ adapters on purpose: each forwards its own SDK interface to its own
// core; the try/catch every noexcept method needs is in common/noexcept_calls.hpp.
#include "cpp_bloom_filter.hpp"

#include "common/component_config.hpp"
#include "common/noexcept_calls.hpp"

namespace selfheal::components {

sdk::Status CppBloomFilter::self_test() noexcept {
  return exception_as_internal([]() -> sdk::Status {
    if (XXH3_64bits("", 0) != 0x2D06800538D394C2ull || XXH3_64bits("a", 1) != 0xE6C632B61E964E1Full)
      return sdk::Status::error(sdk::Errc::internal, "XXH3 test vector mismatch");
    SplitBlockBloom probe(4);
    for (int i = 0; i < 64; ++i) probe.insert("self-test-" + std::to_string(i));
    for (int i = 0; i < 64; ++i)
      if (!probe.contains("self-test-" + std::to_string(i)))
        return sdk::Status::error(sdk::Errc::internal, "an inserted key was not found");
    return {};
  });
}

sdk::Result<std::vector<std::uint8_t>> CppBloomFilter::export_state() const noexcept {
  return out_of_memory_as_error(
      "no memory to export the filter",
      [&]() -> sdk::Result<std::vector<std::uint8_t>> { return filter_->export_state(); });
}

sdk::Status CppBloomFilter::import_state(std::span<const std::uint8_t> state) noexcept {
  return out_of_memory_as_error("no memory to import the filter", [&]() -> sdk::Status {
    if (filter_->assign_state(state)) return {};  // same size: reuse the memory
    auto filter = SplitBlockBloom::from_state(state);
    if (!filter)
      return sdk::Status::error(sdk::Errc::corrupt_state, "not a valid Bloom filter state");
    filter_ = std::move(filter);
    return {};
  });
}

sdk::Result<std::unique_ptr<sdk::Component>> CppBloomFilterImplementation::create(
    const sdk::ComponentArgs& args) noexcept {
  return out_of_memory_as_error(
      "no memory for the filter", [&]() -> sdk::Result<std::unique_ptr<sdk::Component>> {
        auto settings = bloom_settings(args.config);
        if (!settings) return settings.status();
        const auto blocks =
            sbbf_blocks_for(settings.value().expected_items, settings.value().false_positive_rate);
        return std::unique_ptr<sdk::Component>(std::make_unique<CppBloomFilter>(blocks));
      });
}

}  // namespace selfheal::components
