// Errors as values at the plugin boundary (no exception crosses a .so). A small stand-in for
// C++23 std::expected.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace selfheal::sdk {

enum class Errc {
  ok = 0,
  invalid_argument,
  out_of_memory,   // a pool's memory limit, or allocation failure
  unavailable,     // the implementation cannot serve (e.g. its library is gone)
  corrupt_state,   // an imported state blob failed validation
  internal,        // a bug or a caught panic in the implementation
  not_found,       // since 1.1: nothing to act on (e.g. no cached artifact)
};

struct Status {
  Errc code = Errc::ok;
  std::string message;

  static Status success() { return {}; }
  static Status error(Errc c, std::string m) { return {c, std::move(m)}; }
  bool ok() const { return code == Errc::ok; }
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Status error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T value_or(T fallback) const { return ok() ? std::get<0>(v_) : std::move(fallback); }
  const Status& status() const {
    static const Status okay;
    return ok() ? okay : std::get<1>(v_);
  }

 private:
  std::variant<T, Status> v_;
};

}  // namespace selfheal::sdk
