# The two set-up commands of the README: `make demo` and `make test`.
SHELL := /bin/bash
DEMO_SHOT ?= Farm/shots/courtyard_short.yaml
DEMO_OUT ?= plates

.PHONY: deps build release demo test clean

deps:
	@Farm/install-deps.sh

build: deps
	swift build

release: deps
	swift build -c release

# Renders the example shot on this machine and says where the plates are.
demo: release
	.build/release/scenefarm render $(DEMO_SHOT) --out $(DEMO_OUT) --plate-version next

# The whole test suite (CI runs exactly this).
test: deps
	swift build --build-tests
	swift test --skip-build --disable-xctest
	Fuzz/fuzz.sh build
	Fuzz/fuzz.sh ci $(FUZZ_CI_SECONDS)

# libFuzzer targets (Docs/security.md, "Fuzzing"), built in .build-fuzz: `make fuzz` runs each for
# FUZZ_SECONDS (default 600) and keeps what it learns in .build-fuzz/corpus; `make test` runs
# each for FUZZ_CI_SECONDS (default 10) with a fixed seed from the committed seeds.
.PHONY: fuzz
FUZZ_SECONDS ?= 600
FUZZ_CI_SECONDS ?= 10
fuzz: deps
	Fuzz/fuzz.sh build
	Fuzz/fuzz.sh run $(FUZZ_SECONDS)

# Fault soak, not part of `make test`: three nodes and a coordinator on loopback render rounds of
# 400 frames while nodes are stopped, killed and restarted and the coordinator restarts; passes
# when the plates match `scenefarm render` and the published versions hold nothing else.
# Bounded: SOAK_SECONDS of faults (default 240), then the round under way and the checks.
.PHONY: soak
SOAK_SECONDS ?= 240
soak: build
	Farm/soak/fault-soak.sh $(SOAK_SECONDS)

clean:
	rm -rf .build plates
