#include "cpp_sliding_window.hpp"

SELFHEAL_COMPONENT_PLUGIN(selfheal::components::CppSlidingWindowImplementation,
                          "sliding_window_cpp", "1.0.0",
                          "duplicate-frame sliding window, C++ implementation")
