// Runs an I/O context on the calling thread until it is stopped. An exception that escapes a
// completion handler (Asio lets it out of run()) is reported and running goes on: the operation
// it came from is already unwound and its connection closed with it, so one bad request never
// ends the process (Asio's documented pattern: catch around run() and call it again).
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <functional>
#include <string_view>

namespace selfheal::http {

using HandlerErrorReport = std::function<void(std::string_view what)>;

// Returns how many exceptions were contained.
std::size_t run_contained(boost::asio::io_context& io, const HandlerErrorReport& report);

}  // namespace selfheal::http
