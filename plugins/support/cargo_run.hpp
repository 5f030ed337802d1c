// Running cargo for a strategy: argv with the crate's manifest and target dir, the toolchain
// environment, the build timeout and the fix's cancellation; every line goes to the crate's
// build.log under its state folder (rotated), to the last-build output and to the operator's progress feed; the outcome
// is written as the last build record.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "selfheal/sdk/context.hpp"
#include "selfheal/sdk/fix_result.hpp"

namespace selfheal::plugins {

// A finished build and what the build cache did for it.
struct BuildRun {
  sdk::ProcessResult process;
  std::optional<sdk::Value> build_cache;  // {compile_requests, hits, misses, ...}; through sccache only
};

// Runs `cargo <args...>` in the build environment (cargo_build_environment: the host's build
// cache included). `args` must not include the program. When `record_as_build`, the run's
// outcome and output replace the last build record the diagnosers read.
sdk::ProcessResult run_cargo(const sdk::Context& context, const std::vector<std::string>& args,
                             bool record_as_build);

// The standard build: cargo build --manifest-path .. --target-dir .. --profile .. --message-format=json.
// When the build runs through sccache, its hits and misses (see build_cache_stats.hpp).
BuildRun run_cargo_build(const sdk::Context& context);

// A FixResult from a finished build: success only when cargo succeeded and the artifact exists;
// details.build_cache when the build went through the build cache.
sdk::FixResult build_fix_result(const sdk::Context& context, const BuildRun& run, std::string what);

}  // namespace selfheal::plugins
