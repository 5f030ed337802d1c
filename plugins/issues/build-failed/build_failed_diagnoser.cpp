#include "build_failed_diagnoser.hpp"

#include "support/build_record.hpp"
#include "support/cargo_messages.hpp"
#include "support/diagnosis_util.hpp"

namespace selfheal::plugins {

std::optional<sdk::Diagnosis> BuildFailedDiagnoser::diagnose(const sdk::Context& context) {
  const auto& c = context.crate();
  auto record = read_build_record(c);
  if (!record || record->success() || record->cancelled) return std::nullopt;
  // Sources changed since that build: its verdict is stale; the next build decides.
  const auto newest_source = newest_source_mtime_ms(c.root);
  if (newest_source > record->started_at_ms) {
    context.logger().debug("last build record is older than the sources (" +
                           std::to_string(record->started_at_ms) + " < " +
                           std::to_string(newest_source) + "): not judged");
    return std::nullopt;
  }

  auto output = parse_cargo_output(read_build_output(c));
  // An error in the crate's own source: no rebuild can fix it, so report, do not retry.
  bool own_source = false;
  for (const auto& e : output.errors) {
    if (!e.file.empty() && e.file.front() != '/') own_source = true;
    if (!e.file.empty() && e.file.rfind(c.root.string(), 0) == 0) own_source = true;
  }
  auto d = make_diagnosis(
      sdk::issue::build_failed,
      record->timed_out ? "the last build timed out"
      : output.errors.empty()
          ? "the last build failed with exit code " + std::to_string(record->exit_code)
          : std::to_string(output.errors.size()) + " compiler error(s), first: " +
                output.errors.front().file + ":" + std::to_string(output.errors.front().line) +
                ": " + output.errors.front().message,
      !own_source);
  d.details.set("exit_code", record->exit_code);
  d.details.set("signal", record->signal);
  d.details.set("timed_out", record->timed_out);
  d.details.set("command", record->command);
  d.details.set("build_started_at_ms", record->started_at_ms);
  d.details.set("newest_source_ms", newest_source);
  d.details.set("errors", to_value(output.errors));
  d.details.set("errors_in_crate_source", own_source);
  sdk::Value tail = sdk::Value::list();
  const auto& plain = output.plain_lines;
  for (std::size_t i = plain.size() > 15 ? plain.size() - 15 : 0; i < plain.size(); ++i)
    tail.push_back(plain[i]);
  d.details.set("output_tail", tail);
  return d;
}

}  // namespace selfheal::plugins
