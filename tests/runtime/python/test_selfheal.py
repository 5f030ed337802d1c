"""`import selfheal` as an application uses it, from the build tree (CTest sets PYTHONPATH to the
build's python/ and SELFHEAL_PLUGIN_DIR / SELFHEAL_SOURCE_DIR): follow mode without a daemon,
asyncio, zero-copy frames and keys, pool memory, errors, and heal mode building the real crate."""

import asyncio
import gc
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import numpy as np
import pytest

import selfheal

COMPONENTS = ("bloom_filter", "sliding_window", "memory_pool")
DIAGNOSERS = ("missing_rustup", "permission_error", "disk_full", "out_of_memory", "missing_dependencies",
              "build_failed", "not_built", "corrupted_binary", "incompatible_version")
STRATEGIES = ("build", "clean_build", "install_dependencies", "fix_permissions", "free_memory", "install_rust")


def dashed(name):
    return name.replace("_", "-")


class RustCoreWorld:
    """tests/support/rust_core_world.hpp in Python: a copy of the real rust-core crate (sources
    only, never built), a state folder and a manifest naming every diagnoser and strategy and the
    three components with both implementations and `prefer: rust`."""

    def __init__(self, root):
        self.root = root
        source = os.path.join(os.environ["SELFHEAL_SOURCE_DIR"], "plugins/components/rust-core")
        self.crate_dir = os.path.join(root, "crate")
        os.makedirs(self.crate_dir)
        for f in ("Cargo.toml", "Cargo.lock", "build.rs", "rust_core.h"):
            if os.path.exists(os.path.join(source, f)):
                shutil.copy(os.path.join(source, f), self.crate_dir)
        shutil.copytree(os.path.join(source, "src"), os.path.join(self.crate_dir, "src"))
        self.state_dir = os.path.join(root, "state")
        self.manifest = os.path.join(root, "plugins.yaml")
        self.write_manifest()

    def write_manifest(self):
        y = ["version: 1", "settings:",
             f"  state_dir: {self.state_dir}",
             f"  plugin_dir: {os.environ['SELFHEAL_PLUGIN_DIR']}",
             "  check_interval: 1", "  build_timeout: 120", "  max_retries: 3",
             "  backoff: {base: 0.01, cap: 0.05, reset_after: 1}",
             "  min_free_memory_mb: 0", "  min_free_disk_mb: 0", "  log_level: info",
             "crates:", "  - name: rust-core", f"    path: {self.crate_dir}",
             "    library: selfheal_rust_core", "    profile: release", "    abi_version: 1",
             "plugins:", "  diagnosers:"]
        for d in DIAGNOSERS:
            y += [f"    - name: {d}", f"      library: issue-{dashed(d)}.so"]
            if d == "corrupted_binary":
                y.append("      config: {required_symbols: [selfheal_abi_version, selfheal_build_info]}")
        y.append("  strategies:")
        for s in STRATEGIES:
            y += [f"    - name: {s}", f"      library: strategy-{dashed(s)}.so"]
        y.append("  components:")
        for c in COMPONENTS:
            for impl in ("cpp", "rust"):
                y += [f"    - name: {c}_{impl}", f"      library: component-{dashed(c)}-{impl}.so"]
        y.append("components:")
        for c in COMPONENTS:
            y += [f"  {c}:", f"    implementations: {{cpp: {c}_cpp, rust: {c}_rust}}", "    prefer: rust"]
        y += ["issues:", "  not_built: [build]", "  build_failed: [clean_build]",
              "  missing_dependencies: [install_dependencies, build]", "  incompatible_version: [clean_build]",
              "  corrupted_binary: [clean_build]", "  missing_rustup: [install_rust, build]",
              "  permission_error: [fix_permissions, build]", "  out_of_memory: [free_memory, build]",
              "  disk_full: []"]
        with open(self.manifest, "w") as f:
            f.write("\n".join(y) + "\n")


@pytest.fixture
def world():
    root = tempfile.mkdtemp(prefix="selfheal-py-")
    try:
        yield RustCoreWorld(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def loader(world):
    loader = selfheal.get_component_loader(world.manifest, mode="follow")
    loader.start()
    yield loader
    loader.stop()


def eventually(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def actives(loader):
    return {name: c["active_implementation"] for name, c in loader.get_component_status()["components"].items()}


def test_follow_without_a_daemon_serves_cpp_says_why_and_never_writes_the_state_folder(world, loader):
    bloom = loader.get_component("bloom_filter")
    assert isinstance(bloom, selfheal.BloomFilter)
    assert bloom.insert("https://example.org/a")
    assert not bloom.insert("https://example.org/a")
    assert "https://example.org/a" in bloom
    assert not bloom.contains("https://example.org/b")
    assert bloom.item_count == 1

    status = loader.get_component_status()
    # The original's shape ...
    assert status["loader_running"] is True
    assert "check_interval_seconds" in status
    assert set(status["components"]) == set(COMPONENTS)
    for c in status["components"].values():
        assert c["active_implementation"] == "cpp"
        impls = c["available_implementations"]
        assert set(impls) == {"cpp", "rust"}
        assert {"available", "performance_score", "error_count"} <= set(impls["cpp"])
        assert impls["cpp"]["available"] is True
    # ... and ours: why Rust is not served.
    assert status["mode"] == "follow"
    assert status["daemon_running"] is False
    assert "no `selfheal serve` daemon" in status["reason"], status["reason"]
    assert loader.status()["reason"] == status["reason"]
    assert not os.path.exists(world.state_dir)
    with pytest.raises(selfheal.Error, match="follow"):
        loader.serve_http("127.0.0.1:0")


def test_await_start_in_asyncio(world):
    async def main():
        loader = selfheal.get_component_loader(world.manifest)
        assert not loader.running
        started = await loader.start()
        assert started is loader
        assert loader.running
        bloom = loader.get_component("bloom_filter")
        bloom.insert(b"key")
        assert bloom.contains(b"key")
        loader.stop()
        assert not loader.running
        return bloom

    bloom = asyncio.run(main())
    with pytest.raises(selfheal.Error, match="stopped") as e:
        bloom.contains(b"key")  # through the bloom filter's own method wrappers
    assert e.value.kind == "other"


def test_context_manager_stops_and_components_of_a_stopped_loader_raise(world):
    with selfheal.get_component_loader(world.manifest) as loader:
        window = loader.get_component("sliding_window")
        pool = loader.get_component("memory_pool")
        kept = pool.allocate(64)
    assert not loader.running
    assert loader.get_component_status()["loader_running"] is False
    with pytest.raises(selfheal.Error, match="stopped"):
        window.add_frame(bytes(16), 4, 4)
    with pytest.raises(selfheal.Error, match="stopped"):
        kept.release()
    with pytest.raises(BufferError):
        memoryview(kept)
    with pytest.raises(selfheal.Error, match="not started"):
        loader.get_component("bloom_filter")
    loader.stop()  # stopping twice does nothing
    loader.start()  # a new runtime
    assert loader.get_component("bloom_filter").item_count == 0
    loader.stop()


def test_keys_are_str_or_any_bytes_like(loader):
    bloom = loader.get_component("bloom_filter")
    assert bloom.insert("é")
    assert "é".encode() in bloom  # str keys are their UTF-8
    assert bytearray("é".encode()) in bloom
    assert memoryview(b"xx\xc3\xa9yy")[2:4] in bloom
    assert np.frombuffer("é".encode(), dtype=np.uint8) in bloom
    assert b"other" not in bloom
    with pytest.raises(TypeError):
        bloom.insert(42)


def test_frames_are_read_in_place(loader):
    window = loader.get_component("sliding_window")
    frame = np.full((48, 64), 40, dtype=np.uint8)
    first = window.add_frame(frame, 64, 48)
    assert not first.is_duplicate
    assert window.is_duplicate(frame, 64, 48)
    # The same array changed in place: a copy taken at the first call would not see it.
    frame[:] = np.arange(64 * 48, dtype=np.uint64).reshape(48, 64) * 7919 % 251
    changed = window.add_frame(frame, 64, 48)
    assert not changed.is_duplicate
    assert changed.frame_hash != first.frame_hash
    assert changed.window_size >= 2

    raw = bytearray(b"\x10" * (32 * 32 * 3))
    a = window.add_frame(raw, 32, 32, channels=3, timestamp_us=1)
    raw[:] = bytes(range(256)) * (len(raw) // 256)
    b = window.add_frame(raw, 32, 32, channels=3, timestamp_us=2)
    assert a.frame_hash != b.frame_hash

    # A memoryview slice (contiguous) of a larger buffer.
    big = bytearray(100) + bytes(range(256)) * 16 + bytearray(100)
    sliced = window.add_frame(memoryview(big)[100:100 + 4096], 64, 64)
    assert sliced.frame_hash == window.add_frame(bytes(big[100:100 + 4096]), 64, 64).frame_hash
    assert 0.0 <= sliced.confidence <= 1.0


def test_a_large_frame_is_not_copied(loader):
    window = loader.get_component("sliding_window")
    frame = np.full((8192, 8192), 3, dtype=np.uint8)  # 64 MiB, touched
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    window.add_frame(frame, 8192, 8192)
    window.add_frame(memoryview(frame), 8192, 8192)
    # A copy would raise the peak RSS by 64 MiB (as bytes(frame) does); allow a little noise.
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) / 1024
    assert grown_mib < 16, f"peak RSS grew by {grown_mib:.0f} MiB during add_frame"


def test_non_contiguous_and_missized_frames_are_refused(loader):
    window = loader.get_component("sliding_window")
    strided = np.zeros((48, 128), dtype=np.uint8)[:, ::2]
    assert strided.shape == (48, 64) and not strided.flags["C_CONTIGUOUS"]
    with pytest.raises(ValueError, match="C-contiguous"):
        window.add_frame(strided, 64, 48)
    window.add_frame(np.ascontiguousarray(strided), 64, 48)
    with pytest.raises(ValueError, match="has 100 bytes, 64x48x1 needs 3072 bytes"):
        window.add_frame(bytes(100), 64, 48)
    with pytest.raises(ValueError, match="positive"):
        window.add_frame(b"", 0, 48)
    with pytest.raises(TypeError):
        window.add_frame("not a buffer", 4, 4)


def test_pool_buffers_are_writable_sized_and_released_once(loader):
    pool = loader.get_component("memory_pool")
    odd = pool.allocate(1000)  # views cover what was asked, not the pool's block
    assert odd.size == len(odd) == odd.memoryview.nbytes == 1000 and odd.capacity >= 1000
    gc.collect()
    odd.release()
    buf = pool.allocate(4096)
    assert buf.size == len(buf) == 4096 and buf.capacity >= 4096
    view = buf.memoryview
    assert not view.readonly and view.nbytes == buf.size and view.format == "B"
    view[:4] = b"\xde\xad\xbe\xef"
    arr = np.frombuffer(buf, dtype=np.uint8)  # the same memory, through the buffer protocol
    assert bytes(arr[:4]) == b"\xde\xad\xbe\xef"
    arr[4] = 7
    assert view[4] == 7
    # The memory cannot be released while a view points to it ...
    with pytest.raises(BufferError, match="exported"):
        buf.release()
    with pytest.raises(BufferError, match="exported"):
        loader.stop()
    assert loader.running
    view.release()
    del arr
    gc.collect()
    # ... and once released it cannot be viewed again, nor released twice.
    buf.release()
    assert buf.released
    with pytest.raises(BufferError, match="released"):
        memoryview(buf)
    with pytest.raises(selfheal.Error, match="already released"):
        buf.release()
    with pytest.raises(selfheal.Error) as e:
        pool.allocate(1 << 40)  # beyond the pool's largest size class
    assert e.value.kind == "invalid_argument"
    held = []
    with pytest.raises(selfheal.Error) as e:
        while len(held) < 100_000:  # until the pool's memory limit
            held.append(pool.allocate(1 << 20))
    assert e.value.kind == "out_of_memory" and held, str(e.value)
    for b in held:
        b.release()


def test_errors_unknown_component_bad_mode_bad_manifest(world, loader):
    with pytest.raises(selfheal.Error, match="no component no_such_component") as e:
        loader.get_component("no_such_component")
    assert e.value.kind == "not_found"
    with pytest.raises(ValueError, match="heal.*follow"):
        selfheal.get_component_loader(world.manifest, mode="repair")
    assert issubclass(selfheal.Error, RuntimeError)

    bad = os.path.join(world.root, "bad.yaml")
    with open(bad, "w") as f:
        f.write("version: 1\nsettings:\n  check_interval: often\n")
    bad_loader = selfheal.get_component_loader(bad)
    with pytest.raises(selfheal.Error) as e:
        bad_loader.start()
    assert f"{bad}:3:" in str(e.value)
    assert e.value.kind == "manifest"
    assert not bad_loader.running
    with pytest.raises(selfheal.Error, match="missing.yaml"):
        selfheal.get_component_loader(os.path.join(world.root, "missing.yaml")).start()
    with pytest.raises(selfheal.Error, match="not started"):
        selfheal.get_component_loader(world.manifest).status()


def test_threads_call_in_parallel_and_stop_waits_for_them(world):
    loader = selfheal.get_component_loader(world.manifest)
    loader.start()
    bloom = loader.get_component("bloom_filter")
    window = loader.get_component("sliding_window")
    errors, stopped, counts = [], [], [0] * 4
    go = threading.Event()

    def worker(n):
        frame = bytearray(n.to_bytes(1, "little") * (32 * 32))
        go.wait()
        i = 0
        try:
            while True:
                key = f"t{n}-{i}"
                bloom.insert(key)
                if key not in bloom:
                    errors.append(key)
                window.add_frame(frame, 32, 32)
                i += 1
                counts[n] = i
        except selfheal.Error as e:  # the only way out: the loader stopped under it
            stopped.append(str(e))
        except Exception as e:  # noqa: BLE001 - any other failure is the test's
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    go.set()
    assert eventually(lambda: min(counts) >= 200, 60), counts
    loader.stop()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert len(stopped) == 4 and all("stopped" in m for m in stopped), stopped


def test_on_change_needs_a_started_loader(world, loader):
    # Without a daemon nothing switches: the heal test sees the callbacks run.
    assert isinstance(loader.on_change(lambda component, change: None), int)
    with pytest.raises(selfheal.Error, match="not started"):
        selfheal.get_component_loader(world.manifest).on_change(print)


def test_heal_mode_builds_the_real_crate_and_serves_rust(world, monkeypatch):
    if shutil.which("cargo") is None and not os.path.exists(os.path.expanduser("~/.cargo/bin/cargo")):
        pytest.fail("cargo is not installed (scripts/install-deps.sh installs it)")
    loader = selfheal.get_component_loader(world.manifest, mode="heal")
    changes = []

    def on_change(component, change):
        changes.append((component, change))
        raise RuntimeError("raised in a callback: printed, not propagated")

    unraisable = []
    monkeypatch.setattr("sys.unraisablehook", unraisable.append)
    loader.start()
    try:
        loader.on_change(on_change)
        bloom = loader.get_component("bloom_filter")
        keys = [f"before-{i}" for i in range(1000)]
        for k in keys:
            bloom.insert(k)
        window = loader.get_component("sliding_window")
        frame = np.full((48, 64), 90, dtype=np.uint8)
        window.add_frame(frame, 64, 48)

        assert eventually(lambda: set(actives(loader).values()) == {"rust"}, 240), \
            json.dumps(loader.get_component_status(), indent=1)
        assert all(k in bloom for k in keys)
        assert bloom.item_count >= len(keys) * 0.99
        assert window.is_duplicate(frame, 64, 48)  # the window's frames migrated to Rust
        buf = loader.get_component("memory_pool").allocate(1024)
        buf.memoryview[:3] = b"abc"
        assert bytes(buf.memoryview[:3]) == b"abc"
        gc.collect()
        buf.release()
        assert eventually(lambda: {c for c, ch in changes if ch == "upgraded_to_rust"} == set(COMPONENTS), 10), changes
        # Each callback's exception went to sys.unraisablehook, none reached the runtime.
        assert len(unraisable) >= 3 and all(isinstance(u.exc_value, RuntimeError) for u in unraisable)

        address = loader.serve_http("127.0.0.1:0")
        with urllib.request.urlopen(f"http://{address}/self-healing/component-status", timeout=10) as r:
            body = json.load(r)
        assert body["components"]["bloom_filter"]["active_implementation"] == "rust"
        status = loader.get_component_status()
        assert status["mode"] == "heal" and status["reason"] == ""
    finally:
        loader.stop()


def test_the_installed_module_finds_the_installed_runtime(tmp_path):
    prefix = tmp_path / "prefix"
    for component in ("runtime", "python"):
        subprocess.run(["cmake", "--install", os.environ["SELFHEAL_BINARY_DIR"], "--prefix", str(prefix),
                        "--component", component], check=True, capture_output=True)
    site = prefix / "lib/python3/dist-packages"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LD_LIBRARY_PATH")}
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import selfheal; print(selfheal.__file__); "
            "print([l.split()[-1] for l in open('/proc/self/maps') if 'libselfheal.so' in l][0])")
    out = subprocess.run([sys.executable, "-c", code, str(site)], env=env, check=True, capture_output=True,
                         text=True).stdout.split()
    assert out[0].startswith(str(site)), out
    assert os.path.realpath(out[1]) == os.path.realpath(prefix / "lib/libselfheal.so.2.0.0"), out
