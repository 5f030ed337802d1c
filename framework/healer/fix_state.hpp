// Where a fix is in its lifecycle. Strings (to_string) are what the JSON API shows.
#pragma once

namespace selfheal {

enum class FixState {
  waiting,     // for another process's fix of the crate (the cross-process lock)
  diagnosing,  // the diagnosis the chain is chosen from
  running,     // a strategy runs
  verifying,   // the fresh diagnosis after a strategy
  succeeded,   // done: a fresh diagnosis was healthy
  failed,      // done: anything else (not fixable, a strategy failed, cancelled, ...)
};

constexpr const char* to_string(FixState state) {
  switch (state) {
    case FixState::waiting: return "waiting";
    case FixState::diagnosing: return "diagnosing";
    case FixState::running: return "running";
    case FixState::verifying: return "verifying";
    case FixState::succeeded: return "succeeded";
    case FixState::failed: return "failed";
  }
  return "unknown";
}

constexpr bool is_done(FixState state) {
  return state == FixState::succeeded || state == FixState::failed;
}

}  // namespace selfheal
