// The ArtifactSource of a host that heals (artifact_source.hpp): the healer's diagnosis decides,
// the store accepts the crate's fresh artifact (probed, copied by checksum) and loads it from
// there; a successful fix is news. The healer and the stores must outlive it. MT safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "artifacts/artifact_store.hpp"
#include "components/artifact_source.hpp"
#include "core/log.hpp"
#include "healer/healer.hpp"

namespace selfheal {

class HealingSource final : public ArtifactSource {
 public:
  HealingSource(const Manifest& manifest, Healer& healer, std::map<std::string, ArtifactStore*> stores,
                SourceLogger log)
      : settings_(manifest.settings), has_crates_(!manifest.crates.empty()), healer_(healer),
        stores_(std::move(stores)), log_(std::move(log)) {}

  Offer offer(const CrateSpec& crate) override;
  void checked() override;
  void on_news(std::function<void()> listener) override;

 private:
  // Logs a store error of `crate` when it differs from the last; an empty error: it works again.
  void store_failed(const std::string& crate, std::string_view step, const std::string& error);

  ManifestSettings settings_;
  bool has_crates_;
  Healer& healer_;
  std::map<std::string, ArtifactStore*> stores_;
  SourceLogger log_;
  std::mutex mutex_;
  std::map<std::string, std::string> store_error_;  // per crate: the last one logged
};

}  // namespace selfheal
