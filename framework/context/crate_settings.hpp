// From the manifest's types to the SDK's: what a plugin sees of a crate and of the settings.
#pragma once

#include "manifest/manifest.hpp"
#include "selfheal/sdk/context.hpp"

namespace selfheal {

// state_dir is <settings.state_dir>/<crate name>; the artifact is
// <target_dir>/<profile dir>/lib<library>.so (cargo names the release profile's dir "release",
// dev's "debug").
sdk::CratePaths crate_paths(const CrateSpec& crate, const ManifestSettings& settings);
sdk::Settings sdk_settings(const ManifestSettings& settings);

}  // namespace selfheal
