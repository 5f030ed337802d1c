// A throw-away Rust crate in a temporary folder, for plugin tests: a small dependency-free
// cdylib that builds offline, with paths filled in the way the host fills sdk::CratePaths.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "selfheal/sdk/context.hpp"

namespace selfheal::sdk::testing {

class TempCrate {
 public:
  explicit TempCrate(std::string library_name = "temp_crate") {
    std::random_device rd;
    root_ = std::filesystem::temp_directory_path() /
            ("selfheal-crate-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(root_ / "crate" / "src");
    paths_.name = "temp-crate";
    paths_.library_name = std::move(library_name);
    paths_.root = root_ / "crate";
    paths_.manifest = paths_.root / "Cargo.toml";
    paths_.target_dir = paths_.root / "target";
    paths_.profile = "release";
    paths_.artifact = paths_.target_dir / "release" / ("lib" + paths_.library_name + ".so");
    paths_.state_dir = root_ / "state";
    paths_.build_log = paths_.state_dir / "build.log";  // under the state folder, as the host has it
    std::filesystem::create_directories(paths_.state_dir);  // the host creates it before any plugin call
    paths_.expected_abi_version = 1;
    write("Cargo.toml", "[package]\nname = \"temp-crate\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n"
                        "[lib]\nname = \"" + paths_.library_name + "\"\ncrate-type = [\"cdylib\"]\n\n"
                        "[dependencies]\n");
    write("src/lib.rs",
          "#[no_mangle]\npub extern \"C\" fn selfheal_abi_version() -> u32 { 1 }\n");
  }
  ~TempCrate() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  TempCrate(const TempCrate&) = delete;
  TempCrate& operator=(const TempCrate&) = delete;

  const CratePaths& paths() const { return paths_; }
  const std::filesystem::path& root() const { return root_; }  // parent of crate/ and state/
  // Writes `text` to a file of the crate (relative to its root), replacing it.
  void write(const std::string& relative, const std::string& text) const {
    auto file = paths_.root / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::trunc) << text;
  }

 private:
  std::filesystem::path root_;
  CratePaths paths_;
};

}  // namespace selfheal::sdk::testing
