#include "permission_error_diagnoser.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/diagnosis_util.hpp"

namespace selfheal::plugins {
namespace {

struct Check {
  std::filesystem::path path;
  int mode;  // R_OK | W_OK | X_OK
};

std::string needed(int mode) {
  std::string s;
  if (mode & R_OK) s += "read,";
  if (mode & W_OK) s += "write,";
  if (mode & X_OK) s += "search,";
  if (!s.empty()) s.pop_back();
  return s;
}

}  // namespace

// Judges what the user the host runs as can do (effective ids), not what root could.
std::optional<sdk::Diagnosis> PermissionErrorDiagnoser::diagnose(const sdk::Context& context) {
  const auto& c = context.crate();
  const auto profile_dir = c.artifact.parent_path();
  std::vector<Check> checks = {
      {c.root, R_OK | X_OK},           {c.manifest, R_OK},
      {c.root / "src", R_OK | X_OK},   {c.target_dir, R_OK | W_OK | X_OK},
      {profile_dir, R_OK | W_OK | X_OK}, {profile_dir / "deps", R_OK | W_OK | X_OK},
      {profile_dir / ".fingerprint", R_OK | W_OK | X_OK}, {c.artifact, R_OK},
      {c.state_dir, R_OK | W_OK | X_OK}, {c.build_log, R_OK | W_OK},
  };
  // Every source file must be readable too.
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(c.root / "src", ec), end;
       !ec && it != end; it.increment(ec)) {
    checks.push_back({it->path(), it->is_directory(ec) ? R_OK | X_OK : R_OK});
  }
  sdk::Value problems = sdk::Value::list();
  for (const auto& check : checks) {
    struct stat st {};
    if (::lstat(check.path.c_str(), &st) != 0) continue;  // absent is another diagnoser's business
    if (S_ISLNK(st.st_mode)) continue;
    int mode = check.mode;
    if (!S_ISDIR(st.st_mode)) mode &= ~X_OK;
    if (::faccessat(AT_FDCWD, check.path.c_str(), mode, AT_EACCESS) == 0) continue;
    sdk::Value p = sdk::Value::map();
    p.set("path", check.path.string());
    p.set("mode", octal_mode(st.st_mode));
    p.set("owner_uid", static_cast<std::int64_t>(st.st_uid));
    p.set("needed", needed(mode));
    problems.push_back(std::move(p));
  }
  if (problems.size() == 0) return std::nullopt;
  auto d = make_diagnosis(sdk::issue::permission_error,
                          problems.items().front()["path"].as_string() + " is not " +
                              problems.items().front()["needed"].as_string() + "able by uid " +
                              std::to_string(::geteuid()));
  d.details.set("paths", problems);
  d.details.set("uid", static_cast<std::int64_t>(::geteuid()));
  return d;
}

}  // namespace selfheal::plugins
