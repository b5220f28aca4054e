# Rill: a thin wrapper over CMake, because Redis users expect `make && make test`.
#
#   make          install missing Debian packages, build build/rill-server (release)
#   make run      ... and start it with conf/rill.conf on 127.0.0.1:6379
#   make test     unit + integration + compatibility tests
#   make asan     the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make tsan     unit + integration tests under ThreadSanitizer (a race stops the process)
#   make fuzz     libFuzzer targets (clang), FUZZ_SECONDS each (default 60)
#   make bench    rill-server vs redis-server side by side (utils/bench) + micro-benchmarks
#   make compat   only the real-client compatibility tests (redis-compat/)
#   make crash-test  the long kill -9 crash tests (CRASH_CYCLES, CRASH_CLIENTS; 50 each) and a
#                 restart from a base of RESTART_ENTRIES entries (10,000,000)
#   make format   clang-format every source file

JOBS ?= 2
BUILD ?= build
GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")
FUZZ_SECONDS ?= 60
CRASH_CYCLES ?= 50
CRASH_CLIENTS ?= 50
RESTART_ENTRIES ?= 10000000

.PHONY: all deps build run test asan tsan fuzz bench compat crash-test format clean

all: build

deps:
	@./deps/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/rill-server conf/rill.conf

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L 'unit|integration|compat'

asan: deps
	@cmake -S . -B build-asan $(GENERATOR) -DCMAKE_BUILD_TYPE=Debug \
		-DRILL_SANITIZE=address,undefined >/dev/null
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j $(JOBS) -L 'unit|integration'

tsan: deps
	@cmake -S . -B build-tsan $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DRILL_SANITIZE=thread >/dev/null
	@cmake --build build-tsan -j $(JOBS)
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS) -L 'unit|integration'

fuzz: deps
	@CC=clang CXX=clang++ cmake -S . -B build-fuzz $(GENERATOR) -DCMAKE_BUILD_TYPE=Debug \
		-DRILL_BUILD_FUZZ=ON -DRILL_BUILD_TESTS=OFF -DRILL_SANITIZE=address,undefined >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	./tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

bench: build
	@cmake -S . -B $(BUILD) -DRILL_BUILD_BENCH=ON >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)
	./$(BUILD)/tests/bench/rill_bench
	./utils/bench/compare.sh --server ./$(BUILD)/rill-server
	./utils/bench/cpu-per-request.sh --server ./$(BUILD)/rill-server
	./utils/bench/stream-compare.sh --server ./$(BUILD)/rill-server
	./utils/bench/stream-memory.sh --server ./$(BUILD)/rill-server

crash-test: build
	RILL_CRASH_CYCLES=$(CRASH_CYCLES) RILL_CRASH_CLIENTS=$(CRASH_CLIENTS) \
		RILL_RESTART_ENTRIES=$(RESTART_ENTRIES) ./$(BUILD)/tests/integration_test \
		--gtest_filter='PersistenceTest.KillNine*:PersistenceTest.RestartFromBaseAndIncrement*'

compat: build
	cd $(BUILD) && ctest --output-on-failure -L compat

format:
	find src tests -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf build build-asan build-fuzz
