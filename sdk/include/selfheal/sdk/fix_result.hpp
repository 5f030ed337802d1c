// What a strategy did. `success` means the strategy's own steps succeeded; the host counts a fix
// as a success only when a fresh diagnosis afterwards is healthy.
#pragma once

#include <string>
#include <vector>

#include "selfheal/sdk/value.hpp"

namespace selfheal::sdk {

struct FixResult {
  bool success = false;
  // Since SDK 1.2: the strategy had nothing to act on (restore_from_cache with an empty store).
  // Not an attempt: the host records no history row and goes on with the chain. Placed in the
  // padding after `success`, so the struct's size and offsets are those of SDK 1.1; the host
  // reads it only from plugins built against 1.2 or newer.
  bool skipped = false;
  std::string message;  // what was done, one line
  std::string error;    // why it failed; empty on success
  Value details = Value::map();
  std::vector<std::string> log_tail;  // last lines of the commands it ran

  static FixResult ok(std::string message) {
    FixResult r;
    r.success = true;
    r.message = std::move(message);
    return r;
  }
  // Nothing to act on; `why` says so (e.g. "nothing to restore: ...").
  static FixResult skip(std::string why) {
    FixResult r;
    r.skipped = true;
    r.error = std::move(why);
    return r;
  }
  static FixResult failed(std::string error) {
    FixResult r;
    r.error = std::move(error);
    return r;
  }
};

}  // namespace selfheal::sdk
