# Thin wrapper around CMake. `make` builds build/vigil, `make test` runs the
# whole suite, `make demo` runs the main job end to end.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SHARED ?= $(CURDIR)/../shared
CMAKE_FLAGS ?=

.PHONY: all deps configure test unit e2e demo asan bench fuzz clean format

all: $(BUILD)/vigil

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DVIGIL_SHARED_DIR=$(SHARED) $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

$(BUILD)/vigil: deps $(BUILD)/CMakeCache.txt FORCE
	cmake --build $(BUILD) -j $(JOBS)

test: $(BUILD)/vigil
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

unit: $(BUILD)/vigil
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

e2e: $(BUILD)/vigil
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L e2e

# AddressSanitizer + UBSan build of the whole suite, warnings as errors.
asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DVIGIL_SHARED_DIR=$(SHARED) \
		-DVIGIL_SANITIZE=address,undefined -DVIGIL_WERROR=ON $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

demo: $(BUILD)/vigil
	scripts/demo.sh $(BUILD)/vigil $(SHARED) $(BUILD)/demo.db

bench: $(BUILD)/vigil
	bench/run.sh $(BUILD)/vigil $(SHARED)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

FORCE:

# libFuzzer runs of every tests/fuzz target (clang; FUZZ_SECONDS each, default 60).
fuzz: deps
	SHARED=$(SHARED) scripts/fuzz.sh
