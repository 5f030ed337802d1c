#include "build_strategy.hpp"

#include "support/cargo_run.hpp"

namespace selfheal::plugins {

sdk::FixResult BuildStrategy::apply(const sdk::Context& context, const sdk::Diagnosis&) {
  context.logger().info("building " + context.crate().name);
  return build_fix_result(context, run_cargo_build(context), "cargo build");
}

}  // namespace selfheal::plugins
