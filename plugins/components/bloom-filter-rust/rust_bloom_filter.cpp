// Same shape as the other Rust adapters on purpose: each forwards its own SDK interface to its
// own rust-core functions; symbol lookup, rc mapping, export and create are shared in
// common/rust_core_binding.hpp.
#include "rust_bloom_filter.hpp"

#include "common/component_config.hpp"

namespace selfheal::components {

using rust::from_rc;

sdk::Result<RustBloomApi> RustBloomApi::resolve(const sdk::NativeLibrary* artifact) {
  RustBloomApi api;
  if (auto st = rust::check_artifact(artifact, &api.self_test); !st.ok()) return st;
  rust::SymbolResolver r(*artifact);
  r(api.create, "selfheal_bloom_new");
  r(api.insert, "selfheal_bloom_insert");
  r(api.contains, "selfheal_bloom_contains");
  r(api.clear, "selfheal_bloom_clear");
  r(api.item_count, "selfheal_bloom_item_count");
  r(api.saturation, "selfheal_bloom_saturation");
  r(api.estimated_fpr, "selfheal_bloom_estimated_fpr");
  r(api.export_state, "selfheal_bloom_export");
  r(api.import_state, "selfheal_bloom_import");
  r(api.destroy, "selfheal_bloom_free");
  if (auto st = r.status(); !st.ok()) return st;
  rust::SymbolResolver optional(*artifact);
  optional(api.state_view, "selfheal_bloom_state_view");
  return api;
}

namespace {
const std::uint8_t* bytes(std::string_view key) {
  return reinterpret_cast<const std::uint8_t*>(key.data());
}
}  // namespace

sdk::Result<bool> RustBloomFilter::insert(std::string_view key) noexcept {
  std::uint8_t fresh = 0;
  if (auto rc = api_.insert(h_, bytes(key), key.size(), &fresh); rc != SELFHEAL_RC_OK)
    return from_rc(rc, "selfheal_bloom_insert");
  return fresh != 0;
}

sdk::Result<bool> RustBloomFilter::contains(std::string_view key) const noexcept {
  std::uint8_t found = 0;
  if (auto rc = api_.contains(h_, bytes(key), key.size(), &found); rc != SELFHEAL_RC_OK)
    return from_rc(rc, "selfheal_bloom_contains");
  return found != 0;
}

sdk::Status RustBloomFilter::clear() noexcept {
  return from_rc(api_.clear(h_), "selfheal_bloom_clear");
}

std::uint64_t RustBloomFilter::item_count() const noexcept {
  std::uint64_t n = 0;
  return api_.item_count(h_, &n) == SELFHEAL_RC_OK ? n : 0;
}

double RustBloomFilter::saturation() const noexcept {
  double v = 0.0;
  return api_.saturation(h_, &v) == SELFHEAL_RC_OK ? v : 1.0;
}

double RustBloomFilter::estimated_false_positive_rate() const noexcept {
  double v = 0.0;
  return api_.estimated_fpr(h_, &v) == SELFHEAL_RC_OK ? v : 1.0;
}

sdk::Status RustBloomFilter::self_test() noexcept {
  return from_rc(api_.self_test(), "selfheal_self_test");
}

sdk::Result<std::vector<std::uint8_t>> RustBloomFilter::export_state() const noexcept {
  return rust::export_state(api_.export_state, h_, "selfheal_bloom_export", "filter");
}

sdk::Status RustBloomFilter::import_state(std::span<const std::uint8_t> state) noexcept {
  return from_rc(api_.import_state(h_, state.data(), state.size()), "selfheal_bloom_import");
}

std::span<const std::uint8_t> RustBloomFilter::state_view() const noexcept {
  const std::uint8_t* data = nullptr;
  std::size_t len = 0;
  if (api_.state_view == nullptr || api_.state_view(h_, &data, &len) != SELFHEAL_RC_OK ||
      data == nullptr)
    return {};
  return {data, len};
}

sdk::Result<std::unique_ptr<sdk::Component>> RustBloomFilterImplementation::create(
    const sdk::ComponentArgs& args) noexcept {
  return rust::create_adapter<RustBloomFilter, RustBloomApi, selfheal_bloom_t>(
      args, bloom_settings,
      [](const RustBloomApi& api, const auto& s, selfheal_bloom_t** h) {
        return api.create(s.expected_items, s.false_positive_rate, h);
      },
      "selfheal_bloom_new", "filter");
}

}  // namespace selfheal::components
