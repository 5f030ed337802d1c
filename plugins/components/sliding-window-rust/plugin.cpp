#include "rust_sliding_window.hpp"

SELFHEAL_COMPONENT_PLUGIN(selfheal::components::RustSlidingWindowImplementation,
                          "sliding_window_rust", "1.0.0",
                          "duplicate-frame sliding window, Rust implementation (rust-core)")
