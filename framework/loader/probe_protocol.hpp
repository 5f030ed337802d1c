// The contract between the loader and selfheal-probe (probe_main.cpp), its throw-away child.
//
//   selfheal-probe plugin  <file> --kind <diagnoser|strategy|component>
//   selfheal-probe library <file> [--symbol <name>]...
//
// On stdout, "key=value" lines (values never contain a newline): for plugins the descriptor
// (api_major, api_minor, kind, name, version, description, cxx_abi_tag) as soon as it could be
// read, and for component plugins what they create (component, implementation) once the factory
// ran; for libraries abi_version and one build_info line per line of selfheal_build_info().
// Success: exit 0 and the last stdout line is "result=ok". Refusal: one of the exit codes below
// and one stderr line "selfheal-probe: <file>: <reason>". Anything else (a signal, a sanitizer's
// report, another exit code, a missing verdict) means the library broke the probe.
#pragma once

namespace selfheal::probe {

inline constexpr const char* kResultOk = "result=ok";
inline constexpr const char* kErrorPrefix = "selfheal-probe: ";

// Exit codes (high enough not to collide with a sanitizer's 1 or a shell's 126/127).
enum ExitCode : int {
  exit_ok = 0,
  exit_usage = 40,
  exit_open_failed = 41,     // dlopen refused the file
  exit_no_descriptor = 42,   // selfheal_plugin_descriptor not exported
  exit_bad_descriptor = 43,  // descriptor_check refused it
  exit_no_factory = 44,      // selfheal_plugin_create not exported
  exit_factory_failed = 45,  // the factory returned null or threw
  exit_missing_symbol = 46,  // library mode: a required symbol is absent
  exit_bad_elf = 47,         // truncated or inconsistent ELF file (checked before dlopen)
};

inline bool is_refusal(int code) { return code >= exit_usage && code <= exit_bad_elf; }

}  // namespace selfheal::probe
