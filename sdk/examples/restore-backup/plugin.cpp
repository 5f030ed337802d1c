// The plugin library: the descriptor and the factory, nothing else.
#include <selfheal/sdk/plugin.hpp>

#include "restore_backup_strategy.hpp"

SELFHEAL_STRATEGY_PLUGIN(example::RestoreBackupStrategy, "restore_backup", "1.0.0",
                         "copies missing crate files back from a backup folder")
