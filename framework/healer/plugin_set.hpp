// The loaded diagnosers and strategies the healer works with, by name, in manifest order.
// Built from the loader's records; holds the plugin objects (and so their libraries) alive.
#pragma once

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
};

struct PluginSet {
  std::vector<LoadedEntry<sdk::Diagnoser>> diagnosers;     // manifest order
  std::map<std::string, LoadedEntry<sdk::Strategy>> strategies;

  // Takes loaded diagnosers and strategies from `records` (failed ones are kept with their error).
  static PluginSet from_records(const std::vector<PluginRecord>& records);
};

}  // namespace selfheal
