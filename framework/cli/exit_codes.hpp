// selfheal's exit codes (README "Exit codes").
#pragma once

namespace selfheal::cli {

inline constexpr int kOk = 0;               // success; healthy
inline constexpr int kFailure = 1;          // an issue found, a fix that did not fix, a plugin failed
inline constexpr int kUsage = 2;            // bad command line
inline constexpr int kInvalidManifest = 3;  // the manifest has errors (they are printed)
inline constexpr int kInternal = 4;         // the host could not start (e.g. history unopenable)
inline constexpr int kFixed = 5;            // fix / clean-build: an issue was found and repaired

}  // namespace selfheal::cli
