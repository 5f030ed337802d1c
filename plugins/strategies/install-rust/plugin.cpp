#include "install_rust_strategy.hpp"

SELFHEAL_STRATEGY_PLUGIN(selfheal::plugins::InstallRustStrategy, "install_rust", "1.0.0",
                         "run the configured toolchain installer and put its bin folder on the search path")
