// Fuzzes the state import of every component implementation: a blob handed to import_state()
// must be accepted or refused (corrupt_state, or out_of_memory / invalid_argument for a valid
// state that does not fit this instance), never crash, and a refused blob must leave the
// instance unchanged. An accepted state is then used (inserts and lookups, frames,
// allocations written end to end, trim) and exported again, so a blob that passes validation
// but breaks an invariant shows up as a sanitizer report. An instance that lends its state
// (sdk::StateView, the one-copy switch) must lend exactly its export's bytes, and a fresh
// instance must take them as the host's switch hands them over.
//
// Input: the first byte picks the component (bloom_filter, sliding_window, memory_pool: byte % 3),
// the rest is the blob. Each input runs on fresh instances, so a finding reproduces from its file.
//
// With SELFHEAL_FUZZ_WITH_RUST (the default when the tests are configured) the Rust
// implementations in rust-core run beside the C++ ones, through their adapters as the host uses
// them (rust-core built by cargo into the build tree on the first run, see tests/components);
// then the two must also judge every blob alike and export identical state after the same use.
// The Rust code itself is not instrumented: a Rust panic or memory fault still ends the run.
//
// SELFHEAL_FUZZ_WRITE_SEEDS=<dir>: write the seed corpus (fresh and used states) there and exit.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "cpp_bloom_filter.hpp"
#include "cpp_memory_pool.hpp"
#include "cpp_sliding_window.hpp"
#include "selfheal/sdk/bloom_filter.hpp"
#include "selfheal/sdk/memory_pool.hpp"
#include "selfheal/sdk/sliding_window.hpp"
#include "selfheal/sdk/state_view.hpp"
#ifdef SELFHEAL_FUZZ_WITH_RUST
#include "support/rust_core_fixture.hpp"
#endif

namespace {

using namespace selfheal;
using Blob = std::vector<std::uint8_t>;

constexpr const char* kComponents[] = {sdk::component::bloom_filter, sdk::component::sliding_window,
                                       sdk::component::memory_pool};

// Small instances (the tests' scenario configs), so each input is cheap.
sdk::Value config_of(const std::string& component) {
  sdk::Value v;
  if (component == sdk::component::bloom_filter) {
    v.set("expected_items", 1000);
    v.set("false_positive_rate", 0.01);
  } else if (component == sdk::component::sliding_window) {
    v.set("window_size", 4);
    v.set("similarity_threshold", 0.95);
  } else {
    v.set("max_class", 4096);
    v.set("memory_limit_bytes", 65536);
  }
  return v;
}

std::unique_ptr<sdk::Component> make_cpp(const std::string& component) {
  std::unique_ptr<sdk::ComponentImplementation> impl;
  if (component == sdk::component::bloom_filter)
    impl = std::make_unique<components::CppBloomFilterImplementation>();
  else if (component == sdk::component::sliding_window)
    impl = std::make_unique<components::CppSlidingWindowImplementation>();
  else
    impl = std::make_unique<components::CppMemoryPoolImplementation>();
  sdk::ComponentArgs args;
  args.config = config_of(component);
  auto made = impl->create(args);
  if (!made) {
    std::fprintf(stderr, "cannot create the C++ %s: %s\n", component.c_str(),
                 made.status().message.c_str());
    std::abort();
  }
  return std::move(made.value());
}

// The implementations under test: C++, and Rust when built in.
#ifdef SELFHEAL_FUZZ_WITH_RUST
constexpr std::size_t kImplementations = 2;
#else
constexpr std::size_t kImplementations = 1;
#endif

// Implementation `which` (0: C++, 1: Rust) of `component`, fresh.
std::unique_ptr<sdk::Component> make_instance(const std::string& component, std::size_t which) {
  if (which == 0) return make_cpp(component);
#ifdef SELFHEAL_FUZZ_WITH_RUST
  std::string error;
  auto rust = components::testing::make_component(component, "rust", config_of(component), &error);
  if (!rust) {
    std::fprintf(stderr, "cannot create the Rust %s: %s\n", component.c_str(), error.c_str());
    std::abort();
  }
  return rust;
#else
  std::abort();
#endif
}

std::vector<std::unique_ptr<sdk::Component>> instances(const std::string& component) {
  std::vector<std::unique_ptr<sdk::Component>> out;
  for (std::size_t i = 0; i < kImplementations; ++i) out.push_back(make_instance(component, i));
  return out;
}

// Uses an instance the way callers do; `salt` varies the keys and frames.
void exercise(sdk::Component& c, std::uint8_t salt) {
  if (auto* bloom = dynamic_cast<sdk::BloomFilter*>(&c)) {
    for (int i = 0; i < 8; ++i) {
      const std::string key = "key-" + std::to_string(salt) + "-" + std::to_string(i);
      (void)bloom->insert(key);
      (void)bloom->contains(key);
      (void)bloom->contains("absent-" + key);
    }
    (void)bloom->item_count();
    (void)bloom->saturation();
    (void)bloom->estimated_false_positive_rate();
  } else if (auto* window = dynamic_cast<sdk::SlidingWindow*>(&c)) {
    std::vector<std::uint8_t> pixels(16 * 8 * 3);
    for (std::size_t i = 0; i < pixels.size(); ++i)
      pixels[i] = static_cast<std::uint8_t>(i * 7 + salt);
    for (int i = 0; i < 3; ++i) {
      sdk::Frame f;
      f.pixels = pixels;
      f.width = 16;
      f.height = 8;
      f.channels = 3;
      f.timestamp_us = i;
      (void)window->add_frame(f);
      pixels[static_cast<std::size_t>(i) * 5] ^= 0xFF;
    }
    (void)window->stats();
  } else if (auto* pool = dynamic_cast<sdk::MemoryPool*>(&c)) {
    std::vector<sdk::Buffer> held;
    for (std::size_t bytes : {std::size_t{1}, std::size_t{100} + salt, std::size_t{4096}}) {
      auto b = pool->allocate(bytes);
      if (!b) continue;
      std::memset(b.value().data, 0xA5, b.value().size);  // the whole buffer is the caller's
      held.push_back(b.value());
    }
    (void)pool->stats();
    (void)pool->outstanding_older_than(std::chrono::milliseconds(0));
    for (const auto& b : held) (void)pool->release(b);
    (void)pool->trim();
  }
  (void)c.self_test();
}

Blob exported(const sdk::Component& c) {
  auto e = c.export_state();
  if (!e) {
    std::fprintf(stderr, "export_state failed: %s\n", e.status().message.c_str());
    std::abort();
  }
  return e.value();
}

// The instance's lent state (when it lends one) is its export, byte for byte, and a fresh
// instance of the same implementation imports it to the same bytes.
void check_view(const sdk::Component& c, const Blob& expected,
                const std::function<std::unique_ptr<sdk::Component>()>& fresh) {
  const auto* lender = dynamic_cast<const sdk::StateView*>(&c);
  if (lender == nullptr) return;
  const auto view = lender->state_view();
  if (view.empty()) return;  // may decline; the host then exports
  if (!std::equal(view.begin(), view.end(), expected.begin(), expected.end())) {
    std::fprintf(stderr, "the state view differs from export_state()\n");
    std::abort();
  }
  auto next = fresh();
  const auto st = next->import_state(view);
  if (!st.ok() || exported(*next) != expected) {
    std::fprintf(stderr, "a fresh instance did not take the state view: %s\n", st.message.c_str());
    std::abort();
  }
}

void write_seed(const std::string& dir, const std::string& name, std::size_t selector,
                const Blob& state) {
  std::ofstream out(dir + "/" + name, std::ios::binary | std::ios::trunc);
  out.put(static_cast<char>(selector));
  out.write(reinterpret_cast<const char*>(state.data()), static_cast<std::streamsize>(state.size()));
}

void write_seeds(const std::string& dir) {
  for (std::size_t i = 0; i < std::size(kComponents); ++i) {
    auto c = make_cpp(kComponents[i]);
    write_seed(dir, std::string(kComponents[i]) + "_fresh", i, exported(*c));
    for (std::uint8_t salt = 1; salt <= 3; ++salt) exercise(*c, salt);
    write_seed(dir, std::string(kComponents[i]) + "_used", i, exported(*c));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("SELFHEAL_FUZZ_WRITE_SEEDS")) {
    write_seeds(dir);
    std::exit(0);
  }
#ifdef SELFHEAL_FUZZ_WITH_RUST
  // The first call builds rust-core with cargo: here, before libFuzzer's per-input timeout runs.
  std::string error;
  if (components::testing::rust_core(&error) == nullptr) {
    std::fprintf(stderr, "rust-core is not available: %s\n", error.c_str());
    std::exit(1);
  }
#endif
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string component = kComponents[data[0] % std::size(kComponents)];
  const std::span<const std::uint8_t> blob(data + 1, size - 1);
  auto impls = instances(component);

  // Refused: corrupt_state for a blob that fails validation; out_of_memory or invalid_argument
  // for a valid state this instance cannot take (over its memory limit, another size-class
  // layout), as tests/components/corrupt_state_test.cpp allows. Never another code.
  std::vector<sdk::Errc> codes;
  for (auto& impl : impls) {
    const Blob before = exported(*impl);
    const auto st = impl->import_state(blob);
    if (!st.ok()) {
      if (st.code != sdk::Errc::corrupt_state && st.code != sdk::Errc::out_of_memory &&
          st.code != sdk::Errc::invalid_argument) {
        std::fprintf(stderr, "refused with code %d: %s\n", static_cast<int>(st.code),
                     st.message.c_str());
        std::abort();
      }
      if (exported(*impl) != before) {
        std::fprintf(stderr, "a refused import changed the instance\n");
        std::abort();
      }
    }
    codes.push_back(st.code);
  }
  if (impls.size() == 2 && codes[0] != codes[1]) {
    std::fprintf(stderr, "C++ answered code %d, Rust code %d\n", static_cast<int>(codes[0]),
                 static_cast<int>(codes[1]));
    std::abort();
  }
  if (codes[0] != sdk::Errc::ok) return 0;

  // An accepted state: both re-export the same bytes, and stay alike through the same use.
  std::vector<Blob> imported, used;
  for (std::size_t i = 0; i < impls.size(); ++i) {
    auto& impl = impls[i];
    const auto fresh = [&] { return make_instance(component, i); };
    imported.push_back(exported(*impl));
    check_view(*impl, imported.back(), fresh);
    exercise(*impl, data[0]);
    used.push_back(exported(*impl));
    check_view(*impl, used.back(), fresh);
  }
  if (impls.size() == 2 && (imported[0] != imported[1] || used[0] != used[1])) {
    std::fprintf(stderr, "C++ and Rust export different state (%s)\n",
                 imported[0] != imported[1] ? "after the import" : "after the same use");
    std::abort();
  }
  return 0;
}
