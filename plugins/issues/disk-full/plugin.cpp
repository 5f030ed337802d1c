#include "disk_full_diagnoser.hpp"

SELFHEAL_DIAGNOSER_PLUGIN(selfheal::plugins::DiskFullDiagnoser, "disk_full", "1.0.0",
                          "too little free space for a build on the target device, or ENOSPC in the last build")
