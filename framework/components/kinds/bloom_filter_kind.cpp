// Same shape as the other kinds' files on purpose: each kind is one registry entry (its name,
// gate, workload); what differs is the interface and the workload's calls, so they stay separate.
#include "components/kinds/bloom_filter_kind.hpp"

#include <cstdio>

namespace selfheal {
namespace {

// Inserts and looks up distinct keys: the filter's hot path.
std::uint64_t bloom_filter_workload(sdk::Component& instance) {
  auto& f = static_cast<sdk::BloomFilter&>(instance);
  std::uint64_t ops = 0;
  char key[32];
  for (int i = 0; i < 20000; ++i) {
    const int n = std::snprintf(key, sizeof key, "calibration-%d", i);
    (void)f.insert(std::string_view(key, static_cast<std::size_t>(n)));
    (void)f.contains(std::string_view(key, static_cast<std::size_t>(n)));
    ops += 2;
  }
  return ops;
}

}  // namespace

ComponentKind bloom_filter_kind() {
  ComponentKind k;
  k.name = sdk::component::bloom_filter;
  k.make_handle = make_gated_handle<sdk::BloomFilter, BloomFilterGate>;
  k.workload = bloom_filter_workload;
  return k;
}

}  // namespace selfheal
