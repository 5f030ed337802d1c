#include "healer/fix_outcome_codec.hpp"

#include "core/value_json.hpp"

namespace selfheal {
namespace {

sdk::Value optional_text(const std::optional<std::string>& s) { return s ? sdk::Value(*s) : sdk::Value(); }
std::optional<std::string> text_or_none(const sdk::Value& v) {
  return v.is_string() ? std::optional<std::string>(v.as_string()) : std::nullopt;
}

}  // namespace

std::string encode_outcome(const FixOutcome& o) {
  sdk::Value v = sdk::Value::map();
  v.set("format", 1);
  v.set("fix_id", o.fix_id);
  v.set("crate", o.crate);
  v.set("success", o.success);
  v.set("issue_type", optional_text(o.issue_type));
  v.set("strategy_used", o.strategy_used);
  v.set("error", optional_text(o.error));
  v.set("message", o.message);
  if (o.remaining) {
    sdk::Value r = sdk::Value::map();
    r.set("issue_type", o.remaining->issue_type);
    r.set("summary", o.remaining->summary);
    r.set("details", o.remaining->details);
    r.set("can_auto_fix", o.remaining->can_auto_fix);
    r.set("recommended_fix", o.remaining->recommended_fix);
    v.set("remaining", r);
  }
  return to_json_text(v);
}

std::optional<FixOutcome> decode_outcome(const std::string& text) {
  const sdk::Value v = from_json_text(text);  // null when the text is not JSON
  if (!v.is_map() || v["format"].as_int() != 1) return std::nullopt;
  FixOutcome o;
  o.fix_id = v["fix_id"].as_int();
  o.crate = v["crate"].as_string();
  o.success = v["success"].as_bool();
  o.issue_type = text_or_none(v["issue_type"]);
  o.strategy_used = v["strategy_used"].as_string();
  o.error = text_or_none(v["error"]);
  o.message = v["message"].as_string();
  if (const auto& r = v["remaining"]; r.is_map()) {
    sdk::Diagnosis d;
    d.issue_type = r["issue_type"].as_string();
    d.summary = r["summary"].as_string();
    d.details = r["details"].is_map() ? r["details"] : sdk::Value::map();
    d.can_auto_fix = r["can_auto_fix"].as_bool(true);
    d.recommended_fix = r["recommended_fix"].as_string();
    o.remaining = d;
  }
  return o;
}

}  // namespace selfheal
