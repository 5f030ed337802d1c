#include "missing_dependencies_diagnoser.hpp"

SELFHEAL_DIAGNOSER_PLUGIN(selfheal::plugins::MissingDependenciesDiagnoser, "missing_dependencies", "1.0.0",
                          "cargo could not resolve or fetch the crate's dependencies")
