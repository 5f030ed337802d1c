// The handles' calls: one read section, one atomic load and one indirect call (component_handle.hpp);
// the Bloom filter's insert and contains are inline in runtime.hpp.
#include "runtime_impl.hpp"

namespace selfheal {
namespace {

const Runtime& runtime_of(const std::shared_ptr<const void>& keep) {
  return *static_cast<const Runtime*>(keep.get());
}

// An error the caller caused (a pool's memory limit, a bad argument) is no fault of the
// implementation: it is not counted against it.
bool callers_error(const sdk::Status& st) {
  return st.code == sdk::Errc::out_of_memory || st.code == sdk::Errc::invalid_argument;
}

}  // namespace

void BloomFilter::failed(const sdk::Status& status) const {
  runtime_of(keep_).call_failed(name_, status.message);
}

std::uint64_t BloomFilter::item_count() const {
  return handle_->call([](sdk::BloomFilter& f) { return f.item_count(); });
}

void BloomFilter::clear() {
  auto st = handle_->call([](sdk::BloomFilter& f) { return f.clear(); });
  if (!st.ok()) runtime_of(keep_).call_failed(name_, st.message);
}

FrameResult SlidingWindow::add_frame(const Frame& frame) {
  const sdk::Frame f{frame.pixels, frame.width, frame.height, frame.channels, frame.timestamp_us};
  auto r = handle_->call([&](sdk::SlidingWindow& w) { return w.add_frame(f); });
  if (!r.ok()) [[unlikely]] runtime_of(keep_).call_failed(name_, r.status().message);
  const auto& a = r.value();
  return FrameResult{a.is_duplicate, a.confidence, a.frame_hash, a.window_size};
}

void SlidingWindow::clear() {
  auto st = handle_->call([](sdk::SlidingWindow& w) { return w.clear(); });
  if (!st.ok()) runtime_of(keep_).call_failed(name_, st.message);
}

PoolBuffer MemoryPool::allocate(std::size_t bytes) {
  auto r = handle_->call([&](sdk::MemoryPool& p) { return p.allocate(bytes); });
  if (!r.ok()) {
    if (callers_error(r.status()))
      throw Error(name_ + ": " + r.status().message, r.status().code == sdk::Errc::out_of_memory
                                                         ? Error::Kind::out_of_memory
                                                         : Error::Kind::invalid_argument);
    runtime_of(keep_).call_failed(name_, r.status().message);
  }
  return PoolBuffer{r.value().data, r.value().size, r.value().id};
}

void MemoryPool::release(const PoolBuffer& buffer) {
  const sdk::Buffer b{buffer.data, buffer.size, buffer.id};
  auto st = handle_->call([&](sdk::MemoryPool& p) { return p.release(b); });
  // A buffer it does not know: the caller's mistake.
  if (!st.ok()) throw Error(name_ + ": " + st.message, Error::Kind::invalid_argument);
}

namespace {

template <class Interface>
ComponentHandle<Interface>* find_handle(const Runtime& rt, ComponentLoader& loader, std::string_view name,
                                        const char* kind) {
  auto* h = loader.handle<Interface>(std::string(name));
  if (!h)
    throw Error("no component " + std::string(name) + " of kind " + kind + " in " + rt.manifest().string() +
                " (or none of its implementations works: see the log)",
                Error::Kind::not_found);
  return h;
}

}  // namespace

// The handles share ownership of the runtime (aliasing the Runtime object itself).
BloomFilter Runtime::bloom_filter(std::string_view name) {
  auto* handle = find_handle<sdk::BloomFilter>(*this, *impl_->components, name, "bloom_filter");
  return {handle, &handle->active_pointer(), std::shared_ptr<const void>(shared_from_this(), this),
          std::string(name)};
}
SlidingWindow Runtime::sliding_window(std::string_view name) {
  return {find_handle<sdk::SlidingWindow>(*this, *impl_->components, name, "sliding_window"),
          std::shared_ptr<const void>(shared_from_this(), this), std::string(name)};
}
MemoryPool Runtime::memory_pool(std::string_view name) {
  return {find_handle<sdk::MemoryPool>(*this, *impl_->components, name, "memory_pool"),
          std::shared_ptr<const void>(shared_from_this(), this), std::string(name)};
}

}  // namespace selfheal
