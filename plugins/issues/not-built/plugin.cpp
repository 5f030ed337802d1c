#include "not_built_diagnoser.hpp"

SELFHEAL_DIAGNOSER_PLUGIN(selfheal::plugins::NotBuiltDiagnoser, "not_built", "1.0.0",
                          "the crate's artifact does not exist")
