// A strategy applies one fix. The manifest maps issue types to chains of strategies; the host
// runs a chain in order until one succeeds and a fresh diagnosis is healthy.
// Threading: the host runs one fix at a time per crate, so apply() never runs concurrently with
// another apply() for the same crate. It must honour context.cancellation().
#pragma once

#include "selfheal/sdk/context.hpp"
#include "selfheal/sdk/diagnosis.hpp"
#include "selfheal/sdk/fix_result.hpp"
#include "selfheal/sdk/plugin.hpp"

namespace selfheal::sdk {

class Strategy : public Plugin {
 public:
  // Whether this strategy can do anything about `diagnosis` (default: anything it is mapped to).
  virtual bool can_fix(const Diagnosis& /*diagnosis*/) const noexcept { return true; }
  // Report failure in the FixResult. Should not throw; if it does, the host catches it and
  // records a failed attempt.
  virtual FixResult apply(const Context& context, const Diagnosis& diagnosis) = 0;
};

}  // namespace selfheal::sdk
