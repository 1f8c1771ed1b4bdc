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

clean:
	rm -rf .build plates
