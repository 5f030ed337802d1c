// The component kinds a host serves, by name: built once (the built-in kinds, plus whatever an
// embedder or a test adds) and then only read. Copies share the kinds. MT safe for reading.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "components/component_kind.hpp"
#include "selfheal/sdk/result.hpp"

namespace selfheal {

class ComponentKindRegistry {
 public:
  // Refuses a kind without a name, make_handle or workload, and a second kind of the same name.
  sdk::Status add(ComponentKind kind);
  // Null for a name no kind was registered under.
  std::shared_ptr<const ComponentKind> find(const std::string& name) const;
  // In registration order.
  std::vector<std::string> names() const;

 private:
  std::vector<std::shared_ptr<const ComponentKind>> kinds_;
};

// The kinds of the SDK's interfaces: bloom_filter, sliding_window and memory_pool
// (kinds/builtin_kinds.cpp). Built on first use; lives until the process ends.
const ComponentKindRegistry& builtin_component_kinds();

}  // namespace selfheal
