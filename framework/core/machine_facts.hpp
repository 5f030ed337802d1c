// What the machine has now, read from the kernel: free disk space and available memory. The
// host's real Env (SystemHostEnv) and the healer's resource samples read them here; plugins ask
// their sdk::Context. nullopt when the kernel does not say.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

namespace selfheal {

// MemAvailable from /proc/meminfo, in bytes (the kernel's estimate of what can be allocated
// without swapping, page cache included; MemFree would undercount it).
std::optional<std::uint64_t> mem_available_bytes();

// statvfs of `path`, or of its nearest existing ancestor (a target dir may not exist yet): the
// bytes an unprivileged writer may still use (f_bavail, not f_bfree: root's reserve is not ours).
std::optional<std::uint64_t> free_bytes_on(const std::filesystem::path& path);

}  // namespace selfheal
