// selfheal-dedup: an application of the selfheal runtime. It deduplicates two streams at once,
// the way a video ingest service does:
// - raw RGB video frames: each frame is written into a buffer from the memory pool (no copy
//   after that) and checked against the sliding window of recent frames;
// - URLs: each is checked and added to the Bloom filter of URLs already seen.
// It prints its throughput and which implementation served each component, and every switch.
//
//   selfheal-dedup --config /etc/selfheal/plugins.yaml [--mode follow|heal]
//                  [--frames N | --until-signal] [--rate FPS] [--report FILE]
//
// --rate paces the stream like a camera (frames per second); without it, as fast as it goes.
// --report writes what the fault tests check (key=value lines): failed calls, keys lost, pool
// buffers damaged or released twice, and the duplicate verdict of every frame.
#include <selfheal/runtime.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

std::atomic<bool> stop_requested{false};
void on_signal(int) { stop_requested = true; }

constexpr std::uint32_t kWidth = 320, kHeight = 240, kChannels = 3;
constexpr std::size_t kFrameBytes = std::size_t{kWidth} * kHeight * kChannels;
constexpr std::size_t kBuffersInFlight = 8;  // frames still being "encoded" while new ones arrive
constexpr std::uint32_t kScenes = 48;

// Frame i shows scene scene_of(i): scenes recur at varying distances, some within the window
// (duplicates) and some beyond it, so the verdicts depend on the window's state.
std::uint32_t scene_of(std::uint64_t i) {
  std::uint64_t x = i * 6364136223846793005ull + 1442695040888963407ull;
  return static_cast<std::uint32_t>((x >> 33) % kScenes);
}
std::uint8_t pixel(std::uint32_t scene, std::size_t offset) {
  const std::size_t x = (offset / kChannels) % kWidth, y = offset / (kChannels * kWidth);
  return static_cast<std::uint8_t>(x * (scene % 7 + 1) + y * (scene / 7 + 1) + scene * 29 + offset % kChannels * 50);
}
// What the camera delivers: each scene's frame, rendered once.
std::vector<std::vector<std::uint8_t>> render_scenes() {
  std::vector<std::vector<std::uint8_t>> scenes(kScenes, std::vector<std::uint8_t>(kFrameBytes));
  for (std::uint32_t s = 0; s < kScenes; ++s)
    for (std::size_t o = 0; o < kFrameBytes; ++o) scenes[s][o] = pixel(s, o);
  return scenes;
}
// Every fourth URL is one seen before.
std::string url_of(std::uint64_t i) {
  return "https://media.example.org/v/" + std::to_string(i % 4 == 3 ? i / 2 : i);
}

struct InFlight {
  selfheal::PoolBuffer buffer;
  std::uint32_t scene;
};

struct Args {
  std::string config;
  selfheal::Mode mode = selfheal::Mode::follow;
  std::uint64_t frames = 2000;
  bool until_signal = false;
  double rate = 0;  // frames per second; 0: unpaced
  std::string report;
};

bool parse(int argc, char** argv, Args& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--config") a.config = value();
    else if (arg == "--mode") {
      const auto m = value();
      if (m != "heal" && m != "follow") return false;
      a.mode = m == "heal" ? selfheal::Mode::heal : selfheal::Mode::follow;
    } else if (arg == "--frames") a.frames = std::stoull(value());
    else if (arg == "--until-signal") a.until_signal = true;
    else if (arg == "--rate") a.rate = std::stod(value());
    else if (arg == "--report") a.report = value();
    else return false;
  }
  return !a.config.empty();
}

std::string implementations(const selfheal::Runtime& rt) {
  std::string s;
  for (const auto& c : rt.status().components) s += (s.empty() ? "" : " ") + c.name + "=" + c.active;
  return s;
}

long long wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse(argc, argv, args)) {
    std::cerr << "usage: selfheal-dedup --config FILE [--mode follow|heal] [--frames N | --until-signal] "
                 "[--rate FPS] [--report FILE]\n";
    return 2;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  std::shared_ptr<selfheal::Runtime> rt;
  try {
    rt = selfheal::Runtime::open({.manifest = args.config, .mode = args.mode});
  } catch (const selfheal::Error& e) {
    std::cerr << "selfheal-dedup: " << e.what() << "\n";
    return 1;
  }
  std::mutex changes_mutex;
  std::vector<std::string> changes;  // "<wall ms> <component> <change>"
  rt->on_change([&](const selfheal::Change& c) {
    const auto line = std::to_string(wall_ms()) + " " + c.component + " " + c.change;
    std::cout << "switch: " << c.component << " " << c.change << std::endl;
    std::lock_guard lock(changes_mutex);
    changes.push_back(line);
  });
  selfheal::BloomFilter seen_urls = rt->bloom_filter();
  selfheal::SlidingWindow recent_frames = rt->sliding_window();
  selfheal::MemoryPool frame_buffers = rt->memory_pool();
  std::cout << "serving: " << implementations(*rt) << std::endl;

  std::uint64_t failed_calls = 0, lost_keys = 0, url_duplicates = 0, frame_duplicates = 0;
  std::uint64_t allocations = 0, releases = 0, damaged_buffers = 0;
  std::string verdicts;  // one '0'/'1' per frame
  std::deque<InFlight> in_flight;
  const auto scenes = render_scenes();

  auto release_oldest = [&] {
    const auto f = in_flight.front();
    in_flight.pop_front();
    if (std::memcmp(f.buffer.data, scenes[f.scene].data(), kFrameBytes) != 0) ++damaged_buffers;
    try {
      frame_buffers.release(f.buffer);
      ++releases;
    } catch (const selfheal::Error& e) {
      ++failed_calls;
      std::cerr << "release: " << e.what() << "\n";
    }
  };

  const auto start = std::chrono::steady_clock::now();
  auto last_progress = start;
  std::uint64_t i = 0;
  for (; args.until_signal ? !stop_requested.load() : i < args.frames; ++i) {
    try {
      // URLs: the filter answers "seen before?" and remembers.
      if (!seen_urls.insert(url_of(i))) ++url_duplicates;
      if (i > 0 && !seen_urls.contains(url_of((i * 7919) % i))) ++lost_keys;  // a key from earlier

      // Frames: received once into a pool buffer, analysed in place.
      auto buffer = frame_buffers.allocate(kFrameBytes);
      ++allocations;
      const auto scene = scene_of(i);
      auto* p = static_cast<std::uint8_t*>(buffer.data);
      std::memcpy(p, scenes[scene].data(), kFrameBytes);
      const auto r = recent_frames.add_frame(
          {{p, kFrameBytes}, kWidth, kHeight, kChannels, static_cast<std::int64_t>(i) * 33'333});
      verdicts += r.is_duplicate ? '1' : '0';
      frame_duplicates += r.is_duplicate;
      in_flight.push_back({buffer, scene});
      if (in_flight.size() > kBuffersInFlight) release_oldest();
    } catch (const selfheal::Error& e) {
      ++failed_calls;
      std::cerr << "call failed: " << e.what() << "\n";
    }
    if (args.rate > 0)
      std::this_thread::sleep_until(start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                std::chrono::duration<double>((i + 1) / args.rate)));
    if (args.until_signal && std::chrono::steady_clock::now() - last_progress > std::chrono::seconds(5)) {
      last_progress = std::chrono::steady_clock::now();
      std::cout << "progress: " << i << " frames, " << implementations(*rt) << std::endl;
    }
  }
  while (!in_flight.empty()) release_oldest();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Every URL inserted is still there, whatever switched meanwhile.
  for (std::uint64_t j = 0; j < i; ++j)
    if (!seen_urls.contains(url_of(j))) ++lost_keys;

  std::cout << "frames: " << i << " (" << frame_duplicates << " duplicates), urls: " << i << " ("
            << url_duplicates << " seen before) in " << seconds << " s\n"
            << "throughput: " << static_cast<std::uint64_t>(i / seconds) << " frames/s ("
            << static_cast<std::uint64_t>(i * kFrameBytes / seconds / 1e6) << " MB/s), "
            << static_cast<std::uint64_t>(2 * i / seconds) << " URL calls/s\n"
            << "served by: " << implementations(*rt) << "\n"
            << "failed calls: " << failed_calls << ", keys lost: " << lost_keys
            << ", damaged buffers: " << damaged_buffers << std::endl;
  if (!args.report.empty()) {
    std::ofstream out(args.report + ".tmp");
    out << "frames=" << i << "\nfailed_calls=" << failed_calls << "\nlost_keys=" << lost_keys
        << "\nallocations=" << allocations << "\nreleases=" << releases
        << "\ndamaged_buffers=" << damaged_buffers << "\nserved_by=" << implementations(*rt)
        << "\nverdicts=" << verdicts << "\n";
    std::lock_guard lock(changes_mutex);
    for (const auto& c : changes) out << "change=" << c << "\n";
    out.close();
    std::rename((args.report + ".tmp").c_str(), args.report.c_str());
  }
  return failed_calls == 0 && lost_keys == 0 && damaged_buffers == 0 && allocations == releases ? 0 : 1;
}
