// The loaded diagnosers and strategies the healer works with, by name, in manifest order.
// Built from the loader's records; holds the plugin objects (and so their libraries) alive.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "selfheal/sdk/diagnoser.hpp"
#include "selfheal/sdk/strategy.hpp"

namespace selfheal {

struct PluginRecord;

template <class Interface>
struct LoadedEntry {
  std::string name;
  std::shared_ptr<Interface> object;  // null when the plugin failed to load
  sdk::Value config;
  std::string load_error;             // why it is not loaded
  std::uint32_t api_minor = 0;        // the SDK minor it was built against (when known)
  std::uint64_t flags = 0;            // its descriptor's SELFHEAL_STRATEGY_* flags
};

struct PluginSet {
  std::vector<LoadedEntry<sdk::Diagnoser>> diagnosers;     // manifest order
  std::map<std::string, LoadedEntry<sdk::Strategy>> strategies;
  // What the strategies declare in their descriptors (the framework names none of them):
  std::string clean_build;  // the first strategy in manifest order with SELFHEAL_STRATEGY_CLEAN_BUILD
  bool builds_artifact(const std::string& strategy) const;  // SELFHEAL_STRATEGY_BUILDS_ARTIFACT

  // Takes loaded diagnosers and strategies from `records` (failed ones are kept with their error).
  static PluginSet from_records(const std::vector<PluginRecord>& records);
};

}  // namespace selfheal
