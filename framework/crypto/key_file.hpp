// Reading a key file as OpenSSH reads its own: a regular file (symlinks followed), of bounded
// size; a private key readable by its owner only, a trusted public key (or its folder) writable by
// its owner only, since whoever can write it chooses what this host trusts.
#pragma once

#include <filesystem>
#include <string>

#include "selfheal/sdk/result.hpp"

namespace selfheal {

enum class KeyFileKind { private_key, public_key };

// The file's bytes, or why it cannot be used (the message names the path and the cause).
sdk::Result<std::string> read_key_file(const std::filesystem::path& file, KeyFileKind kind);

// The mode bits that make `kind` unsafe, as "0644"-style text when set; empty when safe.
std::string unsafe_mode(unsigned mode, KeyFileKind kind);

}  // namespace selfheal
