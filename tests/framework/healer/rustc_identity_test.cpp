// BuildFingerprinter::rustc: what `rustc -vV` said, remembered while nothing that picks the
// toolchain changed (sdk::Context::rustc_version answers from it), with a fake rustc script.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "artifacts/build_fingerprint.hpp"
#include "context/toolchain_search_path.hpp"
#include "process/process_runner.hpp"
#include "temp_dir.hpp"

namespace selfheal {
namespace {

namespace fs = std::filesystem;

void write_fake_rustc(const fs::path& file, const std::string& body) {
  fs::create_directories(file.parent_path());
  {
    std::ofstream out(file, std::ios::trunc);
    out << "#!/bin/sh\n" << body;
  }
  ::chmod(file.c_str(), 0755);
}

std::string fake_rustc_printing(const std::string& version) {
  return "echo 'rustc " + version + "'\necho 'host: x86_64-unknown-linux-gnu'\n";
}

// Sets an environment variable for one test, putting back what was there.
class ScopedRustupEnv {
 public:
  ScopedRustupEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedRustupEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1); else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class RustcIdentityCache : public ::testing::Test {
 protected:
  testing::TempDir dir{"selfheal-rustc-id"};
  PosixProcessRunner runner;
  ToolchainSearchPath search{{dir / "bin"}};
  BuildFingerprinter fingerprinter{runner, search};
  fs::path rustc() const { return dir / "bin" / "rustc"; }
};

TEST_F(RustcIdentityCache, AnUnchangedRustcRunsOnceAndAChangedOneAgain) {
  write_fake_rustc(rustc(), fake_rustc_printing("1.0.0 (fake)"));
  auto first = fingerprinter.rustc();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->version, "rustc 1.0.0 (fake)");
  EXPECT_EQ(first->host, "x86_64-unknown-linux-gnu");
  EXPECT_EQ(fingerprinter.rustc(rustc())->version, "rustc 1.0.0 (fake)");
  EXPECT_EQ(fingerprinter.rustc_runs(), 1u);

  write_fake_rustc(rustc(), fake_rustc_printing("1.10.0 (another fake)"));
  EXPECT_EQ(fingerprinter.rustc()->version, "rustc 1.10.0 (another fake)");
  EXPECT_EQ(fingerprinter.rustc_runs(), 2u);

  fs::remove(rustc());  // hidden from the search path: nothing to ask, nothing remembered
  EXPECT_FALSE(fingerprinter.rustc());
}

TEST_F(RustcIdentityCache, AFailureIsNeverRemembered) {
  write_fake_rustc(rustc(), "echo 'error: no default toolchain configured' >&2\nexit 1\n");
  EXPECT_FALSE(fingerprinter.rustc());
  EXPECT_FALSE(fingerprinter.rustc());
  EXPECT_EQ(fingerprinter.rustc_runs(), 2u);
  write_fake_rustc(rustc(), fake_rustc_printing("1.0.0 (installed now)"));
  EXPECT_EQ(fingerprinter.rustc()->version, "rustc 1.0.0 (installed now)");
}

TEST_F(RustcIdentityCache, RustupsToolchainChoiceIsPartOfTheKey) {
  // A proxy keeps its file when the toolchain behind it changes: rustup's state must count.
  const auto home = dir / "rustup";
  ScopedRustupEnv rustup_home("RUSTUP_HOME", home.string());
  write_fake_rustc(rustc(), fake_rustc_printing("1.0.0 (proxy)"));
  ASSERT_TRUE(fingerprinter.rustc());
  EXPECT_EQ(fingerprinter.rustc_runs(), 1u);

  fs::create_directories(home);
  std::ofstream(home / "settings.toml") << "default_toolchain = \"nightly\"\n";
  ASSERT_TRUE(fingerprinter.rustc());
  EXPECT_EQ(fingerprinter.rustc_runs(), 2u);

  fs::create_directories(home / "toolchains" / "beta" / "bin");  // installed
  ASSERT_TRUE(fingerprinter.rustc());
  EXPECT_EQ(fingerprinter.rustc_runs(), 3u);

  {
    ScopedRustupEnv pinned("RUSTUP_TOOLCHAIN", "beta");
    ASSERT_TRUE(fingerprinter.rustc());
    EXPECT_EQ(fingerprinter.rustc_runs(), 4u);
  }
  ASSERT_TRUE(fingerprinter.rustc());
  EXPECT_EQ(fingerprinter.rustc_runs(), 5u);
  ASSERT_TRUE(fingerprinter.rustc());
  EXPECT_EQ(fingerprinter.rustc_runs(), 5u);
}

// rustc launches librustc_driver from its toolchain's lib/: a driver rewritten or a lib/ made
// unreadable breaks rustc while bin/rustc stays the same, and must be asked again.
TEST_F(RustcIdentityCache, AToolchainsDriverLibraryIsPartOfTheKey) {
  const auto home = dir / "rustup-driver";
  ScopedRustupEnv rustup_home("RUSTUP_HOME", home.string());
  const auto lib = home / "toolchains" / "stable" / "lib";
  fs::create_directories(lib);
  std::ofstream(lib / "librustc_driver-1234.so") << "driver";
  write_fake_rustc(rustc(), fake_rustc_printing("1.0.0 (driver)"));
  ASSERT_TRUE(fingerprinter.rustc());
  ASSERT_TRUE(fingerprinter.rustc());
  EXPECT_EQ(fingerprinter.rustc_runs(), 1u);
  std::ofstream(lib / "librustc_driver-1234.so", std::ios::trunc) << "corrupt";  // same size
  ASSERT_TRUE(fingerprinter.rustc());
  EXPECT_EQ(fingerprinter.rustc_runs(), 2u);
  fs::permissions(lib, fs::perms::none);
  ASSERT_TRUE(fingerprinter.rustc());
  EXPECT_EQ(fingerprinter.rustc_runs(), 3u);
  fs::permissions(lib, fs::perms::owner_all);
}

// What plugins are told (Context::rustc_version): only a remembered answer, never a run.
TEST_F(RustcIdentityCache, KnownNeverRunsRustc) {
  write_fake_rustc(rustc(), fake_rustc_printing("1.0.0 (known)"));
  EXPECT_FALSE(fingerprinter.known(rustc()));
  EXPECT_EQ(fingerprinter.rustc_runs(), 0u);
  ASSERT_TRUE(fingerprinter.rustc(rustc()));
  ASSERT_TRUE(fingerprinter.known(rustc()));
  EXPECT_EQ(fingerprinter.known(rustc())->version, "rustc 1.0.0 (known)");
  write_fake_rustc(rustc(), fake_rustc_printing("1.1.0 (changed)"));
  EXPECT_FALSE(fingerprinter.known(rustc())) << "an answer for another toolchain state";
  EXPECT_EQ(fingerprinter.rustc_runs(), 1u);
}

}  // namespace
}  // namespace selfheal

namespace selfheal {
namespace {

TEST_F(RustcIdentityCache, ARestartedHostRemembersWhileTheToolchainStaysTheSame) {
  write_fake_rustc(rustc(), fake_rustc_printing("1.0.0 (remembered)"));
  const auto file = dir / "rustc-identity";
  {
    BuildFingerprinter before_restart(runner, search, file);
    ASSERT_TRUE(before_restart.rustc());
    EXPECT_EQ(before_restart.rustc_runs(), 1u);
  }
  BuildFingerprinter after_restart(runner, search, file);
  auto id = after_restart.rustc();
  ASSERT_TRUE(id);
  EXPECT_EQ(id->version, "rustc 1.0.0 (remembered)");
  EXPECT_EQ(id->host, "x86_64-unknown-linux-gnu");
  EXPECT_EQ(after_restart.rustc_runs(), 0u);
  // Changed while no host ran: asked again.
  write_fake_rustc(rustc(), fake_rustc_printing("1.20.0 (changed meanwhile)"));
  BuildFingerprinter after_change(runner, search, file);
  EXPECT_EQ(after_change.rustc()->version, "rustc 1.20.0 (changed meanwhile)");
  EXPECT_EQ(after_change.rustc_runs(), 1u);
  // A failure is not written down, and does not erase what a working rustc said.
  write_fake_rustc(rustc(), "exit 1\n");
  BuildFingerprinter broken(runner, search, file);
  EXPECT_FALSE(broken.rustc());
  EXPECT_FALSE(broken.rustc());
  EXPECT_EQ(broken.rustc_runs(), 2u);
}

}  // namespace
}  // namespace selfheal
