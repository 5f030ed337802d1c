// Same shape as the other C++ adapters on purpose: each forwards its own SDK interface to its own
// core; the try/catch every noexcept method needs is in common/noexcept_calls.hpp.
#include "cpp_memory_pool.hpp"

#include <cstring>

#include "common/component_config.hpp"
#include "common/noexcept_calls.hpp"

namespace selfheal::components {
namespace {
constexpr const char* kNoMemory = "out of memory";
sdk::Status oom() { return sdk::Status::error(sdk::Errc::out_of_memory, kNoMemory); }
}  // namespace

sdk::Result<sdk::Buffer> CppMemoryPool::allocate(std::size_t bytes) noexcept {
  try {
    return core_.allocate(bytes);
  } catch (const std::bad_alloc&) {
    return oom();
  }
}

sdk::Status CppMemoryPool::release(const sdk::Buffer& buffer) noexcept {
  try {
    return core_.release(buffer);
  } catch (const std::bad_alloc&) {
    return oom();
  }
}

sdk::PoolStats CppMemoryPool::stats() const noexcept {
  try {
    return core_.stats();
  } catch (const std::bad_alloc&) {
    return {};
  }
}

std::vector<sdk::OutstandingBuffer> CppMemoryPool::outstanding_older_than(
    std::chrono::milliseconds age) const noexcept {
  try {
    return core_.outstanding_older_than(age);
  } catch (const std::bad_alloc&) {
    return {};
  }
}

std::size_t CppMemoryPool::trim() noexcept { return core_.trim(); }

sdk::Status CppMemoryPool::self_test() noexcept {
  return exception_as_internal([]() -> sdk::Status {
    MemoryPoolCore probe(4096, 1 << 20);
    auto a = probe.allocate(100);
    if (!a || a.value().size != 128)
      return sdk::Status::error(sdk::Errc::internal, "wrong size class for 100 bytes");
    std::memset(a.value().data, 0xA5, a.value().size);
    if (!probe.release(a.value()).ok() || probe.release(a.value()).ok())
      return sdk::Status::error(sdk::Errc::internal, "release was not checked");
    auto again = MemoryPoolCore(4096, 1 << 20);
    if (!again.import_state(probe.export_state()).ok() ||
        again.export_state() != probe.export_state())
      return sdk::Status::error(sdk::Errc::internal, "state round trip differs");
    return {};
  });
}

sdk::Result<std::vector<std::uint8_t>> CppMemoryPool::export_state() const noexcept {
  return out_of_memory_as_error(
      kNoMemory, [&]() -> sdk::Result<std::vector<std::uint8_t>> { return core_.export_state(); });
}

sdk::Status CppMemoryPool::import_state(std::span<const std::uint8_t> state) noexcept {
  return out_of_memory_as_error(kNoMemory, [&] { return core_.import_state(state); });
}

sdk::Result<std::unique_ptr<sdk::Component>> CppMemoryPoolImplementation::create(
    const sdk::ComponentArgs& args) noexcept {
  return out_of_memory_as_error(kNoMemory, [&]() -> sdk::Result<std::unique_ptr<sdk::Component>> {
    auto settings = pool_settings(args.config);
    if (!settings) return settings.status();
    return std::unique_ptr<sdk::Component>(
        std::make_unique<CppMemoryPool>(settings.value().max_class, settings.value().memory_limit));
  });
}

}  // namespace selfheal::components
