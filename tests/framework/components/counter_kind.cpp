#include "counter_kind.hpp"

namespace selfheal::fixtures {

ComponentKind counter_kind() {
  ComponentKind k;
  k.name = kCounterComponent;
  k.make_handle = make_gated_handle<Counter, CounterGate>;
  k.workload = [](sdk::Component& instance) -> std::uint64_t {
    auto& c = static_cast<Counter&>(instance);
    for (int i = 0; i < 10000; ++i) (void)c.add(1);
    return 10000;
  };
  return k;
}

}  // namespace selfheal::fixtures
