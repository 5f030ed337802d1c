// systemd's readiness protocol without libsystemd: a datagram with "READY=1", "WATCHDOG=1",
// "STOPPING=1" or "STATUS=..." to the unix socket named by $NOTIFY_SOCKET (a path, or an
// abstract name starting with '@'). Does nothing when the variable is unset. MT safe.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace selfheal::http {

// True when the message was sent; false when there is no socket or sending failed.
bool sd_notify(std::string_view state);

// The watchdog interval systemd expects pings within ($WATCHDOG_USEC, when $WATCHDOG_PID is
// unset or is this process), or nullopt when no watchdog is configured.
std::optional<std::chrono::microseconds> sd_watchdog_interval();

}  // namespace selfheal::http
