// The rust-core artifact for the component tests: built with cargo (offline, release) into a
// target directory in the build tree, copied to a private temporary file and dlopened with
// RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE, once per test process.
#pragma once

#include <memory>
#include <string>

#include "selfheal/sdk/component.hpp"
#include "selfheal/sdk/value.hpp"

namespace selfheal::components::testing {

// The loaded library, or null with the reason in `error` (cargo missing, build failed...).
// Lifetime: loaded once per process and never unloaded.
const sdk::NativeLibrary* rust_core(std::string* error = nullptr);

// An implementation of `component` ("bloom_filter"...) in `language` ("cpp" or "rust"), created
// with `config` (and the rust-core artifact for "rust"). Null with the reason in `error`.
std::unique_ptr<sdk::Component> make_component(const std::string& component,
                                               const std::string& language,
                                               const sdk::Value& config, std::string* error);

// make_component cast to the component's interface.
template <class T>
std::unique_ptr<T> make(const std::string& component, const std::string& language,
                        const sdk::Value& config, std::string* error) {
  auto c = make_component(component, language, config, error);
  auto* typed = dynamic_cast<T*>(c.get());
  if (typed == nullptr) return nullptr;
  c.release();
  return std::unique_ptr<T>(typed);
}

}  // namespace selfheal::components::testing
