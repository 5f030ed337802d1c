# The two commands a user needs: `make run` and `make test`. Everything else is a helper.
JOBS ?= 2
CONFIG ?= config/plugins.yaml
# Debian's Python, which the module is built for (framework/runtime/python).
PYTHON ?= /usr/bin/python3

.PHONY: run test deps build test-asan test-tsan fuzz-smoke bench package clean

run: build
	./build/bin/selfheal serve --config $(CONFIG)

test: build
	ctest --preset default

deps:
	./scripts/install-deps.sh

build: deps
	@[ -f build/CMakeCache.txt ] || cmake --preset default
	cmake --build build -j$(JOBS)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer, in build-asan/.
test-asan: deps
	@[ -f build-asan/CMakeCache.txt ] || cmake --preset asan-ubsan
	cmake --build build-asan -j$(JOBS)
	ctest --preset asan-ubsan

# The concurrency tests (label "concurrency") under ThreadSanitizer, in build-tsan/: only their
# programs are built there.
TSAN_TARGETS ?= component_handle_test process_runner_test http_e2e_test http_unit_test health_snapshot_test selfheal runtime_test
test-tsan: deps
	@[ -f build-tsan/CMakeCache.txt ] || cmake --preset tsan
	cmake --build build-tsan -j$(JOBS) --target $(TSAN_TARGETS)
	ctest --preset tsan -L concurrency

# Each libFuzzer target (fuzz/README.md) for FUZZ_SECONDS from its seed corpus, in build-fuzz/
# (clang; only the fuzz targets and what they link are built). Fails on any crash.
FUZZ_TARGETS ?= fuzz_manifest fuzz_http_request fuzz_build_output fuzz_component_state
FUZZ_SECONDS ?= 12
fuzz-smoke:
	./scripts/install-deps.sh --fuzz
	@[ -f build-fuzz/CMakeCache.txt ] || cmake --preset fuzz
	cmake --build build-fuzz -j$(JOBS) --target $(FUZZ_TARGETS)
	./fuzz/run_smoke.sh build-fuzz/fuzz/bin $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bench: deps
	@[ -f build-bench/CMakeCache.txt ] || cmake --preset bench
	cmake --build build-bench -j$(JOBS)
	./build-bench/bin/selfheal-bench
	PYTHONPATH=build-bench/python $(PYTHON) bench/python_overhead.py --plugin-dir build-bench/lib/selfheal

# Debian packages (packaging/README.md): a Release tree in build-package/ configured for /usr,
# /etc/selfheal and /var/lib/selfheal, then CPack: build-package/selfheal_*.deb,
# libselfheal2_*.deb and libselfheal-sdk-dev_*.deb (`sudo apt install ./build-package/...deb`).
package: deps
	@[ -f build-package/CMakeCache.txt ] || cmake --preset package
	cmake --build build-package -j$(JOBS)
	cd build-package && cpack -G DEB

clean:
	rm -rf build build-asan build-tsan build-debug build-bench build-fuzz build-package
