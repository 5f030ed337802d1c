// Strategy `free_memory`: lower build parallelism, trim the host's pools and wait for memory; never kills other processes.
#pragma once

#include "selfheal/sdk/strategy.hpp"

namespace selfheal::plugins {

class FreeMemoryStrategy final : public sdk::Strategy {
 public:
  // sdk::Strategy
  sdk::FixResult apply(const sdk::Context& context, const sdk::Diagnosis& diagnosis) override;
};

}  // namespace selfheal::plugins
