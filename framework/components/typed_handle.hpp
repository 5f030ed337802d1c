// Type-erased access to a component's handle: the loader switches and inspects every kind's handle
// the same way, and callers get the typed ComponentHandle back (ComponentLoader::handle<I>).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "components/component_handle.hpp"

namespace selfheal {

class AnyHandle {
 public:
  virtual ~AnyHandle() = default;
  struct Switch {
    bool switched = false;
    sdk::Status status;
    std::chrono::nanoseconds pause{0};
  };
  // `next` must be of the handle's interface (the kind that made the handle made it).
  virtual Switch switch_to(std::unique_ptr<sdk::Component> next) = 0;
  // For status and tests: the active implementation (not the gate). Stable only between switches.
  virtual sdk::Component& current() = 0;
  // Calls `f` on the active implementation the way a caller does (through the read section).
  virtual std::uint64_t call(const std::function<std::uint64_t(sdk::Component&)>& f) const = 0;
};

template <class Interface>
class TypedHandle final : public AnyHandle {
 public:
  // `initial` must be an `Interface`: the component mapping refuses any other before this cast.
  TypedHandle(std::unique_ptr<sdk::Component> initial,
              typename ComponentHandle<Interface>::GateFactory make_gate)
      : handle(as_interface(std::move(initial)), std::move(make_gate)) {}

  Switch switch_to(std::unique_ptr<sdk::Component> next) override {
    auto r = handle.switch_to(as_interface(std::move(next)));
    return {r.switched, r.status, r.pause};
  }
  sdk::Component& current() override { return handle.current(); }
  std::uint64_t call(const std::function<std::uint64_t(sdk::Component&)>& f) const override {
    return handle.call([&](Interface& i) { return f(i); });
  }

  ComponentHandle<Interface> handle;

 private:
  static std::unique_ptr<Interface> as_interface(std::unique_ptr<sdk::Component> c) {
    return std::unique_ptr<Interface>(static_cast<Interface*>(c.release()));
  }
};

// A kind's make_handle for an interface and its gate (component_kind.hpp).
template <class Interface, class Gate>
std::unique_ptr<AnyHandle> make_gated_handle(std::unique_ptr<sdk::Component> initial) {
  return std::make_unique<TypedHandle<Interface>>(
      std::move(initial), [](ComponentHandle<Interface>& h) { return std::make_unique<Gate>(h); });
}

}  // namespace selfheal
