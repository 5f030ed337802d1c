#include "build_strategy.hpp"

SELFHEAL_STRATEGY_PLUGIN_WITH_FLAGS(selfheal::plugins::BuildStrategy, "build", "1.0.0",
                                    "cargo build of the managed crate",
                                    SELFHEAL_STRATEGY_BUILDS_ARTIFACT)
