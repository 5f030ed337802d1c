#include "build_failed_diagnoser.hpp"

SELFHEAL_DIAGNOSER_PLUGIN(selfheal::plugins::BuildFailedDiagnoser, "build_failed", "1.0.0",
                          "the last build failed; compiler errors parsed from cargo's JSON messages")
