// Loads the plugin libraries a manifest names. For each one: check the file and its folders
// cannot be replaced by someone else, copy it into the content-addressed plugin store
// (plugin_store.hpp) and work only with that copy from then on: open it first in a throw-away
// child (the probe, probe_main.cpp) so a library that crashes or hangs while loading cannot take
// the host down, and only then load it in-process, re-check its C descriptor before any C++
// symbol is touched, and call its factory. New bytes get a new path, so they are really loaded,
// and overwriting the manifest's file cannot touch mapped code. Libraries are never unloaded (RTLD_NODELETE): every object holds a
// reference to its library, and the library stays mapped even after the last one is gone.
// MT safe: load(), load_all() and probe_library() may be called from several threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loader/descriptor_check.hpp"  // PluginDescriptorInfo
#include "loader/plugin_store.hpp"
#include "loader/probe_verdict_cache.hpp"
#include "manifest/manifest.hpp"
#include "selfheal/sdk/context.hpp"
#include "selfheal/sdk/logger.hpp"
#include "selfheal/sdk/plugin.hpp"
#include "selfheal/sdk/process.hpp"

namespace selfheal {

enum class LoadStatus {
  loaded,
  failed,       // refused: missing, unsafe permissions, wrong version/ABI/kind/name, factory failed
  quarantined,  // it crashed the probe, hung it, or killed it without a verdict
};
const char* to_string(LoadStatus status);

struct PluginRecord {
  PluginSpec spec;                                 // from the manifest
  std::string sha256;                              // of the bytes loaded, empty if unreadable
  std::filesystem::path loaded_from;               // the store's copy that was probed and mapped
  std::optional<PluginDescriptorInfo> descriptor;  // what the library declares, when readable
  LoadStatus status = LoadStatus::failed;
  std::string error;  // why it failed: names the file and, for versions, both versions
  std::shared_ptr<sdk::Plugin> object;  // set when loaded; keeps the library referenced
  // Component plugins: what the plugin says it creates (ComponentImplementation::component() and
  // implementation()), from the probe or the loaded object; empty when unknown.
  std::string component;
  std::string implementation;
  // Diagnoser plugins: the issue types it says it reports (Diagnoser::issue_types()), from the
  // probe or the loaded object; issue_types_known is false when it could not be asked.
  std::vector<std::string> issue_types;
  bool issue_types_known = false;
};

class PluginLoader {
 public:
  // `runner` and `log` must outlive the loader. Objects it created may outlive it.
  // `plugin_store` is the folder of the copies (the host uses <state dir>/plugins).
  PluginLoader(std::filesystem::path probe_program, std::filesystem::path plugin_store,
               sdk::ProcessRunner& runner, sdk::Logger& log,
               std::chrono::milliseconds probe_timeout = std::chrono::seconds(10));
  ~PluginLoader();
  PluginLoader(const PluginLoader&) = delete;
  PluginLoader& operator=(const PluginLoader&) = delete;

  // Never throws; a failure is a record with status failed or quarantined and an error.
  PluginRecord load(const PluginSpec& spec);
  // What `check` needs without loading anything in-process or writing the store: the file's
  // safety and the probe's verdict on it, with the descriptor and, for component plugins, what
  // they create. `status` loaded means the probe accepted it; `object` stays null. Never throws.
  PluginRecord inspect(const PluginSpec& spec);
  // One record per spec, in order; a failing plugin does not stop the others. Null specs skipped.
  std::vector<PluginRecord> load_all(const std::vector<const PluginSpec*>& specs);

  // Opens any shared library in the probe (dlopen + the required symbols) and reports what a
  // Rust artifact says about itself (selfheal_abi_version, selfheal_build_info). Never throws.
  // An acceptance is remembered by the bytes' sha256 (ProbeVerdictCache): the same bytes, at any
  // path, are not probed again; a refusal or crash always is. `remembered_ok` false: probe now
  // whatever is remembered, as before a dlopen in this process, which the bytes alone do not
  // make safe (the libraries they need, the folder's $ORIGIN, a noexec mount).
  sdk::ProbeResult probe_library(const std::filesystem::path& library,
                                 const std::vector<std::string>& required_symbols = {},
                                 bool remembered_ok = true);

  // "selfheal-probe" next to the running executable (/proc/self/exe).
  static std::filesystem::path default_probe_program();

 private:
  struct Libraries;  // the in-process library handles, by canonical path (Boost.DLL inside)

  void load_into(PluginRecord& record);
  // Probes `library` for `record`; false (with status and error set) unless it was accepted.
  bool probe_into(PluginRecord& record, const std::filesystem::path& library);
  bool load_in_process(PluginRecord& record, const std::filesystem::path& stored);

  std::filesystem::path probe_program_;
  PluginStore store_;
  sdk::ProcessRunner& runner_;
  sdk::Logger& log_;
  std::chrono::milliseconds probe_timeout_;
  std::unique_ptr<Libraries> libraries_;
  ProbeVerdictCache probe_verdicts_;
};

}  // namespace selfheal
