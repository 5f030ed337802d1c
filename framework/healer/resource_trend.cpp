#include "healer/resource_trend.hpp"

#include <sys/statvfs.h>

#include <filesystem>
#include <fstream>
#include <optional>

namespace selfheal {
namespace {

// Seconds until the least-squares line through (time, value) reaches `floor`; nullopt when the
// trend is flat or rising, or there are too few samples to tell.
template <class Value>
std::optional<double> seconds_to_floor(const std::deque<ResourceSample>& samples, Value value,
                                       std::uint64_t floor) {
  if (samples.size() < 3) return std::nullopt;
  const auto t0 = samples.front().at;
  double n = 0, st = 0, sv = 0, stt = 0, stv = 0;
  for (const auto& s : samples) {
    const double t = std::chrono::duration<double>(s.at - t0).count();
    const double v = static_cast<double>(value(s));
    n += 1;
    st += t;
    sv += v;
    stt += t * t;
    stv += t * v;
  }
  const double denominator = n * stt - st * st;
  if (denominator <= 0) return std::nullopt;  // all at the same instant
  const double slope = (n * stv - st * sv) / denominator;  // bytes per second
  if (slope >= 0) return std::nullopt;
  const double now = static_cast<double>(value(samples.back()));
  if (now <= static_cast<double>(floor)) return std::nullopt;  // already below: diagnosers act
  return (now - static_cast<double>(floor)) / -slope;
}

}  // namespace

std::string ResourceWarning::text() const {
  return resource + " free (" + std::to_string(available_bytes >> 20) + " MiB) is falling and " +
         "will be below the " + std::to_string(floor_bytes >> 20) + " MiB a build needs in about " +
         std::to_string(std::max<std::int64_t>(1, time_left.count() / 60)) + " min";
}

ResourceTrend::ResourceTrend(std::size_t window, std::chrono::seconds horizon)
    : window_(window < 3 ? 3 : window), horizon_(horizon) {}

void ResourceTrend::add(const ResourceSample& sample) {
  samples_.push_back(sample);
  while (samples_.size() > window_) samples_.pop_front();
}

std::vector<ResourceWarning> ResourceTrend::warnings(std::uint64_t disk_floor,
                                                     std::uint64_t memory_floor) const {
  std::vector<ResourceWarning> out;
  auto check = [&](const char* name, auto value, std::uint64_t floor) {
    if (floor == 0) return;  // no minimum configured: nothing to predict against
    auto left = seconds_to_floor(samples_, value, floor);
    if (!left || *left > static_cast<double>(horizon_.count())) return;
    ResourceWarning w;
    w.resource = name;
    w.time_left = std::chrono::seconds(static_cast<std::int64_t>(*left));
    w.available_bytes = value(samples_.back());
    w.floor_bytes = floor;
    out.push_back(w);
  };
  check("disk", [](const ResourceSample& s) { return s.disk_free_bytes; }, disk_floor);
  check("memory", [](const ResourceSample& s) { return s.memory_available_bytes; }, memory_floor);
  return out;
}

ResourceSample ResourceTrend::measure(const std::string& build_dir) {
  ResourceSample s;
  s.at = std::chrono::steady_clock::now();
  std::filesystem::path where = build_dir;
  std::error_code ec;
  while (!where.empty() && !std::filesystem::exists(where, ec) && where != where.parent_path())
    where = where.parent_path();
  struct statvfs vfs {};
  if (!where.empty() && ::statvfs(where.c_str(), &vfs) == 0)
    s.disk_free_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  std::ifstream meminfo("/proc/meminfo");
  std::string key, unit;
  std::uint64_t kib = 0;
  while (meminfo >> key >> kib >> unit)
    if (key == "MemAvailable:") {
      s.memory_available_bytes = kib * 1024;
      break;
    }
  return s;
}

}  // namespace selfheal
