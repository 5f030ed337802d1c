// A real `selfheal serve` child process for the end-to-end tests: started with fork/exec, its
// stderr read line by line on a thread, the port read from its "listening on HOST:PORT" line.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace selfheal::testing {

class ServeProcess {
 public:
  // Starts `selfheal serve --config <manifest> --listen 127.0.0.1:0` with `env` added to the
  // environment.
  ServeProcess(const std::string& manifest, std::map<std::string, std::string> env = {},
               std::vector<std::string> extra_args = {}) {
    std::vector<std::string> args = {std::string(SELFHEAL_BINARY_DIR) + "/bin/selfheal", "serve",
                                     "--config", manifest};
    if (extra_args.empty()) extra_args = {"--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<std::string> environment;
    for (char** e = environ; *e; ++e) {
      std::string kv = *e;
      if (env.count(kv.substr(0, kv.find('=')))) continue;
      environment.push_back(kv);
    }
    for (const auto& [k, v] : env) environment.push_back(k + "=" + v);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : environment) envp.push_back(e.data());
    envp.push_back(nullptr);

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(fds[1], 2);
      int devnull = ::open("/dev/null", O_RDWR);
      ::dup2(devnull, 0);
      ::dup2(devnull, 1);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    read_fd_ = fds[0];
    reader_ = std::thread([this] { read_lines(); });
  }

  ~ServeProcess() {
    if (running()) {
      ::kill(pid_, SIGTERM);
      if (!wait_exit(std::chrono::seconds(20))) {
        ::kill(pid_, SIGKILL);
        wait_exit(std::chrono::seconds(10));
      }
    }
    stop_reading_ = true;  // grandchildren may still hold the pipe open
    if (reader_.joinable()) reader_.join();
    ::close(read_fd_);
  }

  pid_t pid() const { return pid_; }

  // The port from the "listening on 127.0.0.1:PORT" line; 0 when it did not come in time.
  int port(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    static const std::regex re(R"(listening on 127\.0\.0\.1:(\d+))");
    std::smatch m;
    auto line = wait_for_line([&](const std::string& l) { return std::regex_search(l, m, re); }, timeout);
    if (!line) return 0;
    std::regex_search(*line, m, re);
    return std::stoi(m[1].str());
  }

  // The first stderr line (past or future) matching `predicate`.
  std::optional<std::string> wait_for_line(const std::function<bool(const std::string&)>& predicate,
                                           std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    std::size_t seen = 0;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      for (; seen < lines_.size(); ++seen)
        if (predicate(lines_[seen])) return lines_[seen];
      if (eof_) return std::nullopt;
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && seen == lines_.size())
        return std::nullopt;
    }
  }
  bool saw(const std::string& needle, std::chrono::milliseconds timeout = std::chrono::seconds(0)) {
    return wait_for_line([&](const std::string& l) { return l.find(needle) != std::string::npos; },
                         timeout).has_value();
  }
  std::string log() {
    std::lock_guard lock(mutex_);
    std::string all;
    for (const auto& l : lines_) all += l + "\n";
    return all;
  }

  void signal(int sig) { ::kill(pid_, sig); }
  bool running() { return !exit_status_ && !reap(); }

  // The exit code (or 128 + signal) once the process ended within `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!exit_status_ && !reap()) {
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      ::poll(nullptr, 0, 10);
    }
    return exit_status_;
  }

 private:
  bool reap() {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
  }

  void read_lines() {
    std::string partial;
    char buf[4096];
    for (;;) {
      pollfd pfd{read_fd_, POLLIN, 0};
      const int ready = ::poll(&pfd, 1, 50);
      if (ready == 0 || (ready < 0 && errno == EINTR)) {
        if (stop_reading_) break;
        continue;
      }
      const ssize_t n = ::read(read_fd_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      partial.append(buf, static_cast<std::size_t>(n));
      std::size_t nl;
      std::lock_guard lock(mutex_);
      while ((nl = partial.find('\n')) != std::string::npos) {
        lines_.push_back(partial.substr(0, nl));
        partial.erase(0, nl + 1);
      }
      cv_.notify_all();
    }
    std::lock_guard lock(mutex_);
    if (!partial.empty()) lines_.push_back(partial);
    eof_ = true;
    cv_.notify_all();
  }

  pid_t pid_ = -1;
  int read_fd_ = -1;
  std::optional<int> exit_status_;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  bool eof_ = false;
  std::atomic<bool> stop_reading_{false};
};

}  // namespace selfheal::testing
