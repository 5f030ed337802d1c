// Helpers shared by the plugin tests.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "selfheal/sdk/testing/fake_context.hpp"
#include "selfheal/sdk/testing/temp_crate.hpp"
#include "support/build_record.hpp"

namespace selfheal::testing {

// A FakeContext bound to a fresh TempCrate.
struct CrateFixture {
  sdk::testing::TempCrate crate;
  sdk::testing::FakeContext context;
  CrateFixture() {
    context.crate_paths = crate.paths();
    std::filesystem::create_directories(crate.paths().state_dir);
  }
  // Records a finished build whose output was `lines`, finished after every source was written.
  void record_build(int exit_code, const std::vector<std::string>& lines, int signal = 0) {
    plugins::BuildRecord r;
    r.started = true;
    r.exit_code = exit_code;
    r.signal = signal;
    const auto later = std::chrono::system_clock::now() + std::chrono::seconds(60);
    r.started_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(later.time_since_epoch()).count();
    r.finished_at = std::chrono::duration_cast<std::chrono::seconds>(later.time_since_epoch()).count();
    r.command = "cargo build";
    plugins::write_build_record(crate.paths(), r);
    std::ofstream out(plugins::build_output_file(crate.paths()), std::ios::trunc);
    for (const auto& l : lines) out << l << '\n';
  }
  void write_artifact(const std::string& bytes) {
    std::filesystem::create_directories(crate.paths().artifact.parent_path());
    std::ofstream(crate.paths().artifact, std::ios::binary | std::ios::trunc) << bytes;
  }
};

inline void write_executable(const std::filesystem::path& file, const std::string& script) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::trunc) << script;
  ::chmod(file.c_str(), 0755);
}

}  // namespace selfheal::testing
