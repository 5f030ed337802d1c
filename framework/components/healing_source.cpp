#include "components/healing_source.hpp"

#include "context/crate_settings.hpp"

namespace selfheal {

ArtifactSource::Offer HealingSource::offer(const CrateSpec& crate) {
  Offer o;
  auto report = healer_.diagnose(crate.name);
  if (report.diagnosis) {
    o.why = report.diagnosis->issue_type + ": " + report.diagnosis->summary;
    return o;
  }
  auto store = stores_.find(crate.name);
  if (store == stores_.end()) return o;
  auto record = store->second->accept(crate_paths(crate, settings_));
  if (!record.ok()) {
    o.why = record.status().message;
    return o;
  }
  auto lib = store->second->load(record.value());
  if (!lib.ok()) {
    o.why = lib.status().message;
    return o;
  }
  o.library = lib.value();
  o.sha256 = record.value().sha256;
  return o;
}

// The healer decides, with its retry policy, whether to repair.
void HealingSource::checked() {
  if (has_crates_) healer_.request_check();
}

void HealingSource::on_news(std::function<void()> listener) {
  healer_.on_fix([listener = std::move(listener)](const FixOutcome& outcome) {
    if (outcome.success) listener();
  });
}

}  // namespace selfheal
