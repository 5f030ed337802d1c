// The C ABI (include/selfheal/selfheal.h) over the C++ runtime: every entry point catches
// everything, so no exception crosses it, and leaves its message in a per-thread slot.
#include "selfheal/selfheal.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "selfheal/runtime.hpp"

struct selfheal_runtime {
  std::shared_ptr<selfheal::Runtime> rt;
};
struct selfheal_bloom {
  selfheal::BloomFilter h;
};
struct selfheal_window {
  selfheal::SlidingWindow h;
};
struct selfheal_pool {
  selfheal::MemoryPool h;
};

namespace {

thread_local std::string last_error;

selfheal_status fail(selfheal_status status, std::string message) {
  last_error = std::move(message);
  return status;
}

selfheal_status status_of(const selfheal::Error& e, selfheal_status fallback) {
  using K = selfheal::Error::Kind;
  switch (e.kind()) {
    case K::manifest: return SELFHEAL_ERR_MANIFEST;
    case K::not_found: return SELFHEAL_ERR_NOT_FOUND;
    case K::component: return SELFHEAL_ERR_COMPONENT;
    case K::out_of_memory: return SELFHEAL_ERR_OUT_OF_MEMORY;
    case K::invalid_argument: return SELFHEAL_ERR_INVALID_ARGUMENT;
    case K::other: break;
  }
  return fallback;
}

// Runs `f`, turning every exception into a status and a message.
template <class F>
selfheal_status guarded(selfheal_status on_error, F&& f) noexcept {
  try {
    last_error.clear();
    return f();
  } catch (const selfheal::Error& e) {
    return fail(status_of(e, on_error), e.what());
  } catch (const std::bad_alloc&) {
    return fail(SELFHEAL_ERR_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    return fail(on_error, e.what());
  } catch (...) {
    return fail(SELFHEAL_ERR_INTERNAL, "unknown error");
  }
}

char* copy_string(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (!out) throw std::bad_alloc();
  std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

template <class Handle, class Get>
selfheal_status get_handle(selfheal_runtime* rt, const char* name, const char* fallback, Handle** out, Get get) {
  if (!rt || !out) return fail(SELFHEAL_ERR_INVALID_ARGUMENT, "null runtime or out pointer");
  return guarded(SELFHEAL_ERR_NOT_FOUND, [&] {
    *out = new Handle{get(*rt->rt, name ? name : fallback)};
    return SELFHEAL_OK;
  });
}

}  // namespace

extern "C" {

uint32_t selfheal_abi_version(void) { return SELFHEAL_ABI_VERSION; }

const char* selfheal_last_error(void) { return last_error.c_str(); }

selfheal_status selfheal_open(const char* manifest, selfheal_mode mode, uint32_t abi_version,
                              selfheal_runtime** out) {
  if (abi_version != SELFHEAL_ABI_VERSION)
    return fail(SELFHEAL_ERR_ABI, "the application was built for selfheal ABI " + std::to_string(abi_version) +
                                      "; this libselfheal provides ABI " + std::to_string(SELFHEAL_ABI_VERSION));
  if (!manifest || !out) return fail(SELFHEAL_ERR_INVALID_ARGUMENT, "null manifest or out pointer");
  if (mode != SELFHEAL_MODE_HEAL && mode != SELFHEAL_MODE_FOLLOW)
    return fail(SELFHEAL_ERR_INVALID_ARGUMENT, "unknown mode " + std::to_string(static_cast<int>(mode)));
  return guarded(SELFHEAL_ERR_MANIFEST, [&] {
    auto rt = selfheal::Runtime::open(
        {.manifest = manifest, .mode = mode == SELFHEAL_MODE_HEAL ? selfheal::Mode::heal : selfheal::Mode::follow});
    *out = new selfheal_runtime{std::move(rt)};
    return SELFHEAL_OK;
  });
}

void selfheal_close(selfheal_runtime* rt) { delete rt; }

selfheal_status selfheal_status_json(selfheal_runtime* rt, char** out) {
  if (!rt || !out) return fail(SELFHEAL_ERR_INVALID_ARGUMENT, "null runtime or out pointer");
  return guarded(SELFHEAL_ERR_INTERNAL, [&] {
    *out = copy_string(rt->rt->status().to_json());
    return SELFHEAL_OK;
  });
}

void selfheal_free_string(char* s) { std::free(s); }

selfheal_status selfheal_on_change(selfheal_runtime* rt, selfheal_change_fn fn, void* user) {
  if (!rt || !fn) return fail(SELFHEAL_ERR_INVALID_ARGUMENT, "null runtime or callback");
  return guarded(SELFHEAL_ERR_INTERNAL, [&] {
    rt->rt->on_change([fn, user](const selfheal::Change& c) { fn(c.component.c_str(), c.change.c_str(), user); });
    return SELFHEAL_OK;
  });
}

selfheal_status selfheal_serve_http(selfheal_runtime* rt, const char* listen, char** address) {
  if (!rt) return fail(SELFHEAL_ERR_INVALID_ARGUMENT, "null runtime");
  return guarded(SELFHEAL_ERR_INVALID_ARGUMENT, [&] {
    auto where = rt->rt->serve_http(listen ? listen : "127.0.0.1:0");
    if (address) *address = copy_string(where);
    return SELFHEAL_OK;
  });
}

selfheal_status selfheal_bloom_get(selfheal_runtime* rt, const char* name, selfheal_bloom** out) {
  return get_handle(rt, name, "bloom_filter", out, [](selfheal::Runtime& r, const char* n) { return r.bloom_filter(n); });
}
void selfheal_bloom_free(selfheal_bloom* b) { delete b; }

selfheal_status selfheal_bloom_insert(selfheal_bloom* b, const void* key, size_t len, int* was_new) {
  if (!b || (!key && len)) return fail(SELFHEAL_ERR_INVALID_ARGUMENT, "null filter or key");
  return guarded(SELFHEAL_ERR_COMPONENT, [&] {
    const bool added = b->h.insert(std::string_view(static_cast<const char*>(key), len));
    if (was_new) *was_new = added;
    return SELFHEAL_OK;
  });
}

selfheal_status selfheal_bloom_contains(selfheal_bloom* b, const void* key, size_t len, int* found) {
  if (!b || !found || (!key && len)) return fail(SELFHEAL_ERR_INVALID_ARGUMENT, "null filter, key or result");
  return guarded(SELFHEAL_ERR_COMPONENT, [&] {
    *found = b->h.contains(std::string_view(static_cast<const char*>(key), len));
    return SELFHEAL_OK;
  });
}

selfheal_status selfheal_window_get(selfheal_runtime* rt, const char* name, selfheal_window** out) {
  return get_handle(rt, name, "sliding_window", out, [](selfheal::Runtime& r, const char* n) { return r.sliding_window(n); });
}
void selfheal_window_free(selfheal_window* w) { delete w; }

selfheal_status selfheal_window_add_frame(selfheal_window* w, const uint8_t* pixels, size_t len, uint32_t width,
                                          uint32_t height, uint32_t channels, int64_t timestamp_us,
                                          selfheal_frame_result* out) {
  if (!w || !pixels || !out) return fail(SELFHEAL_ERR_INVALID_ARGUMENT, "null window, pixels or result");
  if (channels == 0 || static_cast<std::uint64_t>(width) * height * channels != len)
    return fail(SELFHEAL_ERR_INVALID_ARGUMENT, "len " + std::to_string(len) + " is not width*height*channels (" +
                                                   std::to_string(width) + "*" + std::to_string(height) + "*" +
                                                   std::to_string(channels) + ")");
  return guarded(SELFHEAL_ERR_COMPONENT, [&] {
    const auto r = w->h.add_frame({{pixels, len}, width, height, channels, timestamp_us});
    *out = selfheal_frame_result{r.is_duplicate ? 1 : 0, r.confidence, r.frame_hash, r.window_size};
    return SELFHEAL_OK;
  });
}

selfheal_status selfheal_pool_get(selfheal_runtime* rt, const char* name, selfheal_pool** out) {
  return get_handle(rt, name, "memory_pool", out, [](selfheal::Runtime& r, const char* n) { return r.memory_pool(n); });
}
void selfheal_pool_free(selfheal_pool* p) { delete p; }

selfheal_status selfheal_pool_allocate(selfheal_pool* p, size_t bytes, selfheal_buffer* out) {
  if (!p || !out) return fail(SELFHEAL_ERR_INVALID_ARGUMENT, "null pool or buffer");
  return guarded(SELFHEAL_ERR_INTERNAL, [&] {
    const auto b = p->h.allocate(bytes);
    *out = selfheal_buffer{b.data, b.size, b.id};
    return SELFHEAL_OK;
  });
}

selfheal_status selfheal_pool_release(selfheal_pool* p, const selfheal_buffer* buffer) {
  if (!p || !buffer) return fail(SELFHEAL_ERR_INVALID_ARGUMENT, "null pool or buffer");
  return guarded(SELFHEAL_ERR_INVALID_ARGUMENT, [&] {
    p->h.release({buffer->data, buffer->size, buffer->id});
    return SELFHEAL_OK;
  });
}

}  // extern "C"
