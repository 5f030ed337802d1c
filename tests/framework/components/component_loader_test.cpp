// The component loader on a real host: a temporary copy of rust-core, the built plugins, real
// cargo. C++ serves from the first moment; Rust takes over after the fix, with the state carried
// across; a failing Rust implementation falls back to C++ with the state again.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <random>

#include "host/host.hpp"

using namespace selfheal;

namespace {

class LoaderHarness {
 public:
  LoaderHarness() {
    std::random_device rd;
    root_ = std::filesystem::temp_directory_path() /
            ("selfheal-loader-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(root_ / "crate");
    for (const char* f : {"Cargo.toml", "Cargo.lock", "build.rs", "rust_core.h"}) {
      auto src = std::filesystem::path(SELFHEAL_SOURCE_DIR) / "plugins/components/rust-core" / f;
      if (std::filesystem::exists(src)) std::filesystem::copy(src, root_ / "crate" / f);
    }
    std::filesystem::copy(std::filesystem::path(SELFHEAL_SOURCE_DIR) / "plugins/components/rust-core/src",
                          root_ / "crate/src", std::filesystem::copy_options::recursive);
    std::ofstream(root_ / "plugins.yaml") << R"(version: 1
settings:
  state_dir: )" << (root_ / "state").string() << R"(
  plugin_dir: )" << SELFHEAL_PLUGIN_DIR << R"(
  min_free_memory_mb: 0
  min_free_disk_mb: 0
  log_level: warning
crates:
  - { name: rust-core, path: )" << (root_ / "crate").string() << R"(, library: selfheal_rust_core }
plugins:
  diagnosers:
    - { name: build_failed, library: issue-build-failed.so }
    - { name: not_built, library: issue-not-built.so }
    - { name: corrupted_binary, library: issue-corrupted-binary.so }
    - { name: incompatible_version, library: issue-incompatible-version.so }
  strategies:
    - { name: build, library: strategy-build.so }
    - { name: clean_build, library: strategy-clean-build.so }
  components:
    - { name: bloom_filter_cpp, library: component-bloom-filter-cpp.so }
    - { name: bloom_filter_rust, library: component-bloom-filter-rust.so }
    - { name: memory_pool_cpp, library: component-memory-pool-cpp.so }
    - { name: memory_pool_rust, library: component-memory-pool-rust.so }
components:
  bloom_filter:
    implementations: { cpp: bloom_filter_cpp, rust: bloom_filter_rust }
    prefer: rust
    config: { expected_items: 100000, false_positive_rate: 0.01 }
  memory_pool:
    implementations: { cpp: memory_pool_cpp, rust: memory_pool_rust }
    prefer: rust
issues:
  not_built: [build]
  build_failed: [clean_build]
  corrupted_binary: [clean_build]
  incompatible_version: [clean_build]
)";
    auto load = load_manifest(root_ / "plugins.yaml");
    if (!load.manifest) throw std::runtime_error(load.errors.front().to_string());
    Host::Options o;
    o.probe_program = std::filesystem::path(SELFHEAL_BINARY_DIR) / "bin" / "selfheal-probe";
    o.log_sink = std::make_shared<LogSink>(LogLevel::warning);
    host_ = std::make_unique<Host>(std::move(*load.manifest), o);
  }
  ~LoaderHarness() {
    host_.reset();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  Host& host() { return *host_; }
  std::filesystem::path artifact() const {
    return root_ / "crate/target/release/libselfheal_rust_core.so";
  }
  std::string active(const std::string& component) {
    for (const auto& c : host_->components().status().components)
      if (c.name == component) return c.active;
    return {};
  }
  bool rust_available(const std::string& component) {
    for (const auto& c : host_->components().status().components)
      if (c.name == component)
        for (const auto& i : c.implementations)
          if (i.name == "rust") return i.available;
    return false;
  }

 private:
  std::filesystem::path root_;
  std::unique_ptr<Host> host_;
};

bool contains(BloomFilterHandle& h, const std::string& key) {
  auto r = h.call([&](sdk::BloomFilter& f) { return f.contains(key); });
  return r.ok() && r.value();
}

}  // namespace

TEST(ComponentLoader, CppServesFirstRustTakesOverAfterTheFixWithItsStateAndFallsBackOnFailure) {
  LoaderHarness h;
  EXPECT_EQ(h.active("bloom_filter"), "cpp");  // from the first moment, Rust never built
  EXPECT_FALSE(h.rust_available("bloom_filter"));
  auto* bloom = h.host().components().bloom_filter();
  auto* pool = h.host().components().memory_pool();
  ASSERT_NE(bloom, nullptr);
  ASSERT_NE(pool, nullptr);
  for (int i = 0; i < 1000; ++i)
    ASSERT_TRUE(bloom->call([&](sdk::BloomFilter& f) { return f.insert("before-" + std::to_string(i)); }).ok());
  auto held = pool->call([](sdk::MemoryPool& p) { return p.allocate(100); });
  ASSERT_TRUE(held.ok());
  std::memset(held.value().data, 0x5A, 100);

  std::vector<ComponentChange> changes;
  h.host().components().on_change([&](const ComponentChange& c) { changes.push_back(c); });
  auto outcome = h.host().healer().fix(FixRequest{});
  ASSERT_TRUE(outcome.success) << outcome.error.value_or("");
  EXPECT_EQ(h.active("bloom_filter"), "rust");
  EXPECT_EQ(h.active("memory_pool"), "rust");
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].change, "upgraded_to_rust");
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(contains(*bloom, "before-" + std::to_string(i))) << i;

  // Loaded from the store, never from target/: deleting the artifact does not stop Rust.
  auto record = h.host().store("rust-core")->current();
  ASSERT_TRUE(record);
  EXPECT_NE(record->path.string().find("/artifacts/" + record->sha256 + "/"), std::string::npos);
  std::filesystem::remove(h.artifact());
  auto after_delete = h.host().components().check();
  EXPECT_TRUE(after_delete.empty());
  EXPECT_EQ(h.active("bloom_filter"), "rust");
  EXPECT_FALSE(h.rust_available("bloom_filter"));
  EXPECT_TRUE(contains(*bloom, "before-1"));

  // A pool buffer made by the C++ pool is still valid and goes back to it.
  const auto* bytes = static_cast<const unsigned char*>(held.value().data);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(bytes[i], 0x5A);
  EXPECT_TRUE(pool->call([&](sdk::MemoryPool& p) { return p.release(held.value()); }).ok());

  // Call errors past the threshold open the breaker: back to C++, state carried.
  for (int i = 0; i < 5; ++i) h.host().components().record_call_error("bloom_filter");
  auto fallback = h.host().components().check();
  ASSERT_FALSE(fallback.empty());
  EXPECT_EQ(fallback[0].change, "fell_back_to_cpp");
  EXPECT_EQ(h.active("bloom_filter"), "cpp");
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(contains(*bloom, "before-" + std::to_string(i))) << i;
}
