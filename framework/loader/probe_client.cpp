#include "loader/probe_client.hpp"

#include <signal.h>
#include <string.h>

#include <mutex>

#include "loader/probe_protocol.hpp"

namespace selfheal {
namespace {

struct Collected {
  std::mutex mutex;
  std::vector<std::string> out;
  std::vector<std::string> err;
};

// The most telling line of a probe that ended without a verdict (a sanitizer's summary, or the
// last thing it wrote).
std::string telling_line(const std::vector<std::string>& err) {
  for (const char* marker : {"ERROR: ", "Sanitizer"})
    for (const auto& line : err)
      if (line.find(marker) != std::string::npos) return line;
  for (auto it = err.rbegin(); it != err.rend(); ++it)
    if (!it->empty()) return *it;
  return {};
}

}  // namespace

std::string ProbeRun::field(std::string_view key) const {
  for (const auto& [k, v] : fields)
    if (k == key) return v;
  return {};
}

std::vector<std::string> ProbeRun::fields_named(std::string_view key) const {
  std::vector<std::string> values;
  for (const auto& [k, v] : fields)
    if (k == key) values.push_back(v);
  return values;
}

std::string signal_name(int signal) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  if (const char* abbrev = ::sigabbrev_np(signal)) return std::string("SIG") + abbrev;
#endif
  return "signal " + std::to_string(signal);
}

std::string describe_duration(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

ProbeRun run_probe(sdk::ProcessRunner& runner, const std::filesystem::path& program,
                   std::vector<std::string> args, const std::string& file,
                   std::chrono::milliseconds timeout) {
  auto collected = std::make_shared<Collected>();
  sdk::ProcessSpec spec;
  spec.argv.push_back(program.string());
  for (auto& a : args) spec.argv.push_back(std::move(a));
  // The same library search path (LD_LIBRARY_PATH, ...) as the host that will load it.
  spec.inherit_environment = true;
  spec.timeout = timeout;
  spec.on_line = [collected](sdk::OutputStream stream, std::string_view line) {
    std::lock_guard lock(collected->mutex);
    (stream == sdk::OutputStream::out ? collected->out : collected->err).emplace_back(line);
  };
  const sdk::ProcessResult result = runner.run(spec);

  ProbeRun run;
  std::lock_guard lock(collected->mutex);
  bool said_ok = false;
  for (const auto& line : collected->out) {
    if (line == probe::kResultOk) said_ok = true;
    const auto eq = line.find('=');
    if (eq != std::string::npos) run.fields.emplace_back(line.substr(0, eq), line.substr(eq + 1));
  }
  std::string refusal;
  const std::string prefix = probe::kErrorPrefix;
  for (const auto& line : collected->err)
    if (line.rfind(prefix, 0) == 0) refusal = line.substr(prefix.size());

  if (!result.started) {
    run.verdict = ProbeRun::Verdict::not_run;
    run.message = "cannot run the probe " + program.string() + ": " + result.error;
  } else if (result.timed_out) {
    run.verdict = ProbeRun::Verdict::broke;
    run.timed_out = true;
    run.message = "probe timed out after " + describe_duration(timeout) + " while loading " + file +
                  "; quarantined";
  } else if (result.cancelled) {
    run.verdict = ProbeRun::Verdict::not_run;
    run.message = "the probe of " + file + " was cancelled";
  } else if (result.signal != 0) {
    run.verdict = ProbeRun::Verdict::broke;
    run.signal = result.signal;
    run.message = "probe crashed with " + signal_name(result.signal) + " while loading " + file +
                  "; quarantined";
  } else if (result.exit_code == probe::exit_ok && said_ok) {
    run.verdict = ProbeRun::Verdict::accepted;
  } else if (probe::is_refusal(result.exit_code) && !refusal.empty()) {
    run.verdict = ProbeRun::Verdict::refused;
    run.message = refusal;
  } else {
    run.verdict = ProbeRun::Verdict::broke;
    run.message = "probe exited with code " + std::to_string(result.exit_code) +
                  " without a verdict while loading " + file + "; quarantined";
    if (auto line = telling_line(collected->err); !line.empty()) run.message += " (" + line + ")";
  }
  return run;
}

}  // namespace selfheal
