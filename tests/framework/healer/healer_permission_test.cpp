// Root ignores permission bits, so this test runs the real `selfheal` program as nobody
// (setpriv), the way an unprivileged host would meet a chmod 000.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <cstdio>

#include "healer_harness.hpp"

using selfheal::testing::HarnessOptions;
using selfheal::testing::HealerHarness;

namespace {

std::string run(const std::string& command, int* status) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  char buf[4096];
  while (p && std::fgets(buf, sizeof buf, p)) out += buf;
  *status = p ? ::pclose(p) : -1;
  return out;
}

void chown_tree(const std::filesystem::path& root, uid_t uid, gid_t gid) {
  ::lchown(root.c_str(), uid, gid);
  for (auto& e : std::filesystem::recursive_directory_iterator(root))
    ::lchown(e.path().c_str(), uid, gid);
}

}  // namespace

TEST(HealerPermissions, Chmod000IsDiagnosedForTheHostUserAndFixedAndVerified) {
  // As root (CI), the host runs as nobody; as any other user, that user is already unprivileged.
  const bool root = ::geteuid() == 0;
  HarnessOptions o;
  // nobody cannot reach root's toolchain, so this manifest checks what it can act on.
  o.diagnosers = {"permission_error", "not_built", "corrupted_binary"};
  o.issues["permission_error"] = "[fix_permissions]";
  HealerHarness h(o);
  h.build_healthy();
  h.restart();
  if (root) {
    chown_tree(h.crate_dir(), 65534, 65534);
    chown_tree(h.state_dir(), 65534, 65534);
  }
  ASSERT_EQ(::chmod(h.artifact().c_str(), 0), 0);
  ASSERT_EQ(::chmod(h.artifact().parent_path().c_str(), 0), 0);

  if (root) {
    // As root, nothing is wrong: root reads anything. The diagnoser judges the host's user.
    EXPECT_FALSE(h.diagnose().diagnosis);
    h.restart();
  }

  const std::string selfheal = std::string(SELFHEAL_BINARY_DIR) + "/bin/selfheal";
  const std::string as_nobody =
      (root ? "setpriv --reuid=nobody --regid=nogroup --clear-groups " : "") + selfheal + " ";
  int status = 0;
  auto diagnosis = boost::json::parse(
      run(as_nobody + "diagnose --json --config " + h.manifest_file().string() + " 2>/dev/null", &status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_EQ(diagnosis.at("issue_type").as_string(), "permission_error");
  EXPECT_EQ(diagnosis.at("recommended_fix").as_string(), "fix_permissions");
  auto fix = boost::json::parse(
      run(as_nobody + "fix --json --config " + h.manifest_file().string() + " 2>/dev/null", &status));
  EXPECT_EQ(WEXITSTATUS(status), 5) << boost::json::serialize(fix);
  EXPECT_TRUE(fix.at("success").as_bool());
  EXPECT_EQ(fix.at("issue_type").as_string(), "permission_error");
  EXPECT_EQ(fix.at("strategy_used").as_string(), "fix_permissions");
  struct stat st {};
  ASSERT_EQ(::stat(h.artifact().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0400, 0400u);
  // The history row was written by the unprivileged host.
  auto rows = h.host().history().recent(1);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].strategy, "fix_permissions");
  EXPECT_TRUE(rows[0].success);
}
