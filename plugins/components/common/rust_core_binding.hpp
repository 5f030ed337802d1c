// Binding the Rust adapters to a rust-core artifact: symbols are looked up through the
// sdk::NativeLibrary the host loaded (never linked), rc codes become sdk::Errc.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "rust_core.h"
#include "selfheal/sdk/component.hpp"
#include "selfheal/sdk/result.hpp"

namespace selfheal::components::rust {

// The error side of from_rc, kept out of line so that the success path of every call inlines.
[[gnu::cold, gnu::noinline]] inline sdk::Status status_of_error_rc(std::int32_t rc,
                                                                   const char* call) {
  switch (rc) {
    case SELFHEAL_RC_OK:
      return {};
    case SELFHEAL_RC_INVALID_ARGUMENT:
      return sdk::Status::error(sdk::Errc::invalid_argument,
                                std::string(call) + ": invalid argument");
    case SELFHEAL_RC_OUT_OF_MEMORY:
      return sdk::Status::error(sdk::Errc::out_of_memory, std::string(call) + ": out of memory");
    case SELFHEAL_RC_CORRUPT_STATE:
      return sdk::Status::error(sdk::Errc::corrupt_state, std::string(call) + ": corrupt state");
    case SELFHEAL_RC_SELF_TEST_FAILED:
      return sdk::Status::error(sdk::Errc::internal, std::string(call) + ": self-test failed");
    case SELFHEAL_RC_PANIC:
      return sdk::Status::error(sdk::Errc::internal, std::string(call) + ": panicked in rust-core");
    default:
      return sdk::Status::error(sdk::Errc::internal,
                                std::string(call) + ": unexpected rc " + std::to_string(rc));
  }
}

inline sdk::Status from_rc(std::int32_t rc, const char* call) {
  if (rc == SELFHEAL_RC_OK) [[likely]]
    return {};
  return status_of_error_rc(rc, call);
}

// Looks symbols up by name; remembers the first one missing.
class SymbolResolver {
 public:
  explicit SymbolResolver(const sdk::NativeLibrary& lib) : lib_(lib) {}

  template <class F>
  void operator()(F*& out, const char* name) {
    void* p = lib_.symbol(name);
    if (p == nullptr) {
      out = nullptr;
      if (missing_.empty()) missing_ = name;
      return;
    }
    static_assert(sizeof(out) == sizeof(p));
    std::memcpy(&out, &p, sizeof out);
  }

  sdk::Status status() const {
    if (missing_.empty()) return {};
    return sdk::Status::error(sdk::Errc::unavailable,
                              lib_.path().string() + ": rust-core symbol missing: " + missing_);
  }

 private:
  const sdk::NativeLibrary& lib_;
  std::string missing_;
};

// Unavailable unless `lib` is set, exports selfheal_abi_version and selfheal_self_test, and its
// ABI version is the one rust_core.h declares.
inline sdk::Status check_artifact(const sdk::NativeLibrary* lib,
                                  decltype(&selfheal_self_test)* self_test) {
  if (lib == nullptr)
    return sdk::Status::error(sdk::Errc::unavailable, "no rust-core artifact was handed over");
  SymbolResolver resolve(*lib);
  decltype(&selfheal_abi_version) abi = nullptr;
  resolve(abi, "selfheal_abi_version");
  resolve(*self_test, "selfheal_self_test");
  if (auto st = resolve.status(); !st.ok()) return st;
  const std::uint32_t version = abi();
  if (version != SELFHEAL_RUST_CORE_ABI_VERSION)
    return sdk::Status::error(sdk::Errc::unavailable,
                              lib->path().string() + ": rust-core ABI version " +
                                  std::to_string(version) + ", the adapters expect " +
                                  std::to_string(SELFHEAL_RUST_CORE_ABI_VERSION));
  return {};
}

// Runs an export function with the needed-size protocol (retrying if the size changes).
template <class Fn, class Handle>
sdk::Result<std::vector<std::uint8_t>> export_with(Fn fn, Handle h, const char* call) {
  std::vector<std::uint8_t> buf;
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::size_t needed = 0;
    const std::int32_t rc = fn(h, buf.data(), buf.size(), &needed);
    if (rc == SELFHEAL_RC_OK) {
      buf.resize(needed);
      return buf;
    }
    if (rc != SELFHEAL_RC_BUFFER_TOO_SMALL) return from_rc(rc, call);
    buf.resize(needed);
  }
  return sdk::Status::error(sdk::Errc::internal, std::string(call) + ": state size kept changing");
}

// export_with for an adapter's export_state(): no memory is out_of_memory ("no memory to export
// the <what>"), never an exception.
template <class Fn, class Handle>
sdk::Result<std::vector<std::uint8_t>> export_state(Fn fn, Handle h, const char* call,
                                                    const char* what) noexcept {
  try {
    return export_with(fn, h, call);
  } catch (const std::bad_alloc&) {
    return sdk::Status::error(sdk::Errc::out_of_memory,
                              std::string("no memory to export the ") + what);
  }
}

// What every Rust adapter's create() does: resolve its Api from the artifact, read its settings
// with `read_settings(config)`, make a Rust handle with `make(api, settings, &handle)` (`call`
// names that function in errors) and hand the handle to an Adapter that owns it from then on (or
// free it if the Adapter cannot be made). No memory is out_of_memory ("no memory for the <what>").
template <class Adapter, class Api, class Handle, class ReadSettings, class Make>
sdk::Result<std::unique_ptr<sdk::Component>> create_adapter(const sdk::ComponentArgs& args,
                                                            ReadSettings read_settings, Make make,
                                                            const char* call,
                                                            const char* what) noexcept {
  try {
    auto api = Api::resolve(args.artifact);
    if (!api) return api.status();
    auto settings = read_settings(args.config);
    if (!settings) return settings.status();
    Handle* h = nullptr;
    if (const std::int32_t rc = make(api.value(), settings.value(), &h); rc != SELFHEAL_RC_OK)
      return from_rc(rc, call);
    try {
      return std::unique_ptr<sdk::Component>(std::make_unique<Adapter>(api.value(), h));
    } catch (...) {
      api.value().destroy(h);
      throw;
    }
  } catch (const std::bad_alloc&) {
    return sdk::Status::error(sdk::Errc::out_of_memory, std::string("no memory for the ") + what);
  }
}

}  // namespace selfheal::components::rust
