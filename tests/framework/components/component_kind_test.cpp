// A fourth component kind, the counter of tests/fixtures/counter, registered from the test and
// served by the real host: no framework file knows it. Without its kind, and when the manifest
// maps a component to another component's plugin, the host refuses the entry with the
// manifest's file:line:col before any cast, and keeps running.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <regex>
#include <thread>

#include "components/component_kind_registry.hpp"
#include "counter_kind.hpp"
#include "host/host.hpp"

using namespace selfheal;
using fixtures::Counter;

namespace {

const std::string kCounterDir = SELFHEAL_BINARY_DIR "/tests/fixtures/counter";

// A host on a manifest whose `components:` section is `components` (YAML, indented by two).
class KindHarness {
 public:
  KindHarness(const std::string& components, std::shared_ptr<const ComponentKindRegistry> kinds) {
    std::random_device rd;
    root_ = std::filesystem::temp_directory_path() /
            ("selfheal-kinds-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    // The manifest needs a crate; the counter serves without one, and no check builds it.
    std::filesystem::create_directories(root_ / "crate");
    std::ofstream(root_ / "crate/Cargo.toml")
        << "[package]\nname = \"unused\"\nversion = \"0.1.0\"\n";
    std::ofstream(root_ / "plugins.yaml") << R"(version: 1
settings:
  state_dir: )" << (root_ / "state").string()
                                          << R"(
  plugin_dir: )" << SELFHEAL_PLUGIN_DIR << R"(
  min_free_memory_mb: 0
  min_free_disk_mb: 0
  log_level: warning
crates:
  - { name: unused, path: )" << (root_ / "crate").string()
                                          << R"(, library: unused }
plugins:
  components:
    - { name: counter_cpp, library: )" << kCounterDir
                                          << R"(/fixture-counter-cpp.so }
    - { name: counter_alt, library: )" << kCounterDir
                                          << R"(/fixture-counter-alt.so }
    - { name: memory_pool_cpp, library: component-memory-pool-cpp.so }
components:
)" << components;
    auto load = load_manifest(root_ / "plugins.yaml");
    if (!load.manifest) throw std::runtime_error(load.errors.front().to_string());
    Host::Options o;
    o.probe_program = std::filesystem::path(SELFHEAL_BINARY_DIR) / "bin" / "selfheal-probe";
    o.log_sink = std::make_shared<LogSink>(LogLevel::error);
    o.component_kinds = std::move(kinds);
    host_ = std::make_unique<Host>(std::move(*load.manifest), o);
  }
  ~KindHarness() {
    host_.reset();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  Host& host() { return *host_; }
  ComponentStatus status(const std::string& component) {
    for (auto& c : host_->components().status().components)
      if (c.name == component) return c;
    return {};
  }
  std::string errors() const {
    std::string out;
    for (const auto& e : host_->manifest_errors()) out += e.to_string() + "\n";
    return out;
  }

 private:
  std::filesystem::path root_;
  std::unique_ptr<Host> host_;
};

std::shared_ptr<const ComponentKindRegistry> kinds_with_counter() {
  auto kinds = std::make_shared<ComponentKindRegistry>(builtin_component_kinds());
  EXPECT_TRUE(kinds->add(fixtures::counter_kind()).ok());
  return kinds;
}

// Both implementations serve from the first moment; "alt" first (name order), "cpp" preferred.
const char* kCounterComponents = R"(  counter:
    implementations: { alt: counter_alt, cpp: counter_cpp }
    prefer: cpp
)";

std::uint64_t value_of(ComponentHandle<Counter>& h) {
  return h.call([](Counter& c) { return c.value(); });
}

}  // namespace

TEST(ComponentKindRegistry, RefusesAnIncompleteKindAndASecondKindOfTheSameName) {
  ComponentKindRegistry kinds(builtin_component_kinds());
  EXPECT_EQ(kinds.names(),
            (std::vector<std::string>{"bloom_filter", "sliding_window", "memory_pool"}));
  auto incomplete = fixtures::counter_kind();
  incomplete.workload = nullptr;
  EXPECT_FALSE(kinds.add(incomplete).ok());
  EXPECT_TRUE(kinds.add(fixtures::counter_kind()).ok());
  EXPECT_FALSE(kinds.add(fixtures::counter_kind()).ok());
  ASSERT_NE(kinds.find("counter"), nullptr);
  EXPECT_EQ(kinds.find("teapot"), nullptr);
  EXPECT_EQ(builtin_component_kinds().find("counter"), nullptr);  // the copy grew, not the original
}

TEST(ComponentKinds, ACounterKindRegisteredByTheTestIsServedAndSwitchedWithItsState) {
  KindHarness h(kCounterComponents, kinds_with_counter());
  ASSERT_TRUE(h.host().manifest_errors().empty()) << h.errors();
  auto* counter = h.host().components().handle<Counter>("counter");
  ASSERT_NE(counter, nullptr);
  EXPECT_EQ(h.host().components().handle<sdk::BloomFilter>("counter"),
            nullptr);  // not its interface
  EXPECT_EQ(h.status("counter").active, "alt");
  EXPECT_STREQ(counter->call([](Counter& c) { return c.implementation(); }), "alt");
  ASSERT_EQ(counter->call([](Counter& c) { return c.add(41); }).value_or(0), 41u);

  // A caller keeps adding while the loader switches to the preferred implementation: every
  // addition lands, before the switch in "alt" (and migrated), after it in "cpp".
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> added{0};
  std::thread caller([&] {
    while (!stop.load()) {
      if (counter->call([](Counter& c) { return c.add(1); }).ok()) added.fetch_add(1);
    }
  });
  auto changes = h.host().components().check();
  stop.store(true);
  caller.join();

  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].component, "counter");
  EXPECT_EQ(changes[0].change, "switched_to_cpp");
  EXPECT_EQ(h.status("counter").active, "cpp");
  EXPECT_EQ(h.status("counter").switches, 1u);
  EXPECT_STREQ(counter->call([](Counter& c) { return c.implementation(); }), "cpp");
  EXPECT_EQ(value_of(*counter), 41u + added.load());
  for (const auto& impl : h.status("counter").implementations)
    EXPECT_GT(impl.performance_score, 0.0) << impl.name;  // calibrated with the kind's workload
}

TEST(ComponentKinds, WithoutItsKindTheCounterIsRefusedAsUnknownWithItsPosition) {
  KindHarness h(kCounterComponents, nullptr);  // the built-in kinds only
  const std::regex unknown(
      R"(plugins\.yaml:\d+:\d+: components\.counter\.implementations\.(alt|cpp): this host serves )"
      R"(bloom_filter, sliding_window and memory_pool, not counter)");
  ASSERT_EQ(h.host().manifest_errors().size(), 2u) << h.errors();
  for (const auto& e : h.host().manifest_errors())
    EXPECT_TRUE(std::regex_search(e.to_string(), unknown)) << e.to_string();
  EXPECT_EQ(h.host().components().handle<Counter>("counter"), nullptr);
  EXPECT_EQ(h.status("counter").active, "");
  EXPECT_TRUE(h.host().components().check().empty());  // nothing to serve it with, no crash
}

TEST(ComponentKinds, AComponentMappedToAnotherComponentsPluginIsRefusedBeforeAnyCast) {
  // bloom_filter's cpp entry names the memory pool's plugin: line 17, column 29 of the manifest
  // (the crate, plugin and component lines above it are fixed by the harness).
  KindHarness h(R"(  bloom_filter:
    implementations: { cpp: memory_pool_cpp }
  counter:
    implementations: { cpp: counter_cpp }
)",
                kinds_with_counter());
  ASSERT_EQ(h.host().manifest_errors().size(), 1u) << h.errors();
  const auto& e = h.host().manifest_errors().front();
  EXPECT_EQ(e.key, "components.bloom_filter.implementations.cpp");
  EXPECT_TRUE(std::regex_search(
      e.to_string(),
      std::regex(R"(plugins\.yaml:17:29: components\.bloom_filter\.implementations\.cpp: )"
                 R"(plugin 'memory_pool_cpp' creates memory_pool \(cpp\), not bloom_filter)")))
      << e.to_string();
  // The loader refused it too: no bloom filter handle, the implementation says why.
  EXPECT_EQ(h.host().components().bloom_filter(), nullptr);
  const auto bloom = h.status("bloom_filter");
  ASSERT_EQ(bloom.implementations.size(), 1u);
  EXPECT_FALSE(bloom.implementations[0].available);
  EXPECT_NE(bloom.implementations[0].error.find("creates memory_pool"), std::string::npos);
  // The other component serves as usual, and a check neither crashes nor serves the mapping.
  auto* counter = h.host().components().handle<Counter>("counter");
  ASSERT_NE(counter, nullptr);
  EXPECT_EQ(counter->call([](Counter& c) { return c.add(2); }).value_or(0), 2u);
  EXPECT_TRUE(h.host().components().check().empty());
  EXPECT_EQ(h.host().components().bloom_filter(), nullptr);
}
