#include "restore_backup_strategy.hpp"

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace example {

namespace sdk = selfheal::sdk;
namespace fs = std::filesystem;

namespace {

// A relative path that stays inside its folder ("src/lib.rs", not "../x" or "/etc/x").
bool stays_inside(const fs::path& relative) {
  if (relative.empty() || relative.is_absolute()) return false;
  for (const auto& part : relative.lexically_normal())
    if (part == "..") return false;
  return true;
}

sdk::FixResult verify(const sdk::Context& context, const sdk::Value& argv_value,
                      sdk::FixResult done) {
  sdk::ProcessSpec spec;
  for (const auto& a : argv_value.items()) spec.argv.push_back(a.as_string());
  if (spec.argv.empty()) return sdk::FixResult::failed("config 'verify' must be a list of strings");
  spec.inherit_environment = true;
  spec.search_path = context.toolchain_search_path();
  spec.working_directory = context.crate().root;
  spec.timeout = context.settings().build_timeout;
  spec.cancellation = context.cancellation();
  spec.log_file = context.crate().build_log;
  spec.on_line = [&context](sdk::OutputStream, std::string_view line) {
    context.report_progress(line);
  };
  const sdk::ProcessResult r = context.processes().run(spec);
  if (!r.success()) {
    auto failed = sdk::FixResult::failed(
        "verification '" + spec.argv[0] + "' failed" +
        (r.error.empty() ? " with exit code " + std::to_string(r.exit_code) : ": " + r.error));
    failed.details = done.details;
    failed.log_tail = r.tail;
    return failed;
  }
  done.log_tail = r.tail;
  done.message += ", verified with " + spec.argv[0];
  return done;
}

}  // namespace

bool RestoreBackupStrategy::can_fix(const sdk::Diagnosis& diagnosis) const noexcept {
  return diagnosis.details["missing"].size() > 0;
}

sdk::FixResult RestoreBackupStrategy::apply(const sdk::Context& context,
                                            const sdk::Diagnosis& diagnosis) {
  const std::string backup_text = context.config()["backup_dir"].as_string();
  if (backup_text.empty()) return sdk::FixResult::failed("config 'backup_dir' is not set");
  const fs::path root = context.crate().root;
  fs::path backup = backup_text;
  if (backup.is_relative()) backup = root / backup;

  sdk::FixResult result = sdk::FixResult::ok("");
  sdk::Value restored = sdk::Value::list();
  for (const auto& item : diagnosis.details["missing"].items()) {
    if (context.cancellation().cancelled()) return sdk::FixResult::failed("cancelled");
    const fs::path relative = item.as_string();
    if (!stays_inside(relative))
      return sdk::FixResult::failed("refusing to restore '" + relative.string() + "'");
    const fs::path from = backup / relative;
    std::error_code ec;  // the non-throwing overloads: no exception may leave the plugin
    if (!fs::is_regular_file(from, ec))
      return sdk::FixResult::failed("no backup of " + relative.string() + " in " + backup.string());
    fs::create_directories((root / relative).parent_path(), ec);
    if (!ec) fs::copy_file(from, root / relative, fs::copy_options::overwrite_existing, ec);
    if (ec) return sdk::FixResult::failed("copying " + from.string() + ": " + ec.message());
    context.logger().info("restored " + relative.string() + " from " + backup.string());
    restored.push_back(relative.string());
  }
  if (restored.size() == 0) return sdk::FixResult::failed("the diagnosis names no missing file");
  result.message =
      "restored " + std::to_string(restored.size()) + " file(s) from " + backup.string();
  result.details.set("restored", restored);
  if (const auto& argv = context.config()["verify"]; !argv.is_null())
    return verify(context, argv, std::move(result));
  return result;
}

}  // namespace example
