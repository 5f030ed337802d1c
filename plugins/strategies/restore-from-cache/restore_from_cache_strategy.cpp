#include "restore_from_cache_strategy.hpp"

namespace selfheal::plugins {

sdk::FixResult RestoreFromCacheStrategy::apply(const sdk::Context& context,
                                               const sdk::Diagnosis&) {
  const auto start = context.clock().now();
  const std::string fingerprint = context.build_fingerprint();
  auto restored = context.restore_cached_artifact();
  sdk::FixResult result;
  result.details.set("fingerprint", fingerprint);
  result.details.set("elapsed_ms", static_cast<std::int64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(context.clock().now() - start).count()));
  if (!restored.ok()) {
    const auto& status = restored.status();
    if (status.code == sdk::Errc::not_found) {
      result.skipped = true;
      result.error = "nothing to restore: " + status.message;
    } else {
      result.error = "restore failed: " + status.message;
    }
    return result;
  }
  const auto& record = restored.value();
  result.details.set("sha256", record.sha256);
  result.details.set("restored_from", record.path.string());
  result.success = true;
  result.message = "restored " + context.crate().artifact.filename().string() + " (sha256 " +
                   record.sha256.substr(0, 12) + ") from the artifact store without a build";
  context.logger().info(result.message);
  return result;
}

}  // namespace selfheal::plugins
