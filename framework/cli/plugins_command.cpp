#include <boost/json.hpp>
#include <iostream>

#include "core/json_text.hpp"
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
  // Tab-separated with a header line, in the order --help names (as `docker images` and
  // `systemctl list-units` print); the checksum is shortened to 12 hex digits as git and docker
  // shorten theirs (--json has all 64).
  if (!args.has("json"))
    std::cout << "KIND\tNAME\tVERSION\tFILE\tAPI\tSHA256\tSTATUS\tREASON\n";
  for (const auto& r : host.plugins()) {
    all_loaded = all_loaded && r.status == LoadStatus::loaded;
    if (args.has("json")) {
      list.push_back(plugin_json(r));
      continue;
    }
    std::cout << to_string(r.spec.kind) << "\t" << r.spec.name << "\t"
              << (r.descriptor ? r.descriptor->version : "-") << "\t" << r.spec.library.string()
              << "\t"
              << (r.descriptor ? std::to_string(r.descriptor->api_major) + "." +
                                     std::to_string(r.descriptor->api_minor)
                               : "-")
              << "\t" << (r.sha256.empty() ? "-" : r.sha256.substr(0, 12)) << "\t"
              << to_string(r.status) << "\t" << (r.error.empty() ? "-" : r.error) << "\n";
  }
  if (args.has("json")) std::cout << json_text(list) << "\n";
  // What only the loaded plugins reveal; serve would refuse this manifest.
  for (const auto& e : host.manifest_errors()) std::cerr << e.to_string() << "\n";
  if (!host.manifest_errors().empty()) {
    std::cerr << host.manifest_errors().size() << " error(s) in " << host.manifest().file.string()
              << "\n";
    return kInvalidManifest;
  }
  return all_loaded ? kOk : kFailure;
}

}  // namespace selfheal::cli
