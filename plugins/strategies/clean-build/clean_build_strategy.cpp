#include "clean_build_strategy.hpp"

#include "support/cargo_run.hpp"

namespace selfheal::plugins {

// The host runs one fix per crate at a time (and holds the crate's lock), so no cargo is
// running in this target dir while it is cleaned.
sdk::FixResult CleanBuildStrategy::apply(const sdk::Context& context, const sdk::Diagnosis&) {
  const auto& c = context.crate();
  context.logger().info("cleaning and rebuilding " + c.name);
  auto clean = run_cargo(context,
                         {"clean", "--manifest-path", c.manifest.string(), "--target-dir",
                          c.target_dir.string()},
                         /*record_as_build=*/false);
  if (!clean.success()) {
    // cargo clean cannot run (e.g. Cargo.toml unreadable): remove the profile's output ourselves.
    std::error_code ec;
    std::filesystem::remove_all(c.artifact.parent_path(), ec);
    if (ec) {
      auto r = sdk::FixResult::failed("cargo clean failed and " +
                                      c.artifact.parent_path().string() +
                                      " could not be removed: " + ec.message());
      r.log_tail = clean.tail;
      return r;
    }
  }
  if (context.cancellation().cancelled()) return sdk::FixResult::failed("cancelled");
  auto fix = build_fix_result(context, run_cargo_build(context), "clean build");
  fix.details.set("cleaned", true);
  return fix;
}

}  // namespace selfheal::plugins
