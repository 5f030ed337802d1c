// selfheal-probe: opens one shared library in this throw-away process so that whatever the
// library does while loading (SIGBUS on a truncated ELF, a crashing or hanging plugin
// constructor) happens here and not in the host. Protocol: probe_protocol.hpp.
// Deliberately plain dlopen/dlsym and the standard library: nothing heavy to load first.
#include <dlfcn.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "loader/descriptor_check.hpp"
#include "loader/elf_check.hpp"
#include "loader/probe_protocol.hpp"
#include "selfheal/sdk/component.hpp"
#include "selfheal/sdk/diagnoser.hpp"
#include "selfheal/sdk/plugin.hpp"

namespace {

using namespace selfheal;

std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

void put(std::string_view key, std::string_view value) {
  std::printf("%.*s=%s\n", static_cast<int>(key.size()), key.data(), one_line(value).c_str());
}

[[noreturn]] void finish(int code, const std::string& file, const std::string& reason) {
  std::fflush(stdout);
  if (code != probe::exit_ok) {
    std::string line = std::string(probe::kErrorPrefix) + (file.empty() ? "" : file + ": ");
    std::fprintf(stderr, "%s%s\n", line.c_str(), one_line(reason).c_str());
  } else {
    std::printf("%s\n", probe::kResultOk);
  }
  std::fflush(stdout);
  std::fflush(stderr);
  std::exit(code);
}

// dlerror() usually starts with the file name; the message names it once already.
std::string dl_reason(const std::string& file) {
  const char* raw = ::dlerror();
  std::string text = raw ? raw : "unknown error";
  if (text.rfind(file + ": ", 0) == 0) text.erase(0, file.size() + 2);
  return text;
}

void* open_library(const std::string& file) {
  if (auto why = check_elf_extent(file); !why.empty()) finish(probe::exit_bad_elf, file, why);
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) finish(probe::exit_open_failed, file, "dlopen failed: " + dl_reason(file));
  return handle;
}

void print_descriptor(const PluginDescriptorInfo& info, bool complete) {
  put("api_major", std::to_string(info.api_major));
  put("api_minor", std::to_string(info.api_minor));
  if (!complete) return;
  put("kind", plugin_kind_name(static_cast<std::uint32_t>(info.kind)));
  put("name", info.name);
  put("version", info.version);
  put("description", info.description);
  put("cxx_abi_tag", info.cxx_abi_tag);
  put("flags", std::to_string(info.flags));
}

int probe_plugin(const std::string& file, const DescriptorExpectation& expected) {
  void* handle = open_library(file);
  ::dlerror();
  const auto* descriptor = static_cast<const selfheal_plugin_descriptor_t*>(
      ::dlsym(handle, "selfheal_plugin_descriptor"));
  if (descriptor == nullptr)
    finish(probe::exit_no_descriptor, file,
           "not a selfheal plugin: no exported selfheal_plugin_descriptor");
  const DescriptorCheck check = check_descriptor(*descriptor, file, expected);
  if (check.info) {
    const bool complete = check.problem != DescriptorProblem::major_mismatch &&
                          check.problem != DescriptorProblem::minor_newer &&
                          check.problem != DescriptorProblem::too_small;
    print_descriptor(*check.info, complete);
  }
  if (!check.ok()) finish(probe::exit_bad_descriptor, "", check.message);

  auto create =
      reinterpret_cast<selfheal_plugin_create_fn>(::dlsym(handle, "selfheal_plugin_create"));
  if (create == nullptr)
    finish(probe::exit_no_factory, file, "no exported factory selfheal_plugin_create");
  std::fflush(stdout);  // the descriptor reaches the host even if the factory kills us
  char error[512] = {};
  void* object = nullptr;
  try {
    object = create(error, sizeof error);
  } catch (const std::exception& e) {  // a hand-written factory that lets one escape
    finish(probe::exit_factory_failed, file, std::string("factory threw: ") + e.what());
  } catch (...) {
    finish(probe::exit_factory_failed, file, "factory threw an unknown exception");
  }
  if (object == nullptr)
    finish(probe::exit_factory_failed, file,
           std::string("factory failed: ") + (error[0] ? error : "no reason given"));
  auto* plugin = static_cast<sdk::Plugin*>(object);
  // What a component plugin creates, so the host can check the manifest's mapping before it
  // ever casts one of its objects (check_component_mapping).
  if (expected.kind == sdk::PluginKind::component) {
    try {
      const auto* component = static_cast<const sdk::ComponentImplementation*>(plugin);
      put("component", component->component());
      put("implementation", component->implementation());
    } catch (...) {  // unknown then; the host reports the mapping as unverifiable
    }
  }
  // The issue types a diagnoser reports, so `check` can judge the manifest's issues: keys.
  // "issue_types=N" first: zero types is an answer too, unlike a missing line.
  if (expected.kind == sdk::PluginKind::diagnoser) {
    try {
      const auto types = static_cast<const sdk::Diagnoser*>(plugin)->issue_types();
      put("issue_types", std::to_string(types.size()));
      for (const auto& type : types) put("issue_type", type);
    } catch (...) {  // unknown then; the issues: keys are not judged
    }
  }
  delete plugin;
  finish(probe::exit_ok, file, "");
}

int probe_library(const std::string& file, const std::vector<std::string>& symbols) {
  void* handle = open_library(file);
  std::string missing;
  for (const auto& symbol : symbols) {
    ::dlerror();
    if (::dlsym(handle, symbol.c_str()) == nullptr)
      missing += (missing.empty() ? "" : ", ") + symbol;
  }
  // What a Rust artifact says about itself (rust_core.h), when it says it.
  using abi_fn = std::uint32_t (*)();
  using info_fn = std::int32_t (*)(char*, std::size_t, std::size_t*);
  if (auto abi = reinterpret_cast<abi_fn>(::dlsym(handle, "selfheal_abi_version")))
    put("abi_version", std::to_string(abi()));
  if (auto info = reinterpret_cast<info_fn>(::dlsym(handle, "selfheal_build_info"))) {
    std::size_t needed = 0;
    info(nullptr, 0, &needed);
    if (needed > 0 && needed < (1u << 20)) {
      std::string text(needed, '\0');
      if (info(text.data(), text.size(), &needed) == 0) {
        text.resize(text.find('\0') == std::string::npos ? text.size() : text.find('\0'));
        std::size_t start = 0;
        while (start < text.size()) {
          std::size_t end = text.find('\n', start);
          if (end == std::string::npos) end = text.size();
          if (end > start) put("build_info", std::string_view(text).substr(start, end - start));
          start = end + 1;
        }
      }
    }
  }
  if (!missing.empty())
    finish(probe::exit_missing_symbol, file, "missing exported symbols: " + missing);
  finish(probe::exit_ok, file, "");
}

[[noreturn]] void usage(const std::string& why) {
  finish(probe::exit_usage, "",
         why +
             "; usage: selfheal-probe plugin FILE --kind KIND [--name NAME] | "
             "selfheal-probe library FILE [--symbol NAME]...");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 2) usage("missing arguments");
  const std::string& mode = args[0];
  const std::string& file = args[1];
  DescriptorExpectation expected;
  std::vector<std::string> symbols;
  for (std::size_t i = 2; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) usage("option " + args[i] + " needs a value");
    const std::string& option = args[i];
    const std::string& value = args[i + 1];
    if (mode == "plugin" && option == "--kind") {
      expected.kind = parse_plugin_kind(value);
      if (!expected.kind) usage("unknown kind '" + value + "'");
    } else if (mode == "plugin" && option == "--name") {
      expected.name = value;
    } else if (mode == "library" && option == "--symbol") {
      symbols.push_back(value);
    } else {
      usage("unknown option " + option);
    }
  }
  if (mode == "plugin") return probe_plugin(file, expected);
  if (mode == "library") return probe_library(file, symbols);
  usage("unknown mode '" + mode + "'");
}
