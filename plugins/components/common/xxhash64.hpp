// XXH64 (Yann Collet's xxHash, 64-bit), the hash every component implementation uses so that
// the C++ and Rust sides compute identical hashes and state. The C++ side calls Debian's
// libxxhash (xxhash.h); rust-core/src/xxhash64.rs is the same algorithm, and tests/components
// check both against the reference vectors.
#pragma once

#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

namespace selfheal::components {

inline std::uint64_t xxhash64(const void* data, std::size_t len, std::uint64_t seed = 0) {
  return XXH64(data, len, seed);
}

// Streaming XXH64: digest() equals xxhash64() of everything passed to update(), in order.
// The state is libxxhash's opaque XXH64_state_t from XXH64_createState(): its layout is only
// public under XXH_STATIC_LINKING_ONLY, which xxhash.h forbids with a shared libxxhash.
class Xxh64Stream {
 public:
  explicit Xxh64Stream(std::uint64_t seed = 0) : state_(XXH64_createState()) {
    if (!state_) throw std::bad_alloc();
    XXH64_reset(state_.get(), seed);  // cannot fail on a created state
  }

  void update(const void* data, std::size_t len) {
    if (len == 0) return;  // XXH64_update refuses a null pointer even with length 0
    XXH64_update(state_.get(), data, len);
  }

  std::uint64_t digest() const { return XXH64_digest(state_.get()); }

 private:
  struct FreeState {
    void operator()(XXH64_state_t* s) const { XXH64_freeState(s); }
  };
  std::unique_ptr<XXH64_state_t, FreeState> state_;
};

}  // namespace selfheal::components
