// The built-in kinds, registered in one place: a new built-in kind adds its file in this folder
// and one line here.
#include "components/component_kind_registry.hpp"
#include "components/kinds/bloom_filter_kind.hpp"
#include "components/kinds/memory_pool_kind.hpp"
#include "components/kinds/sliding_window_kind.hpp"

namespace selfheal {

const ComponentKindRegistry& builtin_component_kinds() {
  // Immutable once built (a function-local static: built on first use, thread-safely).
  static const ComponentKindRegistry kinds = [] {
    ComponentKindRegistry r;
    (void)r.add(bloom_filter_kind());
    (void)r.add(sliding_window_kind());
    (void)r.add(memory_pool_kind());
    return r;
  }();
  return kinds;
}

}  // namespace selfheal
