#include "components/healing_source.hpp"

#include "context/crate_settings.hpp"
#include "core/disk_full.hpp"

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
    store_failed(crate.name, "accept", o.why);
    return o;
  }
  auto lib = store->second->load(record.value());
  if (!lib.ok()) {
    o.why = lib.status().message;
    store_failed(crate.name, "load", o.why);
    return o;
  }
  store_failed(crate.name, {}, {});
  o.library = lib.value();
  o.sha256 = record.value().sha256;
  return o;
}

// Once per distinct error (every check would repeat it), and once when it is over.
void HealingSource::store_failed(const std::string& crate, std::string_view step, const std::string& error) {
  std::lock_guard lock(mutex_);
  auto& last = store_error_[crate];
  if (last == error) return;
  if (error.empty())
    log_.event(LogLevel::info, crate + ": the artifact store works again", LogFields().add("crate", crate));
  else
    log_.event(LogLevel::error, crate + ": the artifact store cannot " + std::string(step) + " the artifact",
               LogFields().add("crate", crate).add("disk_full", says_disk_full(error)).add("error", error));
  last = error;
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
