#include "process/spawn.hpp"

#include <cstring>
#include <span>
#include <utility>

#include "process/allocation_free_launcher.hpp"
#include "process/cloexec_pipe.hpp"

namespace selfheal::process {

SpawnedChild spawn_child(boost::asio::io_context& io, const SpawnRequest& request) {
  SpawnedChild child{boost::process::v2::process(io.get_executor()), {}, {}, {}, {}};
  UniqueFd out_write;
  UniqueFd err_write;
  int error = make_cloexec_pipe(child.out, out_write);
  if (error == 0) error = make_cloexec_pipe(child.err, err_write);
  if (error != 0) {
    child.error = std::string("pipe: ") + std::strerror(error);
    return child;
  }
  AllocationFreeLauncher launch({.stdout_fd = out_write.get(),
                                 .stderr_fd = err_write.get(),
                                 .environment = request.environment,
                                 .working_directory = request.working_directory,
                                 .argv0 = request.argv.empty() ? std::string() : request.argv[0],
                                 .nice = request.nice});
  const auto args = std::span(request.argv).subspan(request.argv.empty() ? 0 : 1);
  boost::process::v2::error_code ec;
  child.process = launch(io.get_executor(), ec, request.executable.native(), args);
  if (ec) {
    child.error = "cannot start " + request.executable.string() + ": " + ec.message();
    child.out.reset();
    child.err.reset();
    return child;
  }
  child.pidfd = launch.take_pidfd();
  return child;  // the write ends close here: only the child holds them now
}

}  // namespace selfheal::process
