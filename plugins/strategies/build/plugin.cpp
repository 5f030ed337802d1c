#include "build_strategy.hpp"

SELFHEAL_STRATEGY_PLUGIN(selfheal::plugins::BuildStrategy, "build", "1.0.0",
                         "cargo build of the managed crate")
