#include "support/cargo_messages.hpp"

#include "support/json_reader.hpp"

namespace selfheal::plugins {
namespace {

CompilerMessage compiler_message(const sdk::Value& msg) {
  CompilerMessage m;
  m.level = msg["level"].as_string();
  m.code = msg["code"]["code"].as_string();
  m.message = msg["message"].as_string();
  const sdk::Value* primary = nullptr;
  for (const auto& span : msg["spans"].items()) {
    if (span["is_primary"].as_bool()) {
      primary = &span;
      break;
    }
  }
  if (primary == nullptr && !msg["spans"].items().empty()) primary = &msg["spans"].items().front();
  if (primary != nullptr) {
    m.file = (*primary)["file_name"].as_string();
    m.line = static_cast<int>((*primary)["line_start"].as_int());
    m.column = static_cast<int>((*primary)["column_start"].as_int());
  }
  return m;
}

}  // namespace

CargoOutput parse_cargo_output(const std::vector<std::string>& lines) {
  CargoOutput out;
  for (const auto& line : lines) {
    if (line.empty() || line.front() != '{') {
      out.plain_lines.push_back(line);
      continue;
    }
    auto json = parse_json(line);
    if (!json || !json->is_map()) {
      out.plain_lines.push_back(line);
      continue;
    }
    const std::string reason = (*json)["reason"].as_string();
    if (reason == "compiler-message") {
      auto m = compiler_message((*json)["message"]);
      if (m.level == "error" || m.level == "error: internal compiler error")
        out.errors.push_back(std::move(m));
    } else if (reason == "compiler-artifact") {
      for (const auto& f : (*json)["filenames"].items()) out.artifacts.push_back(f.as_string());
    } else if (reason == "build-finished") {
      out.finished = true;
      out.finished_success = (*json)["success"].as_bool();
    }
  }
  return out;
}

sdk::Value to_value(const std::vector<CompilerMessage>& messages) {
  sdk::Value list = sdk::Value::list();
  for (const auto& m : messages) {
    sdk::Value v = sdk::Value::map();
    v.set("level", m.level);
    v.set("code", m.code);
    v.set("message", m.message);
    v.set("file", m.file);
    v.set("line", m.line);
    v.set("column", m.column);
    list.push_back(std::move(v));
  }
  return list;
}

}  // namespace selfheal::plugins
