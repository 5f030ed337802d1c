#include "cpp_memory_pool.hpp"

SELFHEAL_COMPONENT_PLUGIN(selfheal::components::CppMemoryPoolImplementation, "memory_pool_cpp",
                          "1.0.0", "size-class memory pool, C++ implementation")
