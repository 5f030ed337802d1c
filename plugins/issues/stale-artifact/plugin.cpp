#include "stale_artifact_diagnoser.hpp"

SELFHEAL_DIAGNOSER_PLUGIN(selfheal::plugins::StaleArtifactDiagnoser, "stale_artifact", "1.0.0",
                          "the artifact was built from other sources or another toolchain than a build would use now")
