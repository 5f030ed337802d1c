// SDK version constants. See README.md "Versioning": a major bump breaks source or binary
// compatibility (a plugin built against another major is refused); a minor bump only adds
// (a plugin built against an older minor of the same major loads; a newer minor is refused).
#pragma once

#define SELFHEAL_SDK_VERSION_MAJOR 1
#define SELFHEAL_SDK_VERSION_MINOR 5

// The C++ ABI a plugin was compiled with. A plugin whose tag differs from the host's is refused
// before any C++ symbol of it is touched: std::string and friends would not match.
#if defined(_GLIBCXX_USE_CXX11_ABI) && _GLIBCXX_USE_CXX11_ABI
#define SELFHEAL_CXX_ABI_TAG "libstdc++/cxx11"
#elif defined(__GLIBCXX__)
#define SELFHEAL_CXX_ABI_TAG "libstdc++/cxx98"
#elif defined(_LIBCPP_VERSION)
#define SELFHEAL_CXX_ABI_TAG "libc++"
#else
#define SELFHEAL_CXX_ABI_TAG "unknown"
#endif

namespace selfheal::sdk {
inline constexpr unsigned kApiMajor = SELFHEAL_SDK_VERSION_MAJOR;
inline constexpr unsigned kApiMinor = SELFHEAL_SDK_VERSION_MINOR;
inline constexpr const char* kCxxAbiTag = SELFHEAL_CXX_ABI_TAG;
}  // namespace selfheal::sdk
