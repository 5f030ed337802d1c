#include "healer/resource_trend.hpp"

#include <algorithm>
#include <iterator>
#include <optional>

namespace selfheal {
namespace {

using Samples = std::deque<ResourceSample>;

struct Line {
  double slope = 0;  // bytes per second
  double fit = 0;    // R²: 1 is a perfect line
};

// The least-squares line through (time, value) of [first, last); nullopt when the samples do not
// span any time.
template <class Value>
std::optional<Line> fit_line(Samples::const_iterator first, Samples::const_iterator last, Value value) {
  const auto t0 = first->at;
  double n = 0, st = 0, sv = 0, stt = 0, stv = 0, svv = 0;
  for (auto it = first; it != last; ++it) {
    const double t = std::chrono::duration<double>(it->at - t0).count();
    const double v = static_cast<double>(value(*it));
    n += 1;
    st += t;
    sv += v;
    stt += t * t;
    stv += t * v;
    svv += v * v;
  }
  const double var_t = n * stt - st * st;
  if (n < 2 || var_t <= 0) return std::nullopt;  // all at the same instant
  const double var_v = n * svv - sv * sv;
  const double cov = n * stv - st * sv;
  Line line;
  line.slope = cov / var_t;
  line.fit = var_v > 0 ? (cov * cov) / (var_t * var_v) : 0.0;  // a flat line explains nothing
  return line;
}

}  // namespace

std::string ResourceWarning::text() const {
  std::string span;
  if (falling_for.count() > 0)
    span = " (for " + std::to_string(std::max<std::int64_t>(1, falling_for.count() / 60)) + " min)";
  return resource + " free (" + std::to_string(available_bytes >> 20) + " MiB) is falling" + span +
         " and will be below the " + std::to_string(floor_bytes >> 20) +
         " MiB a build needs in about " +
         std::to_string(std::max<std::int64_t>(1, time_left.count() / 60)) + " min";
}

ResourceTrend::ResourceTrend(TrendRules rules) : rules_(rules) {
  rules_.min_samples = std::max<std::size_t>(rules_.min_samples, 4);  // two per half at least
}

void ResourceTrend::add(const ResourceSample& sample) {
  if (fixes_running_ > 0 || sample.at < quiet_from_) return;
  if (!samples_.empty() && sample.at - samples_.back().at < rules_.min_spacing) return;
  samples_.push_back(sample);
  while (!samples_.empty() && sample.at - samples_.front().at > rules_.window) samples_.pop_front();
}

void ResourceTrend::fix_started() {
  ++fixes_running_;
  samples_.clear();
}

void ResourceTrend::fix_ended(std::chrono::steady_clock::time_point at) {
  if (fixes_running_ > 0) --fixes_running_;
  quiet_from_ = std::max(quiet_from_, at + rules_.settle);
}

std::vector<ResourceWarning> ResourceTrend::warnings(std::uint64_t disk_floor,
                                                     std::uint64_t memory_floor) const {
  std::vector<ResourceWarning> out;
  if (samples_.size() < rules_.min_samples) return out;
  const auto span = samples_.back().at - samples_.front().at;
  if (span < rules_.min_span) return out;
  auto check = [&](const char* name, auto value, std::uint64_t floor) {
    if (floor == 0) return;  // no minimum configured: nothing to predict against
    const double now = static_cast<double>(value(samples_.back()));
    // Already below: the diagnosers act. Far above: a straight line is no forecast.
    if (now <= static_cast<double>(floor) || now > rules_.near_floor * static_cast<double>(floor)) return;
    const auto middle = samples_.begin() + static_cast<std::ptrdiff_t>(samples_.size() / 2);
    const auto all = fit_line(samples_.begin(), samples_.end(), value);
    const auto early = fit_line(samples_.begin(), middle, value);
    const auto late = fit_line(middle, samples_.end(), value);
    if (!all || !early || !late) return;
    // Falling all along, not a dip and a recovery nor a step.
    if (all->slope >= 0 || early->slope >= 0 || late->slope >= 0 || all->fit < rules_.min_fit) return;
    const double left = (now - static_cast<double>(floor)) / -all->slope;
    if (left > static_cast<double>(rules_.horizon.count())) return;
    ResourceWarning w;
    w.resource = name;
    w.time_left = std::chrono::seconds(static_cast<std::int64_t>(left));
    w.falling_for = std::chrono::duration_cast<std::chrono::seconds>(span);
    w.available_bytes = value(samples_.back());
    w.floor_bytes = floor;
    out.push_back(w);
  };
  check("disk", [](const ResourceSample& s) { return s.disk_free_bytes; }, disk_floor);
  check("memory", [](const ResourceSample& s) { return s.memory_available_bytes; }, memory_floor);
  return out;
}

}  // namespace selfheal
