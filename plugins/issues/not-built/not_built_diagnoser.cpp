#include "not_built_diagnoser.hpp"

#include <sys/stat.h>

#include "support/build_record.hpp"
#include "support/diagnosis_util.hpp"

namespace selfheal::plugins {

std::optional<sdk::Diagnosis> NotBuiltDiagnoser::diagnose(const sdk::Context& context) {
  const auto& c = context.crate();
  struct stat st {};
  if (::lstat(c.artifact.c_str(), &st) == 0) return std::nullopt;
  auto d = make_diagnosis(sdk::issue::not_built, "no artifact at " + c.artifact.string());
  d.details.set("artifact", c.artifact.string());
  std::error_code ec;
  d.details.set("target_dir_exists", std::filesystem::exists(c.target_dir, ec));
  if (auto record = read_build_record(c)) d.details.set("last_build_exit_code", record->exit_code);
  return d;
}

}  // namespace selfheal::plugins
