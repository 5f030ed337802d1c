#include "corrupted_binary_diagnoser.hpp"

SELFHEAL_DIAGNOSER_PLUGIN(selfheal::plugins::CorruptedBinaryDiagnoser, "corrupted_binary", "1.0.0",
                          "the artifact is not a loadable ELF library with the crate's symbols")
