#include "cpp_bloom_filter.hpp"

SELFHEAL_COMPONENT_PLUGIN(selfheal::components::CppBloomFilterImplementation, "bloom_filter_cpp",
                          "1.0.0", "split-block Bloom filter, C++ implementation")
