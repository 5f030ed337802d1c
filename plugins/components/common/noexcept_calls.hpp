// The component adapters' methods are noexcept (no exception crosses a plugin's .so boundary):
// these run a method's body and turn what it may throw into an error status, so that each adapter
// does not write the same try/catch again.
#pragma once

#include <exception>
#include <new>

#include "selfheal/sdk/result.hpp"

namespace selfheal::components {

// `body()` (an sdk::Status or sdk::Result), with std::bad_alloc as out_of_memory (`message`).
template <class Body>
auto out_of_memory_as_error(const char* message, Body&& body) noexcept -> decltype(body()) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return sdk::Status::error(sdk::Errc::out_of_memory, message);
  }
}

// A self-test's `body()`, with any std::exception (no memory included) as internal (its what()).
template <class Body>
sdk::Status exception_as_internal(Body&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    return sdk::Status::error(sdk::Errc::internal, e.what());
  }
}

}  // namespace selfheal::components
