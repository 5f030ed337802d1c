// Where a component loader gets the Rust artifact of each crate from. The loader itself only
// serves, scores and switches; whether an artifact may be used is the source's call:
// - HealingSource (heal, `selfheal serve`): a healthy diagnosis, then the store accepts the
//   crate's fresh artifact and loads it; after each check the healer decides whether to repair.
// - FollowSource (runtime/follow_source.hpp): what a daemon on the same state folder accepted
//   into the store, loaded read-only; never diagnoses, builds or writes.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "manifest/manifest.hpp"
#include "selfheal/sdk/component.hpp"

namespace selfheal {

class ArtifactSource {
 public:
  struct Offer {
    std::shared_ptr<sdk::NativeLibrary> library;  // null: the Rust side may not be used now
    std::string sha256;                           // of the library's bytes
    std::string why;                              // when null: the reason, for status
  };
  virtual ~ArtifactSource() = default;
  // The artifact crate `crate`'s Rust implementations should use now. Called by check().
  virtual Offer offer(const CrateSpec& crate) = 0;
  // After every check, with its crates (the healer decides whether to repair).
  virtual void checked() {}
  // `listener` asks the loader for a check when the source has news (a fix succeeded, the store
  // changed). Called once, before the loader starts.
  virtual void on_news(std::function<void()> listener) = 0;
};

}  // namespace selfheal
