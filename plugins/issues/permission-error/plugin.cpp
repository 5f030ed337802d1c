#include "permission_error_diagnoser.hpp"

SELFHEAL_DIAGNOSER_PLUGIN(selfheal::plugins::PermissionErrorDiagnoser, "permission_error", "1.0.0",
                          "crate, target or state paths the host user cannot read or write")
