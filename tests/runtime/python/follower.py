"""A Python application following a selfheal daemon, for the fault loop (fault_loop_test.cpp).

The same work as examples/dedup in Python: URLs into the Bloom filter, raw frames written into
pool buffers through writable memoryviews and analysed in place (no copy), a ring of buffers in
flight, every call's failure counted. Writes the same report (key=value lines).

usage: follower.py MANIFEST REPORT (--until-signal [--rate FPS] | --frames N)
"""
import os
import signal
import sys
import time

import selfheal

WIDTH, HEIGHT, CHANNELS = 64, 48, 3
FRAME_BYTES = WIDTH * HEIGHT * CHANNELS
SCENES = 48
IN_FLIGHT = 8


def scene_of(i):
    x = (i * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
    return (x >> 33) % SCENES


def url_of(i):
    return "https://media.example.org/py/%d" % (i // 2 if i % 4 == 3 else i)


def main(argv):
    manifest, report = argv[1], argv[2]
    until_signal = "--until-signal" in argv
    frames = int(argv[argv.index("--frames") + 1]) if "--frames" in argv else 0
    rate = float(argv[argv.index("--rate") + 1]) if "--rate" in argv else 0.0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))

    scenes = [bytes((s * 29 + k * (s % 5 + 1)) % 256 for k in range(256)) * (FRAME_BYTES // 256) for s in range(SCENES)]
    loader = selfheal.get_component_loader(manifest, mode="follow")
    loader.start()
    changes = []

    def on_change(component, change):
        changes.append("%d %s %s" % (time.time() * 1000, component, change))
        print("switch: %s %s" % (component, change), flush=True)

    loader.on_change(on_change)
    bloom = loader.get_component("bloom_filter")
    window = loader.get_component("sliding_window")
    pool = loader.get_component("memory_pool")

    failed = lost = damaged = allocations = releases = 0
    verdicts = []
    in_flight = []

    def release_oldest():
        nonlocal failed, damaged, releases
        buf, scene = in_flight.pop(0)
        with buf.memoryview as view:
            if view.tobytes() != scenes[scene]:
                damaged += 1
        try:
            buf.release()
            releases += 1
        except selfheal.Error as e:
            failed += 1
            print("release: %s" % e, file=sys.stderr)

    start = time.monotonic()
    i = 0
    while (not stop) if until_signal else i < frames:
        try:
            bloom.insert(url_of(i))
            if i > 0 and url_of((i * 7919) % i) not in bloom:
                lost += 1
            buf = pool.allocate(FRAME_BYTES)
            allocations += 1
            scene = scene_of(i)
            with buf.memoryview as view:
                view[:FRAME_BYTES] = scenes[scene]
                r = window.add_frame(view[:FRAME_BYTES], WIDTH, HEIGHT, CHANNELS, i * 33333)
            verdicts.append("1" if r.is_duplicate else "0")
            in_flight.append((buf, scene))
            if len(in_flight) > IN_FLIGHT:
                release_oldest()
        except selfheal.Error as e:
            failed += 1
            print("call failed: %s" % e, file=sys.stderr)
        i += 1
        if rate > 0:
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    while in_flight:
        release_oldest()
    for j in range(i):
        if url_of(j) not in bloom:
            lost += 1
    served = " ".join("%s=%s" % (c["name"], c["active"]) for c in sorted(
        ({"name": n, "active": v["active_implementation"]} for n, v in loader.status()["components"].items()),
        key=lambda c: c["name"]))
    print("frames: %d, failed calls: %d, keys lost: %d, damaged buffers: %d, served by: %s"
          % (i, failed, lost, damaged, served), flush=True)
    with open(report + ".tmp", "w") as out:
        out.write("frames=%d\nfailed_calls=%d\nlost_keys=%d\nallocations=%d\nreleases=%d\n"
                  "damaged_buffers=%d\nserved_by=%s\nverdicts=%s\n"
                  % (i, failed, lost, allocations, releases, damaged, served, "".join(verdicts)))
        for c in changes:
            out.write("change=%s\n" % c)
    os.rename(report + ".tmp", report)
    loader.stop()
    return 0 if failed == lost == damaged == 0 and allocations == releases else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
