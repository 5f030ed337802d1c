// Since SDK 1.5. Optional for a component instance: its state, in export_state()'s exact bytes,
// as a view of the instance's own memory. A host that finds it (a cross-cast from the component)
// migrates the state with one copy, the new instance's import, instead of two (export, then
// import), and callers wait at the switch's gate for half as long (a 1 MiB Bloom filter: ~23 us
// instead of ~47 us here). Hosts that do not look for it (before 1.5) call export_state(), so
// implementing it is always safe.
#pragma once

#include <cstdint>
#include <span>

namespace selfheal::sdk {

class StateView {
 public:
  virtual ~StateView() = default;
  // The bytes export_state() would return now, or an empty span when the instance cannot lend
  // them (then the host calls export_state()). Called by the host while callers are paused; the
  // view is valid until the next call on the instance.
  virtual std::span<const std::uint8_t> state_view() const noexcept = 0;
};

}  // namespace selfheal::sdk
