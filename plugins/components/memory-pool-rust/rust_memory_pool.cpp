// Same shape as the other Rust adapters on purpose: each forwards its own SDK interface to its
// own rust-core functions; symbol lookup, rc mapping, export and create are shared in
// common/rust_core_binding.hpp.
#include "rust_memory_pool.hpp"

#include "common/component_config.hpp"

namespace selfheal::components {

using rust::from_rc;

sdk::Result<RustPoolApi> RustPoolApi::resolve(const sdk::NativeLibrary* artifact) {
  RustPoolApi api;
  if (auto st = rust::check_artifact(artifact, &api.self_test); !st.ok()) return st;
  rust::SymbolResolver r(*artifact);
  r(api.create, "selfheal_pool_new");
  r(api.allocate, "selfheal_pool_allocate");
  r(api.release, "selfheal_pool_release");
  r(api.stats, "selfheal_pool_stats");
  r(api.outstanding, "selfheal_pool_outstanding");
  r(api.trim, "selfheal_pool_trim");
  r(api.export_state, "selfheal_pool_export");
  r(api.import_state, "selfheal_pool_import");
  r(api.destroy, "selfheal_pool_free");
  if (auto st = r.status(); !st.ok()) return st;
  return api;
}

sdk::Result<sdk::Buffer> RustMemoryPool::allocate(std::size_t bytes) noexcept {
  // Rust writes straight into the returned object (one named result: no copy). Copying a
  // local Buffer instead makes the compiler read its fields back with one 16-byte load right
  // after Rust's 8-byte stores, a store-forwarding stall that cost more than the pool itself.
  sdk::Result<sdk::Buffer> result{sdk::Buffer{}};
  sdk::Buffer& b = result.value();
  if (auto rc = api_.allocate(h_, bytes, &b.data, &b.size, &b.id); rc != SELFHEAL_RC_OK)
    result = from_rc(rc, "selfheal_pool_allocate");
  return result;
}

sdk::Status RustMemoryPool::release(const sdk::Buffer& b) noexcept {
  return from_rc(api_.release(h_, b.data, b.size, b.id), "selfheal_pool_release");
}

sdk::PoolStats RustMemoryPool::stats() const noexcept {
  try {
    std::vector<selfheal_pool_class_stats_t> classes(32);
    std::size_t n = 0;
    selfheal_pool_totals_t totals{};
    if (api_.stats(h_, classes.data(), classes.size(), &n, &totals) != SELFHEAL_RC_OK) return {};
    sdk::PoolStats s;
    for (std::size_t i = 0; i < n; ++i)
      s.classes.push_back({static_cast<std::size_t>(classes[i].buffer_size),
                           static_cast<std::size_t>(classes[i].available),
                           static_cast<std::size_t>(classes[i].capacity),
                           static_cast<std::size_t>(classes[i].high_water)});
    s.bytes_in_use = static_cast<std::size_t>(totals.bytes_in_use);
    s.bytes_reserved = static_cast<std::size_t>(totals.bytes_reserved);
    s.memory_limit = static_cast<std::size_t>(totals.memory_limit);
    return s;
  } catch (const std::bad_alloc&) {
    return {};
  }
}

std::vector<sdk::OutstandingBuffer> RustMemoryPool::outstanding_older_than(
    std::chrono::milliseconds age) const noexcept {
  try {
    const auto min_age = static_cast<std::uint64_t>(std::max<std::int64_t>(age.count(), 0));
    std::vector<selfheal_pool_outstanding_t> list;
    for (int attempt = 0; attempt < 8; ++attempt) {
      std::size_t needed = 0;
      const auto rc = api_.outstanding(h_, min_age, list.data(), list.size(), &needed);
      if (rc == SELFHEAL_RC_BUFFER_TOO_SMALL) {
        list.resize(needed + needed / 4 + 4);
        continue;
      }
      if (rc != SELFHEAL_RC_OK) return {};
      std::vector<sdk::OutstandingBuffer> out;
      for (std::size_t i = 0; i < needed; ++i)
        out.push_back({list[i].id, static_cast<std::size_t>(list[i].size),
                       std::chrono::milliseconds(static_cast<std::int64_t>(list[i].age_ms))});
      return out;
    }
    return {};
  } catch (const std::bad_alloc&) {
    return {};
  }
}

std::size_t RustMemoryPool::trim() noexcept {
  std::uint64_t freed = 0;
  return api_.trim(h_, &freed) == SELFHEAL_RC_OK ? static_cast<std::size_t>(freed) : 0;
}

sdk::Status RustMemoryPool::self_test() noexcept {
  return from_rc(api_.self_test(), "selfheal_self_test");
}

sdk::Result<std::vector<std::uint8_t>> RustMemoryPool::export_state() const noexcept {
  return rust::export_state(api_.export_state, h_, "selfheal_pool_export", "pool");
}

sdk::Status RustMemoryPool::import_state(std::span<const std::uint8_t> state) noexcept {
  return from_rc(api_.import_state(h_, state.data(), state.size()), "selfheal_pool_import");
}

sdk::Result<std::unique_ptr<sdk::Component>> RustMemoryPoolImplementation::create(
    const sdk::ComponentArgs& args) noexcept {
  return rust::create_adapter<RustMemoryPool, RustPoolApi, selfheal_pool_t>(
      args, pool_settings,
      [](const RustPoolApi& api, const auto& s, selfheal_pool_t** h) {
        return api.create(s.max_class, s.memory_limit, h);
      },
      "selfheal_pool_new", "pool");
}

}  // namespace selfheal::components
