#include "fix_permissions_strategy.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace selfheal::plugins {
namespace {

bool inside(const std::filesystem::path& p, const std::vector<std::filesystem::path>& roots) {
  const auto normal = p.lexically_normal().string();
  for (const auto& root : roots) {
    const auto r = root.lexically_normal().string();
    if (normal == r || normal.rfind(r + "/", 0) == 0) return true;
  }
  return false;
}

struct Fixer {
  std::vector<std::filesystem::path> roots;
  sdk::Value changed = sdk::Value::list();
  sdk::Value refused = sdk::Value::list();
  uid_t uid = ::geteuid();

  // Gives the owner what the host needs: rw on files, rwx on folders. Never follows a symlink,
  // never touches a path outside the managed roots or owned by someone else.
  void fix(const std::filesystem::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) return;
    if (!inside(p, roots)) return;
    const bool dir = S_ISDIR(st.st_mode);
    const mode_t want = dir ? (S_IRUSR | S_IWUSR | S_IXUSR) : (S_IRUSR | S_IWUSR);
    if ((st.st_mode & want) != want) {
      if (st.st_uid != uid && uid != 0) {
        refused.push_back(p.string() + " (owned by uid " + std::to_string(st.st_uid) + ")");
      } else if (::fchmodat(AT_FDCWD, p.c_str(), (st.st_mode & 07777) | want, 0) == 0) {
        changed.push_back(p.string());
      } else {
        refused.push_back(p.string());
      }
    }
    if (!dir) return;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec))
      fix(it->path());
  }
};

}  // namespace

sdk::FixResult FixPermissionsStrategy::apply(const sdk::Context& context,
                                             const sdk::Diagnosis& diagnosis) {
  const auto& c = context.crate();
  Fixer fixer;
  fixer.roots = {c.root, c.target_dir, c.state_dir};
  for (const auto& root : fixer.roots) fixer.fix(root);
  // Paths the diagnosis named (e.g. build.log) that the walk may not reach.
  for (const auto& p : diagnosis.details["paths"].items()) fixer.fix(p["path"].as_string());

  // Verify, as the host user: a chmod that "succeeded" is not yet a fix.
  sdk::Value still = sdk::Value::list();
  for (const auto& p : diagnosis.details["paths"].items()) {
    const std::string path = p["path"].as_string();
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;
    const int mode = S_ISDIR(st.st_mode) ? (R_OK | W_OK | X_OK) : R_OK;
    if (::faccessat(AT_FDCWD, path.c_str(), mode, AT_EACCESS) != 0) still.push_back(path);
  }
  sdk::FixResult result;
  result.details.set("changed", fixer.changed);
  result.details.set("refused", fixer.refused);
  if (still.size() > 0) {
    result.error = "still not accessible: " + still.items().front().as_string();
    result.details.set("still_inaccessible", still);
    return result;
  }
  result.success = true;
  result.message = "fixed permissions of " + std::to_string(fixer.changed.size()) + " path(s)";
  return result;
}

}  // namespace selfheal::plugins
