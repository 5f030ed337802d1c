#include "api/reloader.hpp"

namespace selfheal::http {

Reloader::Reloader(std::filesystem::path manifest_file, HostHolder& hosts, HostFactory factory,
                   Validator validate, std::shared_ptr<LogSink> log)
    : file_(std::move(manifest_file)),
      hosts_(hosts),
      factory_(std::move(factory)),
      validate_(std::move(validate)),
      log_(std::move(log), "reload") {}

ReloadResult Reloader::reload() {
  ReloadResult r;
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) {
    r.busy = true;
    r.message = "a reload is already running";
    return r;
  }
  auto load = load_manifest(file_);
  if (load.manifest && validate_) {
    for (auto& e : validate_(*load.manifest)) r.errors.push_back(std::move(e));
  }
  for (const auto& e : load.errors) r.errors.push_back(e.to_string());
  if (!r.errors.empty()) {
    r.message = std::to_string(r.errors.size()) + " error(s) in " + file_.string() +
                "; the running manifest is kept";
    log_.error(r.message);
    for (const auto& e : r.errors) log_.error(e);
    return r;
  }
  std::shared_ptr<Host> next;
  try {
    next = factory_(std::move(*load.manifest));
  } catch (const std::exception& e) {
    r.errors.push_back(std::string("cannot start the new host: ") + e.what());
    r.message = "the running manifest is kept";
    log_.error(r.errors.back());
    return r;
  }
  if (!next->manifest_errors().empty()) {
    // Known only once its plugins said what they create; the new host never starts.
    for (const auto& e : next->manifest_errors()) r.errors.push_back(e.to_string());
    r.message = std::to_string(r.errors.size()) + " error(s) in " + file_.string() +
                "; the running manifest is kept";
    log_.error(r.message);
    for (const auto& e : r.errors) log_.error(e);
    return r;
  }
  hosts_.set_ready(false);
  auto previous = hosts_.swap(next);
  if (previous) previous->stop();
  next->start();
  hosts_.set_ready(true);
  previous.reset();  // destroyed here unless a request still holds it
  r.success = true;
  r.message = "reloaded " + file_.string();
  log_.info(r.message);
  return r;
}

}  // namespace selfheal::http
