#include "restore_from_cache_strategy.hpp"

SELFHEAL_STRATEGY_PLUGIN(selfheal::plugins::RestoreFromCacheStrategy, "restore_from_cache", "1.0.0",
                         "restore the stored artifact built from the current fingerprint instead of rebuilding")
