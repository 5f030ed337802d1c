// The counter's component kind (tests/fixtures/counter/counter.hpp), registered by the tests the
// way an embedder would register a kind of its own: its gate, its handle and its workload.
#pragma once

#include "components/component_kind.hpp"
#include "counter.hpp"

namespace selfheal::fixtures {

class CounterGate final : public Counter, GateBase<Counter> {
 public:
  using GateBase::GateBase;
  // fixtures::Counter
  sdk::Result<std::uint64_t> add(std::uint64_t n) noexcept override {
    return after_switch().add(n);
  }
  std::uint64_t value() const noexcept override { return after_switch().value(); }
  const char* implementation() const noexcept override { return after_switch().implementation(); }
  // sdk::Component
  sdk::Status self_test() noexcept override { return after_switch().self_test(); }
  sdk::Result<std::vector<std::uint8_t>> export_state() const noexcept override {
    return after_switch().export_state();
  }
  sdk::Status import_state(std::span<const std::uint8_t> s) noexcept override {
    return after_switch().import_state(s);
  }
};

ComponentKind counter_kind();

}  // namespace selfheal::fixtures
