// The original's /self-healing/* endpoints, plus fixes/{id}, history and plugins.
#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <charconv>

#include "core/build_facts.hpp"
#include "api/api_context.hpp"
#include "api/fix_reply.hpp"
#include "host/json_views.hpp"

namespace selfheal::http {
namespace json = boost::json;
using verb = beast_http::verb;

namespace {

constexpr double kDefaultWaitSeconds = 10;
constexpr double kMaxWaitSeconds = 60;

bool parse_int(const std::string& text, std::int64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

// The crate a mutating request names: ?crate=NAME or a JSON body {"crate": NAME}; an empty
// body is fine. Returns an error message for a body that is not a JSON object.
std::string crate_of(const Call& call, std::string& crate) {
  if (auto it = call.target.query.find("crate"); it != call.target.query.end()) crate = it->second;
  const std::string& body = call.request.body();
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return {};
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return "malformed JSON body: " + ec.message();
  if (!v.is_object()) return "the body must be a JSON object";
  if (const auto* c = v.as_object().if_contains("crate")) {
    if (!c->is_string()) return "\"crate\" must be a string";
    crate = std::string(c->as_string());
  }
  return {};
}

// POST /fix and /clean-build: start or join the fix; answer with its outcome when it ends within
// ?wait= seconds, else 202 with where to follow it (FixReply).
void fix_route(ApiContext& ctx, Call call, bool clean) {
  double wait = kDefaultWaitSeconds;
  if (auto it = call.target.query.find("wait"); it != call.target.query.end()) {
    char* end = nullptr;
    wait = std::strtod(it->second.c_str(), &end);
    if (it->second.empty() || *end != '\0' || !(wait >= 0)) {
      call.respond(error_response(Status::bad_request, "wait must be a number of seconds >= 0"));
      return;
    }
    wait = std::min(wait, kMaxWaitSeconds);
  }
  FixRequest request;
  if (auto error = crate_of(call, request.crate); !error.empty()) {
    call.respond(error_response(Status::bad_request, error));
    return;
  }
  if (clean) {
    request.trigger = "clean-build";
    request.clean = true;
  }
  auto host = host_or_503(ctx, call.respond);
  if (!host) return;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(wait));
  auto reply = std::make_shared<FixReply>(ctx.io, host, clean, call.respond);
  // On the pool: starting a fix reserves its id in the history (a database write).
  boost::asio::post(ctx.pool, [reply, request, deadline, respond = call.respond] {
    try {
      reply->start(request, deadline);
    } catch (const std::exception& e) {
      respond(error_response(Status::internal_server_error, e.what()));
    }
  });
}

void fix_progress_route(ApiContext& ctx, Call call) {
  std::int64_t id = 0;
  if (!parse_int(call.param, id)) {
    call.respond(error_response(Status::bad_request, "fix id must be an integer"));
    return;
  }
  auto host = host_or_503(ctx, call.respond);
  if (!host) return;
  // On the pool: an outcome this healer no longer holds is read from the history database.
  offload(ctx, call.respond, [host, id] {
    const auto progress = host->healer().progress(id);
    const auto outcome = host->healer().outcome(id);
    if (!progress && !outcome) return error_response(Status::not_found, "no fix with id " + std::to_string(id));
    json::object o;
    if (progress) {
      o = progress_json(*progress, std::chrono::steady_clock::now());
    } else {
      o["fix_id"] = id;
      o["crate"] = outcome->crate;
      o["state"] = to_string(outcome->success ? FixState::succeeded : FixState::failed);
      o["strategy"] = outcome->strategy_used.empty() ? json::value(nullptr) : json::value(outcome->strategy_used);
      o["elapsed_seconds"] = nullptr;
      o["last_lines"] = json::array();
    }
    o["done"] = outcome.has_value();
    o["outcome"] = outcome ? json::value(fix_json(*outcome)) : json::value(nullptr);
    return json_response(Status::ok, o);
  });
}

void history_route(ApiContext& ctx, Call call) {
  std::int64_t limit = 50, offset = 0;
  const auto& q = call.target.query;
  if ((q.count("limit") && (!parse_int(q.at("limit"), limit) || limit < 1)) ||
      (q.count("offset") && (!parse_int(q.at("offset"), offset) || offset < 0))) {
    call.respond(error_response(Status::bad_request, "limit must be an integer >= 1 and offset >= 0"));
    return;
  }
  limit = std::min<std::int64_t>(limit, 1000);
  auto host = host_or_503(ctx, call.respond);
  if (!host) return;
  offload(ctx, call.respond, [host, limit, offset] {
    json::array items;
    for (const auto& a : host->history().recent(limit, offset)) items.push_back(attempt_json(a));
    return json_response(Status::ok, json::object{{"items", std::move(items)},
                                                  {"limit", limit},
                                                  {"offset", offset},
                                                  {"total", host->history().totals().attempts}});
  });
}

}  // namespace

void add_healing_routes(Router& router, ApiContext& ctx) {
  router.add(verb::get, "/self-healing/status", [&ctx](Call call) {
    if (auto host = host_or_503(ctx, call.respond))
      call.respond(json_response(Status::ok, status_json(host->healer().status())));
  });
  router.add(verb::post, "/self-healing/diagnose", [&ctx](Call call) {
    std::string crate;
    if (auto error = crate_of(call, crate); !error.empty())
      return call.respond(error_response(Status::bad_request, error));
    if (auto host = host_or_503(ctx, call.respond))
      offload(ctx, call.respond, [host, crate] {
        return json_response(Status::ok, diagnosis_json(host->healer().diagnose(crate)));
      });
  });
  router.add(verb::post, "/self-healing/fix", [&ctx](Call call) { fix_route(ctx, std::move(call), false); });
  router.add(verb::post, "/self-healing/clean-build",
             [&ctx](Call call) { fix_route(ctx, std::move(call), true); });
  router.add(verb::get, "/self-healing/fixes/{id}",
             [&ctx](Call call) { fix_progress_route(ctx, std::move(call)); });
  router.add(verb::post, "/self-healing/force-check", [&ctx](Call call) {
    if (auto host = host_or_503(ctx, call.respond))
      offload(ctx, call.respond, [host] {
        return json_response(Status::ok, force_check_json(host->components().check()));
      });
  });
  router.add(verb::get, "/self-healing/component-status", [&ctx](Call call) {
    if (auto host = host_or_503(ctx, call.respond)) {
      auto body = component_status_json(host->components().status());
      body["file_events"] = file_watch_json(host->file_watch());
      call.respond(json_response(Status::ok, std::move(body)));
    }
  });
  router.add(verb::get, "/self-healing/history", [&ctx](Call call) { history_route(ctx, std::move(call)); });
  router.add(verb::get, "/self-healing/plugins", [&ctx](Call call) {
    if (auto host = host_or_503(ctx, call.respond)) {
      json::array list;
      for (const auto& p : host->plugins()) list.push_back(plugin_json(p));
      // The facts `selfheal --version` prints, so a bug report can quote what served it.
      json::object version;
      for (const auto& [key, value] : build_facts()) version[key] = value;
      call.respond(json_response(
          Status::ok, json::object{{"version", std::move(version)}, {"plugins", std::move(list)}}));
    }
  });
}

}  // namespace selfheal::http
