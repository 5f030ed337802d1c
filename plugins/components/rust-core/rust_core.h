/* The C ABI of the selfheal rust-core crate. Every function catches panics and returns an error
 * code instead of unwinding into C. Bump SELFHEAL_RUST_CORE_ABI_VERSION (here and in src/lib.rs)
 * whenever a signature or a state format changes: the host refuses artifacts whose
 * selfheal_abi_version() differs from what its adapters expect. */
#ifndef SELFHEAL_RUST_CORE_H
#define SELFHEAL_RUST_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SELFHEAL_RUST_CORE_ABI_VERSION 1u

/* Error codes returned by every fallible function. */
enum selfheal_rc {
  SELFHEAL_RC_OK = 0,
  SELFHEAL_RC_INVALID_ARGUMENT = 1,
  SELFHEAL_RC_OUT_OF_MEMORY = 2,
  SELFHEAL_RC_CORRUPT_STATE = 3,
  SELFHEAL_RC_BUFFER_TOO_SMALL = 4,
  SELFHEAL_RC_SELF_TEST_FAILED = 5,
  SELFHEAL_RC_PANIC = 100
};

uint32_t selfheal_abi_version(void);
/* Writes "crate_version=...\nrustc_version=...\nabi_version=...\n" (NUL-terminated) into buf.
 * Returns SELFHEAL_RC_BUFFER_TOO_SMALL and the needed size in *needed when it does not fit. */
int32_t selfheal_build_info(char* buf, size_t len, size_t* needed);
/* A quick self-test of the hash and every component; SELFHEAL_RC_OK when all pass. */
int32_t selfheal_self_test(void);

/* Conventions for the component functions below:
 * - Handles are opaque; *_new writes one into *out, *_free destroys it (null is accepted).
 * - Every function returns an rc; results go through out pointers.
 * - *_export follows the selfheal_build_info protocol: *needed = state size; with len smaller
 *   it returns SELFHEAL_RC_BUFFER_TOO_SMALL (call with buf NULL, len 0 to learn the size).
 * - *_import returns SELFHEAL_RC_CORRUPT_STATE for a blob that fails validation and then leaves
 *   the instance unchanged.
 * - The algorithms and state formats are defined in ../common/split_block_bloom.hpp,
 *   ../common/sliding_window_algorithm.hpp and ../memory-pool-cpp/memory_pool_core.hpp; the C++
 *   implementations produce byte-identical state for the same operations.
 * Threading: every call may run concurrently with the others on the same handle, except *_free,
 * and selfheal_bloom_import (which replaces the filter: callers paused). */

/* Bloom filter (split-block). */
typedef struct selfheal_bloom selfheal_bloom_t;
int32_t selfheal_bloom_new(uint64_t expected_items, double fpr, selfheal_bloom_t** out);
/* *fresh (may be NULL) = 1 when the key was (probably) new. */
int32_t selfheal_bloom_insert(const selfheal_bloom_t* h, const uint8_t* key, size_t len,
                              uint8_t* fresh);
int32_t selfheal_bloom_contains(const selfheal_bloom_t* h, const uint8_t* key, size_t len,
                                uint8_t* found);
int32_t selfheal_bloom_clear(const selfheal_bloom_t* h);
int32_t selfheal_bloom_item_count(const selfheal_bloom_t* h, uint64_t* out);
int32_t selfheal_bloom_saturation(const selfheal_bloom_t* h, double* out);
int32_t selfheal_bloom_estimated_fpr(const selfheal_bloom_t* h, double* out);
int32_t selfheal_bloom_export(const selfheal_bloom_t* h, uint8_t* buf, size_t len, size_t* needed);
int32_t selfheal_bloom_import(selfheal_bloom_t* h, const uint8_t* buf, size_t len);
/* Optional (an adapter that does not find it exports instead): the bytes selfheal_bloom_export
 * would write, lent from the filter's memory in *data, *len (0 where it cannot lend them), valid
 * until the next call on h. Callers paused, as for import: it writes the state's header. */
int32_t selfheal_bloom_state_view(const selfheal_bloom_t* h, const uint8_t** data, size_t* len);
int32_t selfheal_bloom_free(selfheal_bloom_t* h);

/* Sliding window (duplicate detection over the last `capacity` frames). */
typedef struct selfheal_window selfheal_window_t;
typedef struct selfheal_frame_analysis_s {
  uint64_t frame_hash;
  double confidence;
  uint32_t window_size;
  uint32_t is_duplicate; /* 0 or 1 */
} selfheal_frame_analysis_t;
typedef struct selfheal_window_stats_s {
  uint64_t frames_seen;
  uint64_t duplicates;
  uint32_t window_size;
  uint32_t capacity;
} selfheal_window_stats_t;
/* capacity 1..65536, threshold 0..1; otherwise SELFHEAL_RC_INVALID_ARGUMENT. */
int32_t selfheal_window_new(uint32_t capacity, double threshold, selfheal_window_t** out);
/* SELFHEAL_RC_INVALID_ARGUMENT for a zero size, channels outside 1..4, or len != w*h*channels. */
int32_t selfheal_window_add_frame(const selfheal_window_t* h, const uint8_t* pixels, size_t len,
                                  uint32_t width, uint32_t height, uint32_t channels,
                                  int64_t timestamp_us, selfheal_frame_analysis_t* out);
int32_t selfheal_window_stats(const selfheal_window_t* h, selfheal_window_stats_t* out);
int32_t selfheal_window_clear(const selfheal_window_t* h);
int32_t selfheal_window_export(const selfheal_window_t* h, uint8_t* buf, size_t len,
                               size_t* needed);
int32_t selfheal_window_import(const selfheal_window_t* h, const uint8_t* buf, size_t len);
int32_t selfheal_window_free(selfheal_window_t* h);

/* Memory pool (power-of-two size classes from 64 bytes to max_class, under a memory limit).
 * Buffer memory is allocated by Rust and owned by the pool until released to it;
 * selfheal_pool_free frees every buffer the pool made. */
typedef struct selfheal_pool selfheal_pool_t;
typedef struct selfheal_pool_class_stats_s {
  uint64_t buffer_size;
  uint64_t available;
  uint64_t capacity;
  uint64_t high_water;
} selfheal_pool_class_stats_t;
typedef struct selfheal_pool_totals_s {
  uint64_t bytes_in_use;
  uint64_t bytes_reserved;
  uint64_t memory_limit;
} selfheal_pool_totals_t;
typedef struct selfheal_pool_outstanding_s {
  uint64_t id;
  uint64_t size;
  uint64_t age_ms;
} selfheal_pool_outstanding_t;
/* max_class a power of two in 64..2^30, memory_limit > 0; otherwise INVALID_ARGUMENT. */
int32_t selfheal_pool_new(uint64_t max_class, uint64_t memory_limit, selfheal_pool_t** out);
/* INVALID_ARGUMENT for bytes > max_class; OUT_OF_MEMORY past the memory limit. */
int32_t selfheal_pool_allocate(const selfheal_pool_t* h, size_t bytes, void** data, size_t* size,
                               uint64_t* id);
/* INVALID_ARGUMENT for a buffer this pool did not hand out or already took back. */
int32_t selfheal_pool_release(const selfheal_pool_t* h, void* data, size_t size, uint64_t id);
/* *num_classes = the class count; BUFFER_TOO_SMALL when max_classes is smaller. totals may be
 * NULL. */
int32_t selfheal_pool_stats(const selfheal_pool_t* h, selfheal_pool_class_stats_t* classes,
                            size_t max_classes, size_t* num_classes, selfheal_pool_totals_t* totals);
/* Buffers outstanding for at least min_age_ms, by id; *needed = their count, BUFFER_TOO_SMALL
 * when cap is smaller (the count may change between calls: retry). */
int32_t selfheal_pool_outstanding(const selfheal_pool_t* h, uint64_t min_age_ms,
                                  selfheal_pool_outstanding_t* out, size_t cap, size_t* needed);
int32_t selfheal_pool_trim(const selfheal_pool_t* h, uint64_t* freed);
int32_t selfheal_pool_export(const selfheal_pool_t* h, uint8_t* buf, size_t len, size_t* needed);
/* Also INVALID_ARGUMENT for state with another max_class, OUT_OF_MEMORY when the imported
 * capacity cannot be reserved. */
int32_t selfheal_pool_import(const selfheal_pool_t* h, const uint8_t* buf, size_t len);
int32_t selfheal_pool_free(selfheal_pool_t* h);

#ifdef __cplusplus
}
#endif
#endif
