#include "cpp_bloom_filter.hpp"

#include "common/component_config.hpp"

namespace selfheal::components {

sdk::Status CppBloomFilter::self_test() noexcept {
  try {
    if (XXH3_64bits("", 0) != 0x2D06800538D394C2ull || XXH3_64bits("a", 1) != 0xE6C632B61E964E1Full)
      return sdk::Status::error(sdk::Errc::internal, "XXH3 test vector mismatch");
    SplitBlockBloom probe(4);
    for (int i = 0; i < 64; ++i) probe.insert("self-test-" + std::to_string(i));
    for (int i = 0; i < 64; ++i)
      if (!probe.contains("self-test-" + std::to_string(i)))
        return sdk::Status::error(sdk::Errc::internal, "an inserted key was not found");
    return {};
  } catch (const std::exception& e) {
    return sdk::Status::error(sdk::Errc::internal, e.what());
  }
}

sdk::Result<std::vector<std::uint8_t>> CppBloomFilter::export_state() const noexcept {
  try {
    return filter_->export_state();
  } catch (const std::bad_alloc&) {
    return sdk::Status::error(sdk::Errc::out_of_memory, "no memory to export the filter");
  }
}

sdk::Status CppBloomFilter::import_state(std::span<const std::uint8_t> state) noexcept {
  try {
    if (filter_->assign_state(state)) return {};  // same size: reuse the memory
    auto filter = SplitBlockBloom::from_state(state);
    if (!filter)
      return sdk::Status::error(sdk::Errc::corrupt_state, "not a valid Bloom filter state");
    filter_ = std::move(filter);
    return {};
  } catch (const std::bad_alloc&) {
    return sdk::Status::error(sdk::Errc::out_of_memory, "no memory to import the filter");
  }
}

sdk::Result<std::unique_ptr<sdk::Component>> CppBloomFilterImplementation::create(
    const sdk::ComponentArgs& args) noexcept {
  try {
    auto settings = bloom_settings(args.config);
    if (!settings) return settings.status();
    const auto blocks =
        sbbf_blocks_for(settings.value().expected_items, settings.value().false_positive_rate);
    return std::unique_ptr<sdk::Component>(std::make_unique<CppBloomFilter>(blocks));
  } catch (const std::bad_alloc&) {
    return sdk::Status::error(sdk::Errc::out_of_memory, "no memory for the filter");
  }
}

}  // namespace selfheal::components
