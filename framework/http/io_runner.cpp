#include "http/io_runner.hpp"

#include <exception>

namespace selfheal::http {

std::size_t run_contained(boost::asio::io_context& io, const HandlerErrorReport& report) {
  std::size_t contained = 0;
  while (true) {
    try {
      io.run();
      return contained;
    } catch (const std::exception& e) {
      ++contained;
      if (report) report(e.what());
    } catch (...) {
      ++contained;
      if (report) report("unknown exception");
    }
  }
}

}  // namespace selfheal::http
