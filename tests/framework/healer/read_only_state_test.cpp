// A read-only or unreadable state folder, met by the real `selfheal` as an unprivileged user
// (root ignores permission bits, so as root the commands run as nobody through setpriv):
// commands that only look work read-only, and every state error names the path and the cause.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <cstdio>

#include "healer_harness.hpp"

namespace selfheal::testing {
namespace {

struct Run {
  int exit = -1;
  std::string out, err;
};

Run run_as_user(const std::string& args, const std::filesystem::path& scratch) {
  const bool root = ::geteuid() == 0;
  const std::string selfheal = std::string(SELFHEAL_BINARY_DIR) + "/bin/selfheal";
  const auto err_file = scratch / "stderr.txt";
  const std::string command = (root ? "setpriv --reuid=nobody --regid=nogroup --clear-groups " : "") +
                              selfheal + " " + args + " 2>" + err_file.string();
  Run r;
  FILE* p = ::popen(command.c_str(), "r");
  char buf[4096];
  while (p && std::fgets(buf, sizeof buf, p)) r.out += buf;
  const int status = p ? ::pclose(p) : -1;
  r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_file);
  r.err.assign(std::istreambuf_iterator<char>(in), {});
  return r;
}

HarnessOptions what_nobody_can_check() {
  HarnessOptions o;
  // nobody cannot reach root's toolchain (nor write root's target/): check what needs neither.
  o.diagnosers = {"not_built", "corrupted_binary"};
  return o;
}

TEST(ReadOnlyState, StatusHistoryAndDiagnoseWorkInAStateFolderTheUserCannotWrite) {
  HealerHarness h(what_nobody_can_check());
  h.build_healthy();
  h.restart();  // closes the database: its -wal and -shm are gone, as after a clean stop
  // root owns the state (0755 folders, 0644 files): another user can read it, never write it.
  ASSERT_EQ(::chmod(h.root().c_str(), 0755), 0);
  const std::string config = " --json --config " + h.manifest_file().string();
  const auto scratch = h.root();  // stderr goes there through the calling (root) shell

  auto status = run_as_user("status" + config, scratch);
  ASSERT_EQ(status.exit, 0) << status.err;
  EXPECT_EQ(boost::json::parse(status.out).at("total_fix_attempts").as_int64(), 1) << status.out;

  auto history = run_as_user("history" + config, scratch);
  ASSERT_EQ(history.exit, 0) << history.err;
  EXPECT_EQ(boost::json::parse(history.out).as_array().size(), 1u) << history.out;

  auto diagnose = run_as_user("diagnose --config " + h.manifest_file().string(), scratch);
  EXPECT_EQ(diagnose.exit, 0) << diagnose.out << diagnose.err;
  EXPECT_NE(diagnose.out.find("healthy"), std::string::npos) << diagnose.out;

  // No plugin copies a daemon made: the plugins load from a private copy of this process, the
  // state folder stays unwritten, and the private copy is gone when the command ends.
  std::filesystem::remove_all(h.state_dir() / "plugins");
  const auto private_stores = [] {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::temp_directory_path()))
      n += e.path().filename().string().rfind("selfheal-plugins-", 0) == 0 ? 1 : 0;
    return n;
  };
  const std::size_t stores_before = private_stores();
  auto fresh = run_as_user("diagnose --config " + h.manifest_file().string(), scratch);
  EXPECT_EQ(fresh.exit, 0) << fresh.out << fresh.err;
  EXPECT_NE(fresh.out.find("healthy"), std::string::npos) << fresh.out;
  EXPECT_FALSE(std::filesystem::exists(h.state_dir() / "plugins"));
  EXPECT_EQ(private_stores(), stores_before);

  // No database yet (a fresh, read-only state): an empty history, not an error.
  std::filesystem::remove(h.state_dir() / "history.db");
  auto empty = run_as_user("history" + config, scratch);
  ASSERT_EQ(empty.exit, 0) << empty.err;
  EXPECT_TRUE(boost::json::parse(empty.out).as_array().empty()) << empty.out;
}

TEST(ReadOnlyState, AnUnreadableHistoryIsAnErrorNamingThePathAndTheCause) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to make a file another user cannot read";
  HealerHarness h(what_nobody_can_check());
  h.build_healthy();
  h.restart();
  ASSERT_EQ(::chmod(h.root().c_str(), 0755), 0);
  const auto db = h.state_dir() / "history.db";
  ASSERT_EQ(::chmod(db.c_str(), 0600), 0);
  auto status = run_as_user("status --config " + h.manifest_file().string(),
                            h.root());
  EXPECT_NE(status.exit, 0);
  EXPECT_NE(status.err.find(db.string()), std::string::npos) << status.err;
  EXPECT_NE(status.err.find("Permission denied"), std::string::npos) << status.err;
}

}  // namespace
}  // namespace selfheal::testing
