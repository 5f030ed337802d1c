// Running cargo for a strategy: argv with the crate's manifest and target dir, the toolchain
// environment, the build timeout and the fix's cancellation; every line goes to the crate's
// build.log (rotated), to the last-build output and to the operator's progress feed; the outcome
// is written as the last build record.
#pragma once

#include <string>
#include <vector>

#include "selfheal/sdk/context.hpp"
#include "selfheal/sdk/fix_result.hpp"

namespace selfheal::plugins {

// Runs `cargo <args...>`. `args` must not include the program. When `record_as_build`, the run's
// outcome and output replace the last build record the diagnosers read.
sdk::ProcessResult run_cargo(const sdk::Context& context, const std::vector<std::string>& args,
                             bool record_as_build);

// The standard build: cargo build --manifest-path .. --target-dir .. --profile .. --message-format=json.
sdk::ProcessResult run_cargo_build(const sdk::Context& context);

// A FixResult from a finished build: success only when cargo succeeded and the artifact exists.
sdk::FixResult build_fix_result(const sdk::Context& context, const sdk::ProcessResult& run,
                                std::string what);

}  // namespace selfheal::plugins
