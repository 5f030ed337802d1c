#include "incompatible_version_diagnoser.hpp"

SELFHEAL_DIAGNOSER_PLUGIN(selfheal::plugins::IncompatibleVersionDiagnoser, "incompatible_version", "1.0.0",
                          "the artifact's ABI, toolchain or crate version differs from what is expected")
