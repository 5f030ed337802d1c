// Example strategy `restore_backup`: copies the files a diagnosis names (details.missing, a list
// of paths relative to the crate root) from a backup folder into the crate, then optionally runs
// a verification command. Config:
//   backup_dir: folder holding copies at the same relative paths (absolute, or relative to the
//               crate root)                                                         [required]
//   verify:     argv run in the crate root after restoring, e.g. [cargo, check, --offline]
// Threading: apply() keeps no state; the host never runs two fixes of one crate at once.
#pragma once

#include <selfheal/sdk/strategy.hpp>

namespace example {

class RestoreBackupStrategy final : public selfheal::sdk::Strategy {
 public:
  // sdk::Strategy
  bool can_fix(const selfheal::sdk::Diagnosis& diagnosis) const noexcept override;
  selfheal::sdk::FixResult apply(const selfheal::sdk::Context& context,
                                 const selfheal::sdk::Diagnosis& diagnosis) override;
};

}  // namespace example
