#include <boost/json.hpp>

#include "core/json_text.hpp"

#include "runtime_impl.hpp"

namespace selfheal {

std::string Status::to_json() const {
  namespace json = boost::json;
  json::object components_json;
  for (const auto& c : components) {
    json::object impls;
    for (const auto& i : c.implementations)
      impls[i.name] = json::object{{"available", i.available},
                                   {"performance_score", i.performance_score},
                                   {"error_count", i.error_count},
                                   {"breaker", i.breaker},
                                   {"error", i.error}};
    components_json[c.name] = json::object{
        {"active_implementation", c.active},
        {"available_implementations", std::move(impls)},
        {"switches", c.switches},
        {"longest_pause_us", std::chrono::duration_cast<std::chrono::microseconds>(c.longest_pause).count()}};
  }
  json::object o{{"mode", mode == Mode::heal ? "heal" : "follow"},
                 {"daemon_running", daemon_running},
                 {"daemon_pid", daemon_pid},
                 {"reason", reason},
                 {"components", std::move(components_json)}};
  return json_text(o);
}

}  // namespace selfheal
