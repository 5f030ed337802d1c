// What a strategy did. `success` means the strategy's own steps succeeded; the host counts a fix
// as a success only when a fresh diagnosis afterwards is healthy.
#pragma once

#include <string>
#include <vector>

#include "selfheal/sdk/value.hpp"

namespace selfheal::sdk {

struct FixResult {
  bool success = false;
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
  static FixResult failed(std::string error) {
    FixResult r;
    r.error = std::move(error);
    return r;
  }
};

}  // namespace selfheal::sdk
