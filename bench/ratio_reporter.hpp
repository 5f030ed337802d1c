// Collects each benchmark's time per iteration so that ratios between benchmarks of the same
// run can be printed at the end (a ratio is only meaningful within one run on one machine).
// Ratios use CPU time per iteration (on a machine shared with other jobs wall time mostly
// measures how often the scheduler took the CPU away); a ratio compares benchmarks run with the
// same number of threads.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace selfheal::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override;
  // CPU nanoseconds per iteration of the benchmark named `name` (0 when it did not run).
  double ns(const std::string& name) const;
  // Wall (or manual) nanoseconds per iteration (0 when it did not run).
  double real_ns(const std::string& name) const;
  double counter(const std::string& name, const std::string& counter) const;

 private:
  std::map<std::string, double> ns_;
  std::map<std::string, double> real_ns_;
  std::map<std::string, std::map<std::string, double>> counters_;
};

struct Ratio {
  std::string what;
  std::string numerator;
  std::string denominator;
  std::string goal;
};

void print_ratios(const RatioReporter& reporter, const std::vector<Ratio>& ratios);

}  // namespace selfheal::bench
