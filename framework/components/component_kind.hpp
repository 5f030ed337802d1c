// A component kind: everything the host needs to serve one component interface, as one
// descriptor registered in a ComponentKindRegistry (component_kind_registry.hpp). The loader,
// the calibration and the manifest's component mapping look kinds up by name; none of them
// knows a kind's interface. The built-in kinds live in kinds/, one file each.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "components/typed_handle.hpp"
#include "selfheal/sdk/component.hpp"

namespace selfheal {

// Per managed component, for kinds whose instances the host wraps (the memory pool's generation
// tagging, kinds/memory_pool_kind.cpp). Called under the loader's check; not MT safe itself.
class InstanceWrapper {
 public:
  virtual ~InstanceWrapper() = default;
  // Every instance made to serve this component passes here before it is used (calibration's
  // scratch instances do not: they never serve).
  virtual std::unique_ptr<sdk::Component> wrap(std::unique_ptr<sdk::Component> made) = 0;
  // After a switch: `active` is the new active instance, as wrap() returned it. What the switch
  // leaves behind beyond export/import (buffers of the retired pool) is settled here.
  virtual void after_switch(sdk::Component& active) = 0;
};

struct ComponentKind {
  std::string name;  // the manifest's component name and what the plugin's component() returns

  // Required: the stable handle, with the kind's gate, around the first instance. The instance
  // is of the kind's interface: the mapping check refused any other plugin before.
  std::function<std::unique_ptr<AnyHandle>(std::unique_ptr<sdk::Component> initial)> make_handle;

  // Required: one pass of the calibration benchmark, the interface's typical calls on a scratch
  // instance; returns how many operations it made (calibration.hpp times it).
  std::function<std::uint64_t(sdk::Component& instance)> workload;

  // Optional: one wrapper per managed component (null: instances are used as plugins make them).
  std::function<std::unique_ptr<InstanceWrapper>()> make_wrapper;

  // Optional: frees memory the active instance holds, returns bytes freed (free_memory's
  // trim_host_memory). Called through the handle, like a caller.
  std::function<std::uint64_t(sdk::Component& active)> trim_memory;
};

}  // namespace selfheal
