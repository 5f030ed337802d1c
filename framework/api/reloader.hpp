// Re-reads the manifest file and applies it whole: the new Host is built first (plugins loaded,
// history opened) while the old one keeps serving; then they are swapped, the old one is
// stopped (its running fix cancelled) and the new one started. On any error nothing changes and
// the errors are returned ("file:line:col: key: message"). One reload at a time; MT safe.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/host_holder.hpp"

namespace selfheal::http {

struct ReloadResult {
  bool success = false;
  bool busy = false;                // another reload was running
  std::vector<std::string> errors;  // manifest errors, or why the new host could not start
  std::string message;
};

class Reloader {
 public:
  // Builds a Host from a manifest without starting it (registers listeners); may throw.
  using HostFactory = std::function<std::shared_ptr<Host>(Manifest)>;
  // Extra checks on a valid manifest (e.g. a token is required on this address); returns errors.
  using Validator = std::function<std::vector<std::string>(const Manifest&)>;

  Reloader(std::filesystem::path manifest_file, HostHolder& hosts, HostFactory factory,
           Validator validate, std::shared_ptr<LogSink> log);

  ReloadResult reload();

 private:
  std::filesystem::path file_;
  HostHolder& hosts_;
  HostFactory factory_;
  Validator validate_;
  SourceLogger log_;
  std::mutex mutex_;
};

}  // namespace selfheal::http
