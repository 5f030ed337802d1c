#include "clean_build_strategy.hpp"

SELFHEAL_STRATEGY_PLUGIN(selfheal::plugins::CleanBuildStrategy, "clean_build", "1.0.0",
                         "cargo clean, then cargo build")
