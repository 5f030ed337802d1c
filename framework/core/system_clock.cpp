#include "core/system_clock.hpp"

namespace selfheal {

std::chrono::system_clock::time_point SystemClock::wall_now() const {
  return std::chrono::system_clock::now();
}
std::chrono::steady_clock::time_point SystemClock::now() const {
  return std::chrono::steady_clock::now();
}
bool SystemClock::sleep_for(std::chrono::steady_clock::duration d,
                            const sdk::CancellationToken& cancel) const {
  return cancel.wait_for(d);
}

}  // namespace selfheal
