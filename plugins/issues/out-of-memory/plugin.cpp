#include "out_of_memory_diagnoser.hpp"

SELFHEAL_DIAGNOSER_PLUGIN(selfheal::plugins::OutOfMemoryDiagnoser, "out_of_memory", "1.0.0",
                          "the last build ran out of memory, or available memory is below the floor")
