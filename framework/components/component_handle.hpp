// A stable handle on one component whose implementation can be switched at run time.
//
// Hot path: handle.call([&](sdk::BloomFilter& f) { return f.contains(key); }) is a read section
// (two plain stores), one atomic load of the active implementation, and one indirect call.
// switch_to() publishes a gate (callers arriving during the switch wait in it), waits for callers
// of the old implementation to leave, migrates the state (one copy when the old instance lends a
// view of it, sdk::StateView), publishes the new implementation and wakes the waiters: callers
// pause for the migration only, and no call is lost or fails.
// MT safe. switch_to() calls are serialised.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

#include "components/read_section.hpp"
#include "selfheal/sdk/component.hpp"
#include "selfheal/sdk/state_view.hpp"

namespace selfheal {

template <class Interface>
class ComponentHandle;

// What the gate of a handle does: wait for the switch to end, then return the new implementation.
template <class Interface>
class GateBase {
 public:
  explicit GateBase(ComponentHandle<Interface>& handle) : handle_(handle) {}

 protected:
  Interface& after_switch() const { return handle_.wait_for_switch(); }
  ComponentHandle<Interface>& handle_;
};

template <class Interface>
class ComponentHandle {
 public:
  using GateFactory = std::function<std::unique_ptr<Interface>(ComponentHandle&)>;

  ComponentHandle(std::unique_ptr<Interface> initial, GateFactory make_gate)
      : owner_(std::move(initial)), gate_(make_gate(*this)) {
    active_.store(owner_.get(), std::memory_order_release);
  }
  ComponentHandle(const ComponentHandle&) = delete;
  ComponentHandle& operator=(const ComponentHandle&) = delete;

  template <class F>
  decltype(auto) call(F&& f) const {
    ReadSection section;
    return f(*active_.load(std::memory_order_acquire));
  }

  struct SwitchResult {
    bool switched = false;
    sdk::Status status;               // why not, when not switched
    std::chrono::nanoseconds pause{0};  // how long callers were held at the gate
    std::unique_ptr<Interface> old;   // the retired implementation (no caller uses it any more)
  };

  // Migrates the state of the active implementation into `next` and makes it active. On a
  // failed export or import the old implementation stays active and `next` is returned in `old`.
  // Refused (internal, `next` returned in `old`) from inside a call on any handle of this thread:
  // the grace period would wait for the caller's own section, forever, and an implementation
  // still on the caller's stack must not be retired.
  SwitchResult switch_to(std::unique_ptr<Interface> next) {
    SwitchResult result;
    if (const auto* own = detail::this_thread_read_slot_if_registered; own && own->in_section()) {
      result.old = std::move(next);
      result.status = sdk::Status::error(
          sdk::Errc::internal, "switch_to called from inside a component call on the same thread");
      return result;
    }
    std::lock_guard serial(switch_mutex_);
    warm_up(*next);
    const auto start = std::chrono::steady_clock::now();
    switching_.store(1, std::memory_order_seq_cst);
    active_.store(gate_.get(), std::memory_order_seq_cst);
    ReadSections::instance().synchronize();  // every caller of the old implementation has left
    sdk::Status status = migrate(*owner_, *next);
    if (status.ok()) {
      result.old = std::move(owner_);
      owner_ = std::move(next);
      result.switched = true;
    } else {
      result.old = std::move(next);
      result.status = status;
    }
    active_.store(owner_.get(), std::memory_order_seq_cst);
    switching_.store(0, std::memory_order_seq_cst);
    switching_.notify_all();
    result.pause = std::chrono::steady_clock::now() - start;
    return result;
  }

  // The state of `from` into `to`, callers paused: one copy when `from` lends a view of its state
  // (sdk::StateView), else export then import.
  static sdk::Status migrate(const Interface& from, Interface& to) {
    if (const auto* view = dynamic_cast<const sdk::StateView*>(&from)) {
      if (const auto bytes = view->state_view(); !bytes.empty()) return to.import_state(bytes);
    }
    auto state = from.export_state();
    return state.ok() ? to.import_state(state.value()) : state.status();
  }

  // Before the gate closes: `next`, which no caller reaches yet, imports its own (empty) state
  // once. That writes every page of its state, so the kernel faults them in now, and the
  // allocator has served a buffer of the state's size: callers then wait for the copy of the
  // state only (a first switch into a fresh 1M-item filter paused them for ~9 ms without it).
  static void warm_up(Interface& next) {
    auto own = next.export_state();
    if (own.ok()) (void)next.import_state(own.value());
  }

  // What call() loads: for the runtime's handles, which make the same call inline in the
  // application (runtime.hpp).
  const std::atomic<Interface*>& active_pointer() const { return active_; }

  // For status and tests: the implementation callers reach now (not the gate). Only stable while
  // no switch runs.
  Interface& current() const { return *owner_; }

 private:
  friend class GateBase<Interface>;

  // Called by the gate inside the caller's read section: steps out of it while waiting, so the
  // switcher's grace period never waits for a caller that waits for the switcher.
  Interface& wait_for_switch() const {
    auto& slot = ReadSections::this_thread_slot();
    for (;;) {
      const bool stepped_out = ReadSections::step_out(slot);
      switching_.wait(1, std::memory_order_acquire);
      if (stepped_out) ReadSections::step_in(slot);
      Interface* p = active_.load(std::memory_order_acquire);
      if (p != gate_.get()) return *p;
    }
  }

  std::atomic<Interface*> active_{nullptr};
  mutable std::atomic<int> switching_{0};
  std::unique_ptr<Interface> owner_;
  std::unique_ptr<Interface> gate_;
  std::mutex switch_mutex_;
};

}  // namespace selfheal
