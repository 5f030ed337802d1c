#include "rust_bloom_filter.hpp"

SELFHEAL_COMPONENT_PLUGIN(selfheal::components::RustBloomFilterImplementation, "bloom_filter_rust",
                          "1.0.0", "split-block Bloom filter, Rust implementation (rust-core)")
