/* The selfheal runtime's C ABI (libselfheal.so): the components an application uses, each
 * served by its C++ implementation at once and by Rust when the Rust artifact is usable,
 * switched at run time with the state carried across (see <selfheal/runtime.hpp> and
 * docs/embedding.md).
 *
 * Rules: handles are opaque; every call returns a selfheal_status, and on failure
 * selfheal_last_error() says why (per thread); no exception or Rust panic crosses this ABI;
 * every function is thread-safe. A component handle keeps its runtime alive: selfheal_close()
 * and the *_free() functions may come in any order.
 *
 *   selfheal_runtime* rt;
 *   if (selfheal_open("/etc/selfheal/plugins.yaml", SELFHEAL_MODE_FOLLOW, SELFHEAL_ABI_VERSION, &rt))
 *     fprintf(stderr, "%s\n", selfheal_last_error());
 */
#ifndef SELFHEAL_SELFHEAL_H
#define SELFHEAL_SELFHEAL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SELFHEAL_C_API __attribute__((visibility("default")))

/* The ABI this header describes. selfheal_open() refuses another one. */
#define SELFHEAL_ABI_VERSION 1u

typedef enum selfheal_status {
  SELFHEAL_OK = 0,
  SELFHEAL_ERR_INVALID_ARGUMENT = 1, /* a null pointer, a bad name or size */
  SELFHEAL_ERR_MANIFEST = 2,         /* the manifest is unreadable or invalid (file:line:column) */
  SELFHEAL_ERR_NOT_FOUND = 3,        /* no component of that name and kind */
  SELFHEAL_ERR_ABI = 4,              /* the application was built for another ABI version */
  SELFHEAL_ERR_COMPONENT = 5,        /* the implementation failed the call */
  SELFHEAL_ERR_OUT_OF_MEMORY = 6,    /* a pool's memory limit */
  SELFHEAL_ERR_INTERNAL = 7
} selfheal_status;

typedef enum selfheal_mode {
  SELFHEAL_MODE_HEAL = 0,   /* heal in this process (diagnose, fix with cargo, switch) */
  SELFHEAL_MODE_FOLLOW = 1  /* follow a `selfheal serve` daemon on the same state folder */
} selfheal_mode;

typedef struct selfheal_runtime selfheal_runtime;
typedef struct selfheal_bloom selfheal_bloom;
typedef struct selfheal_window selfheal_window;
typedef struct selfheal_pool selfheal_pool;

/* The library's ABI version (SELFHEAL_ABI_VERSION of the header it was built with). */
SELFHEAL_C_API uint32_t selfheal_abi_version(void);
/* Why this thread's last failed call failed ("" when none did). Valid until its next call. */
SELFHEAL_C_API const char* selfheal_last_error(void);

/* Opens a runtime on `manifest`; `abi_version` is SELFHEAL_ABI_VERSION. */
SELFHEAL_C_API selfheal_status selfheal_open(const char* manifest, selfheal_mode mode,
                                             uint32_t abi_version, selfheal_runtime** out);
SELFHEAL_C_API void selfheal_close(selfheal_runtime* rt);

/* Status as JSON text (Status::to_json's shape); free it with selfheal_free_string(). */
SELFHEAL_C_API selfheal_status selfheal_status_json(selfheal_runtime* rt, char** out);
SELFHEAL_C_API void selfheal_free_string(char* s);

/* Called on the runtime's thread after each switch: `change` is "upgraded_to_rust",
 * "fell_back_to_cpp" or "switched_to_<impl>". Keep it short. */
typedef void (*selfheal_change_fn)(const char* component, const char* change, void* user);
SELFHEAL_C_API selfheal_status selfheal_on_change(selfheal_runtime* rt, selfheal_change_fn fn, void* user);

/* Heal mode: serves the HTTP API on `listen` ("127.0.0.1:0"); `*address` gets "host:port"
 * (free it with selfheal_free_string()); may be null. */
SELFHEAL_C_API selfheal_status selfheal_serve_http(selfheal_runtime* rt, const char* listen, char** address);

/* Component handles; `name` null means the kind's default name ("bloom_filter", ...). */
SELFHEAL_C_API selfheal_status selfheal_bloom_get(selfheal_runtime* rt, const char* name, selfheal_bloom** out);
SELFHEAL_C_API void selfheal_bloom_free(selfheal_bloom* b);
/* `*was_new` (may be null): 1 when the key was (probably) not in the filter before. */
SELFHEAL_C_API selfheal_status selfheal_bloom_insert(selfheal_bloom* b, const void* key, size_t len, int* was_new);
SELFHEAL_C_API selfheal_status selfheal_bloom_contains(selfheal_bloom* b, const void* key, size_t len, int* found);

typedef struct selfheal_frame_result {
  int is_duplicate;
  double confidence; /* similarity to the closest frame in the window, 0..1 */
  uint64_t frame_hash;
  uint32_t window_size;
} selfheal_frame_result;

SELFHEAL_C_API selfheal_status selfheal_window_get(selfheal_runtime* rt, const char* name, selfheal_window** out);
SELFHEAL_C_API void selfheal_window_free(selfheal_window* w);
/* `pixels`: `len` bytes, row-major, `channels` bytes per pixel (len == width*height*channels). */
SELFHEAL_C_API selfheal_status selfheal_window_add_frame(selfheal_window* w, const uint8_t* pixels, size_t len,
                                                         uint32_t width, uint32_t height, uint32_t channels,
                                                         int64_t timestamp_us, selfheal_frame_result* out);

typedef struct selfheal_buffer {
  void* data;
  size_t size; /* >= what was asked */
  uint64_t id;
} selfheal_buffer;

SELFHEAL_C_API selfheal_status selfheal_pool_get(selfheal_runtime* rt, const char* name, selfheal_pool** out);
SELFHEAL_C_API void selfheal_pool_free(selfheal_pool* p);
SELFHEAL_C_API selfheal_status selfheal_pool_allocate(selfheal_pool* p, size_t bytes, selfheal_buffer* out);
SELFHEAL_C_API selfheal_status selfheal_pool_release(selfheal_pool* p, const selfheal_buffer* buffer);

#ifdef __cplusplus
}
#endif

#endif /* SELFHEAL_SELFHEAL_H */
