#include "missing_rustup_diagnoser.hpp"

SELFHEAL_DIAGNOSER_PLUGIN(selfheal::plugins::MissingRustupDiagnoser, "missing_rustup", "1.0.0",
                          "cargo or rustc missing from the toolchain search path, or not runnable")
