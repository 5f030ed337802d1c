#include "install_dependencies_strategy.hpp"

SELFHEAL_STRATEGY_PLUGIN(selfheal::plugins::InstallDependenciesStrategy, "install_dependencies", "1.0.0",
                         "resolve missing crates from the configured sources and pin known-good versions")
