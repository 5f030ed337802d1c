#include "fix_permissions_strategy.hpp"

SELFHEAL_STRATEGY_PLUGIN(selfheal::plugins::FixPermissionsStrategy, "fix_permissions", "1.0.0",
                         "restore owner permissions inside the crate and state directories, never through a symlink")
