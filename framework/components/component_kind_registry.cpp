#include "components/component_kind_registry.hpp"

namespace selfheal {

sdk::Status ComponentKindRegistry::add(ComponentKind kind) {
  if (kind.name.empty() || !kind.make_handle || !kind.workload)
    return sdk::Status::error(
        sdk::Errc::invalid_argument,
        "component kind '" + kind.name + "' needs a name, make_handle and workload");
  if (find(kind.name))
    return sdk::Status::error(sdk::Errc::invalid_argument,
                              "component kind '" + kind.name + "' is registered already");
  kinds_.push_back(std::make_shared<const ComponentKind>(std::move(kind)));
  return sdk::Status::success();
}

std::shared_ptr<const ComponentKind> ComponentKindRegistry::find(const std::string& name) const {
  for (const auto& k : kinds_)
    if (k->name == name) return k;
  return nullptr;
}

std::vector<std::string> ComponentKindRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& k : kinds_) out.push_back(k->name);
  return out;
}

}  // namespace selfheal
