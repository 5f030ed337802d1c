// The plugin library: the descriptor and the factory, nothing else.
#include <selfheal/sdk/plugin.hpp>

#include "required_files_diagnoser.hpp"

SELFHEAL_DIAGNOSER_PLUGIN(example::RequiredFilesDiagnoser, "required_files", "1.0.0",
                          "reports missing_required_file when a configured crate file is gone")
