# portals-mock: the commands a developer and CI use. CI runs `bash .ci/run`, which runs `make test`.
# `make bench` (not in CI: it times things) measures speed and writes bench/RESULTS.md.
CARGO ?= cargo

.PHONY: run test fmt lint ci build conformance coverage bench

## run: start the mock on 127.0.0.1:8089 (in-memory SQLite, built-in fixtures)
run:
	$(CARGO) run --locked -p portals-mock -- $(ARGS)

## test: build everything and run every test
test:
	$(CARGO) test --workspace --locked

## conformance: replay fixtures/scenarios against $(ZOHO_API_DOMAIN) with the ZOHO_* credentials,
## or against the embedded mock when ZOHO_API_DOMAIN is not set (ARGS: more runner options)
conformance:
ifdef ZOHO_API_DOMAIN
	$(CARGO) run --locked -q -p portals-conformance -- --target "$(ZOHO_API_DOMAIN)" $(ARGS)
else
	@echo "ZOHO_API_DOMAIN is not set: running the scenarios against the embedded mock"
	$(CARGO) run --locked -q -p portals-conformance -- --target mock $(ARGS)
endif

## coverage: write fixtures/COVERAGE.md, the map of documented outcomes to scenarios
coverage:
	$(CARGO) run --locked -q -p portals-conformance -- coverage --out fixtures/COVERAGE.md

## bench: release-build the mock, the suite runner and portals-bench, measure them against a bare
## hyper server on loopback, print the table and write bench/RESULTS.md (ARGS: portals-bench options)
bench:
	$(CARGO) build --release --locked -p portals-mock -p portals-bench -p portals-conformance
	"$${CARGO_TARGET_DIR:-target}/release/portals-bench" $(ARGS)

## fmt: check formatting
fmt:
	$(CARGO) fmt --all -- --check

## lint: clippy with warnings as errors
lint:
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

## ci: what a careful contributor runs before pushing
ci: fmt lint test

build:
	$(CARGO) build --workspace --locked
