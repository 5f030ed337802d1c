#include "rust_memory_pool.hpp"

SELFHEAL_COMPONENT_PLUGIN(selfheal::components::RustMemoryPoolImplementation, "memory_pool_rust",
                          "1.0.0", "size-class memory pool, Rust implementation (rust-core)")
