// Helpers shared by the component tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "rust_core_fixture.hpp"

// Creates `var` (a std::unique_ptr<Interface>) or fails the test with the reason.
#define SELFHEAL_MAKE(var, Interface, component, language, config)                                 \
  std::string var##_error;                                                                         \
  auto var =                                                                                       \
      ::selfheal::components::testing::make<Interface>(component, language, config, &var##_error); \
  ASSERT_TRUE(var) << (language) << " " << (component) << ": " << var##_error

namespace selfheal::components::testing {

// The implementations every behaviour test runs against.
inline const char* const kLanguages[] = {"cpp", "rust"};

inline std::string language_name(const ::testing::TestParamInfo<const char*>& info) {
  return info.param;
}

}  // namespace selfheal::components::testing
