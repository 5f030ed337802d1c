#include "manifest/names.hpp"

namespace selfheal::manifest_detail {
namespace {

bool lower(char c) { return c >= 'a' && c <= 'z'; }
bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

template <typename First, typename Rest>
bool match(std::string_view s, First first, Rest rest) {
  if (s.empty() || !first(s[0])) return false;
  for (char c : s.substr(1))
    if (!rest(c)) return false;
  return true;
}

bool crate_char(char c) { return lower(c) || digit(c) || c == '_' || c == '-'; }
bool word_char(char c) { return lower(c) || upper(c) || digit(c) || c == '_'; }
bool profile_char(char c) { return word_char(c) || c == '-'; }
bool plugin_char(char c) { return word_char(c) || c == '-' || c == '.'; }

bool is_crate_name(std::string_view s) { return match(s, crate_char, crate_char); }
bool is_library_name(std::string_view s) { return match(s, word_char, word_char); }
bool is_profile_name(std::string_view s) { return match(s, profile_char, profile_char); }
bool is_identifier(std::string_view s) {
  return match(s, lower, [](char c) { return lower(c) || digit(c) || c == '_'; });
}
bool is_plugin_name(std::string_view s) { return match(s, plugin_char, plugin_char); }
bool is_environment_name(std::string_view s) {
  return match(
      s, [](char c) { return lower(c) || upper(c) || c == '_'; }, word_char);
}

std::string complaint(const NameRule& rule, const std::string& name) {
  return "invalid " + std::string(rule.what) + " '" + name + "': must match " + rule.pattern;
}

}  // namespace

const NameRule kCrateName{"crate name", "[a-z0-9_-]+", &is_crate_name};
const NameRule kLibraryName{"library name", "[A-Za-z0-9_]+", &is_library_name};
const NameRule kProfileName{"profile name", "[A-Za-z0-9_-]+", &is_profile_name};
const NameRule kIssueType{"issue type", "[a-z][a-z0-9_]*", &is_identifier};
const NameRule kComponentName{"component name", "[a-z][a-z0-9_]*", &is_identifier};
const NameRule kImplementation{"implementation name", "[a-z][a-z0-9_]*", &is_identifier};
const NameRule kPluginName{"plugin name", "[A-Za-z0-9_.-]+", &is_plugin_name};
const NameRule kEnvironmentName{"environment variable name", "[A-Za-z_][A-Za-z0-9_]*",
                                &is_environment_name};

std::optional<std::string> read_name(Diagnostics& diag, const Field& field, const NameRule& rule) {
  auto s = read_string(diag, field);
  if (!s) return std::nullopt;
  if (!rule.matches(*s)) {
    diag.error(value_mark(field), field.key, complaint(rule, *s));
    return std::nullopt;
  }
  return s;
}

bool check_name(Diagnostics& diag, const Field& keyed, const NameRule& rule) {
  if (rule.matches(keyed.name)) return true;
  diag.error(keyed.key_mark, keyed.key, complaint(rule, keyed.name));
  return false;
}

}  // namespace selfheal::manifest_detail
