#include "clean_build_strategy.hpp"

SELFHEAL_STRATEGY_PLUGIN_WITH_FLAGS(selfheal::plugins::CleanBuildStrategy, "clean_build", "1.0.0",
                                    "cargo clean, then cargo build",
                                    SELFHEAL_STRATEGY_BUILDS_ARTIFACT | SELFHEAL_STRATEGY_CLEAN_BUILD)
