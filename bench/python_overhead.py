#!/usr/bin/env python3
"""The Python call overhead of `import selfheal`: ns per `bloom.contains(key)` through the module
vs a Python `set` lookup (`key in s`), on the same 100k keys, in one run.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_overhead.py --plugin-dir build/lib/selfheal

Without --manifest it writes a manifest of its own (the C++ bloom filter only, follow mode, no
daemon: what an application gets before Rust is built). Rounds are interleaved (set, module, set,
...) so that load from other jobs on a shared machine lands on both sides; it prints the medians.
Each figure is net of the bare `for k in keys: pass` loop, which is timed the same way.
"""

import argparse
import os
import statistics
import sys
import tempfile
import timeit

import selfheal

# Follow mode only reads the crate's state (nothing is built or written).
CRATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "plugins", "components", "rust-core")


def write_manifest(root, plugin_dir):
    path = os.path.join(root, "plugins.yaml")
    with open(path, "w") as f:
        f.write(
            "version: 1\n"
            "settings:\n"
            f"  state_dir: {os.path.join(root, 'state')}\n"
            f"  plugin_dir: {plugin_dir}\n"
            "  log_level: warning\n"
            "crates:\n"
            "  - name: rust-core\n"
            f"    path: {CRATE}\n"
            "    library: selfheal_rust_core\n"
            "plugins:\n"
            "  components:\n"
            "    - name: bloom_filter_cpp\n"
            "      library: component-bloom-filter-cpp.so\n"
            "components:\n"
            "  bloom_filter:\n"
            "    implementations: {cpp: bloom_filter_cpp}\n")
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plugin-dir", help="the build's plugin dir (build/lib/selfheal)")
    ap.add_argument("--manifest", help="use this manifest instead (follow mode)")
    ap.add_argument("--keys", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    if not args.manifest and not args.plugin_dir:
        ap.error("--plugin-dir or --manifest is needed")

    with tempfile.TemporaryDirectory(prefix="selfheal-bench-py-") as root:
        manifest = args.manifest or write_manifest(root, os.path.abspath(args.plugin_dir))
        loader = selfheal.get_component_loader(manifest, mode="follow")
        loader.start()
        try:
            bloom = loader.get_component("bloom_filter")
            keys = [f"https://example.org/item/{i}" for i in range(args.keys)]
            s = set()
            for k in keys:
                bloom.insert(k)
                s.add(k)
            assert all(bloom.contains(k) for k in keys[:1000])
            active = loader.get_component_status()["components"]["bloom_filter"]["active_implementation"]

            env = {"keys": keys, "s": s, "bloom": bloom}
            stmts = {
                "loop": "for k in keys: pass",
                "set": "for k in keys: k in s",
                "contains": "for k in keys: bloom.contains(k)",
                "in": "for k in keys: k in bloom",
            }
            timers = {name: timeit.Timer(stmt, globals=env) for name, stmt in stmts.items()}
            for t in timers.values():  # warm up
                t.timeit(1)
            samples = {name: [] for name in stmts}
            for _ in range(args.rounds):
                for name, t in timers.items():
                    samples[name].append(t.timeit(1) * 1e9 / len(keys))
        finally:
            loader.stop()

    med = {name: statistics.median(v) for name, v in samples.items()}
    net = {name: max(med[name] - med["loop"], 0.001) for name in ("set", "contains", "in")}
    print(f"python overhead: {len(keys)} keys, {args.rounds} interleaved rounds, medians, "
          f"bloom_filter on {active}, Python {sys.version.split()[0]}")
    print(f"  empty loop                 {med['loop']:8.1f} ns/key (subtracted below)")
    print(f"  set lookup (key in s)      {net['set']:8.1f} ns")
    print(f"  bloom.contains(key)        {net['contains']:8.1f} ns")
    print(f"  key in bloom               {net['in']:8.1f} ns")
    print(f"  ratio bloom.contains / set lookup: {net['contains'] / net['set']:.2f}")
    print(f"  ratio key in bloom / set lookup:   {net['in'] / net['set']:.2f}")


if __name__ == "__main__":
    main()
