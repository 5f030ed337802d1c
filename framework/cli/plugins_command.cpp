#include <boost/json.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "host/host.hpp"
#include "host/json_views.hpp"

namespace selfheal::cli {

int run_plugins(const Args& args) {
  auto manifest = load_or_report(args);
  if (!manifest) return kInvalidManifest;
  // Quiet logs: the listing is the output.
  Host::Options options;
  options.log_sink = std::make_shared<LogSink>(LogLevel::error);
  Host host(std::move(*manifest), options);
  bool all_loaded = true;
  boost::json::array list;
  for (const auto& r : host.plugins()) {
    all_loaded = all_loaded && r.status == LoadStatus::loaded;
    if (args.has("json")) {
      list.push_back(plugin_json(r));
      continue;
    }
    std::cout << to_string(r.spec.kind) << "\t" << r.spec.name << "\t"
              << (r.descriptor ? r.descriptor->version : "-") << "\t"
              << (r.descriptor ? std::to_string(r.descriptor->api_major) + "." +
                                     std::to_string(r.descriptor->api_minor)
                               : "-")
              << "\t" << to_string(r.status) << "\t" << r.spec.library.string();
    if (!r.error.empty()) std::cout << "\t" << r.error;
    std::cout << "\n";
  }
  if (args.has("json")) std::cout << boost::json::serialize(list) << "\n";
  return all_loaded ? kOk : kFailure;
}

}  // namespace selfheal::cli
