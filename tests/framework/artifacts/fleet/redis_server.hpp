// A throw-away redis-server on a free loopback port, for the fleet tests: no persistence, its
// folder and log under the test's folder, stopped (SIGTERM, then SIGKILL) by stop() or the
// destructor.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "artifacts/fleet/redis_client.hpp"

extern char** environ;

namespace selfheal::testing {

class RedisServer {
 public:
  RedisServer() = default;
  ~RedisServer() { stop(); }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // The redis-server program, or an empty path when it is not installed.
  static std::filesystem::path program() {
    std::vector<std::filesystem::path> dirs;
    if (const char* path = std::getenv("PATH")) {
      std::string p = path;
      for (std::size_t start = 0, end; start <= p.size(); start = end + 1) {
        end = p.find(':', start);
        if (end == std::string::npos) end = p.size();
        dirs.emplace_back(p.substr(start, end - start));
      }
    }
    dirs.emplace_back("/usr/bin");
    dirs.emplace_back("/usr/sbin");
    for (const auto& d : dirs)
      if (!d.empty() && ::access((d / "redis-server").c_str(), X_OK) == 0) return d / "redis-server";
    return {};
  }

  // Starts the server in `dir` and waits (with a deadline) until it answers PING. Another
  // process may take the free port between the check and the server's bind: then it tries again.
  bool start(const std::filesystem::path& dir, std::string& why) {
    std::filesystem::create_directories(dir);
    for (int attempt = 0; attempt < 3; ++attempt) {
      port_ = free_port();
      if (port_ == 0) {
        why = "no free loopback port";
        return false;
      }
      if (!spawn(dir, why)) return false;
      if (wait_until_ready(std::chrono::seconds(15))) return true;
      stop();
      why = "redis-server did not answer PING on port " + std::to_string(port_) + " (log: " +
            (dir / "redis.log").string() + ")";
    }
    return false;
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      ::usleep(10000);  // polling the child's exit; the deadline bounds it
    }
    pid_ = -1;
  }

  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  RedisEndpoint endpoint() const {
    return RedisEndpoint{"127.0.0.1", port_, std::chrono::milliseconds(2000), ""};
  }

 private:
  static std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    std::uint16_t port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
  }

  bool spawn(const std::filesystem::path& dir, std::string& why) {
    const std::string prog = program().string();
    const std::string log = (dir / "redis.log").string();
    std::vector<std::string> args = {prog, "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                     "--save", "", "--appendonly", "no", "--daemonize", "no",
                                     "--dir", dir.string(), "--logfile", log};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    const int rc = ::posix_spawn(&pid_, prog.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = -1;
      why = "cannot start " + prog;
      return false;
    }
    return true;
  }

  bool wait_until_ready(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto endpoint = this->endpoint();
    endpoint.timeout = std::chrono::milliseconds(200);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: e.g. the port was taken
        pid_ = -1;
        return false;
      }
      RedisClient client(endpoint);
      auto pong = client.command({"PING"});
      if (pong.ok() && pong.value().text == "PONG") return true;
      ::usleep(20000);  // the polling interval; the deadline bounds the wait
    }
    return false;
  }

  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace selfheal::testing
