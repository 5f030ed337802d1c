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
  SELFHEAL_RC_PANIC = 100
};

uint32_t selfheal_abi_version(void);
/* Writes "crate_version=...\nrustc_version=...\nabi_version=...\n" (NUL-terminated) into buf.
 * Returns SELFHEAL_RC_BUFFER_TOO_SMALL and the needed size in *needed when it does not fit. */
int32_t selfheal_build_info(char* buf, size_t len, size_t* needed);
/* A quick self-test of every component; SELFHEAL_RC_OK when all pass. */
int32_t selfheal_self_test(void);

#ifdef __cplusplus
}
#endif
#endif
