#include "free_memory_strategy.hpp"

SELFHEAL_STRATEGY_PLUGIN(selfheal::plugins::FreeMemoryStrategy, "free_memory", "1.0.0",
                         "lower build parallelism, trim the host's pools and wait for memory; never kills other processes")
