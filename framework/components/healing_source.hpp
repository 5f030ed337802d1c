// The ArtifactSource of a host that heals (artifact_source.hpp): the healer's diagnosis decides,
// the store accepts the crate's fresh artifact (probed, copied by checksum) and loads it from
// there; a successful fix is news. The healer and the stores must outlive it. MT safe.
#pragma once

#include <map>

#include "artifacts/artifact_store.hpp"
#include "components/artifact_source.hpp"
#include "healer/healer.hpp"

namespace selfheal {

class HealingSource final : public ArtifactSource {
 public:
  HealingSource(const Manifest& manifest, Healer& healer, std::map<std::string, ArtifactStore*> stores)
      : settings_(manifest.settings), has_crates_(!manifest.crates.empty()), healer_(healer),
        stores_(std::move(stores)) {}

  Offer offer(const CrateSpec& crate) override;
  void checked() override;
  void on_news(std::function<void()> listener) override;

 private:
  ManifestSettings settings_;
  bool has_crates_;
  Healer& healer_;
  std::map<std::string, ArtifactStore*> stores_;
};

}  // namespace selfheal
