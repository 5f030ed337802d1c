#include "ratio_reporter.hpp"

#include <cstdio>

namespace selfheal::bench {

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  for (const auto& run : runs) {
    // With repetitions, the median of the repetitions stands for the benchmark (it arrives after
    // the repetitions and replaces them); otherwise the one run does.
    const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
    if (!median && (run.run_type != Run::RT_Iteration || run.iterations == 0)) continue;
    const std::string name = run.run_name.str();
    ns_[name] = run.GetAdjustedCPUTime();  // in the benchmark's time unit: we use ns throughout
    real_ns_[name] = run.GetAdjustedRealTime();
    for (const auto& [key, c] : run.counters) counters_[name][key] = c.value;
  }
  ConsoleReporter::ReportRuns(runs);
}

double RatioReporter::ns(const std::string& name) const {
  auto it = ns_.find(name);
  return it == ns_.end() ? 0.0 : it->second;
}

double RatioReporter::real_ns(const std::string& name) const {
  auto it = real_ns_.find(name);
  return it == real_ns_.end() ? 0.0 : it->second;
}

double RatioReporter::counter(const std::string& name, const std::string& key) const {
  auto it = counters_.find(name);
  if (it == counters_.end()) return 0.0;
  auto c = it->second.find(key);
  return c == it->second.end() ? 0.0 : c->second;
}

void print_ratios(const RatioReporter& r, const std::vector<Ratio>& ratios) {
  std::printf("\n%-58s %10s  %s\n", "ratio (same run)", "value", "goal");
  for (const auto& ratio : ratios) {
    const double a = r.ns(ratio.numerator), b = r.ns(ratio.denominator);
    if (a <= 0 || b <= 0) {
      std::printf("%-58s %10s  %s\n", ratio.what.c_str(), "n/a", ratio.goal.c_str());
      continue;
    }
    std::printf("%-58s %9.3fx  %s\n", ratio.what.c_str(), a / b, ratio.goal.c_str());
  }
}

}  // namespace selfheal::bench
