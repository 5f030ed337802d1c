// Fuzzes what selfheal reads from a build's output: cargo's --message-format=json lines
// (parse_cargo_output and its JSON reader) and the plain lines the diagnosers search
// (build_failed, missing_dependencies with its regular expressions, disk_full, out_of_memory).
//
// Input: an optional build record (the key=value lines of last-build.status), a line "----",
// then the build's output (last-build.log). Without the separator the whole input is the output
// of a failed build. Both are written to a crate state folder, and the diagnosers read them
// as they do in the host (through a FakeContext); the lines also go to parse_cargo_output
// directly. A crash, a sanitizer report or a diagnoser that fails (it logs "diagnosis failed"
// when an exception reached its catch) is a finding; what the diagnosers conclude is not judged.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "build_failed_diagnoser.hpp"
#include "disk_full_diagnoser.hpp"
#include "missing_dependencies_diagnoser.hpp"
#include "out_of_memory_diagnoser.hpp"
#include "selfheal/sdk/testing/fake_context.hpp"
#include "support/build_record.hpp"
#include "support/cargo_messages.hpp"
#include "support/json_reader.hpp"

namespace {

namespace fs = std::filesystem;
using namespace selfheal;

constexpr std::string_view kSeparator = "\n----\n";
constexpr std::string_view kFailedBuild = "started_at_ms=1\nstarted=1\nexit_code=101\n";

struct Fixture {
  fs::path root;
  sdk::CratePaths crate;
  plugins::BuildFailedDiagnoser build_failed;
  plugins::MissingDependenciesDiagnoser missing_dependencies;
  plugins::DiskFullDiagnoser disk_full;
  plugins::OutOfMemoryDiagnoser out_of_memory;

  Fixture() {
    root = fs::temp_directory_path() / ("selfheal-fuzz-build-output-" + std::to_string(::getpid()));
    fs::create_directories(root / "crate");
    auto& c = crate;
    c.name = "fuzz-crate";
    c.library_name = "fuzz_crate";
    c.root = root / "crate";  // no sources: the record is never older than them
    c.manifest = c.root / "Cargo.toml";
    c.target_dir = c.root / "target";
    c.artifact = c.target_dir / "release" / "libfuzz_crate.so";
    c.state_dir = root / "state";
    c.build_log = c.root / "build.log";
    c.expected_abi_version = 1;
    fs::create_directories(c.state_dir);
  }
  ~Fixture() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void write_file(const fs::path& file, std::string_view text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(at, end - at));
    at = end + 1;
  }
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view record = kFailedBuild, output = input;
  if (const auto sep = input.find(kSeparator); sep != std::string_view::npos) {
    record = input.substr(0, sep);
    output = input.substr(sep + kSeparator.size());
  }

  const auto lines = split_lines(output);
  for (const auto& line : lines) (void)plugins::parse_json(line);
  const auto parsed = plugins::parse_cargo_output(lines);
  (void)plugins::to_value(parsed.errors);

  Fixture& f = fixture();
  write_file(plugins::build_record_file(f.crate), record);
  write_file(plugins::build_output_file(f.crate), output);
  sdk::testing::FakeContext context;  // a fresh one: its logger keeps every line
  context.crate_paths = f.crate;
  // The free-space and free-memory probes answer "plenty": only the build output decides.
  context.set_free_bytes(std::uint64_t{1} << 50);
  context.set_memory_available(std::uint64_t{1} << 50);
  for (sdk::Diagnoser* d : std::initializer_list<sdk::Diagnoser*>{
           &f.build_failed, &f.missing_dependencies, &f.disk_full, &f.out_of_memory}) {
    if (auto diagnosis = d->diagnose(context)) {
      if (diagnosis->issue_type.empty()) std::abort();
    }
  }
  for (const auto& line : context.log.lines())
    if (line.find("diagnosis failed") != std::string::npos) std::abort();
  return 0;
}
