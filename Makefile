# portals-mock: the commands a developer and CI use. CI runs `bash .ci/run`, which runs `make test`.
CARGO ?= cargo

.PHONY: run test fmt lint ci build conformance coverage examples-testing examples-report fuzz

## run: start the mock on 127.0.0.1:8089 (in-memory SQLite, built-in fixtures)
run:
	$(CARGO) run --locked -p portals-mock -- $(ARGS)

## test: build everything and run every test
test:
	$(CARGO) test --workspace --locked

## fuzz: run every fuzz target longer than make test does (request parser, router, bodies and
## queries, scenario files): FUZZ_ITERATIONS per target (default 1000000), FUZZ_SEED (default
## fixed; pass another for new inputs). A crash is saved under target/fuzz-crashes/; copy it
## into mock-server/fuzz/<target>/ or conformance/fuzz/scenario/ to keep it as a regression.
FUZZ_ITERATIONS ?= 1000000
fuzz:
	FUZZ_ITERATIONS=$(FUZZ_ITERATIONS) $(CARGO) test --locked -p portals-mock --test integration -- fuzz:: --test-threads 3 --nocapture
	FUZZ_ITERATIONS=$(FUZZ_ITERATIONS) $(CARGO) test --locked -p portals-conformance --lib -- scenario::fuzz --nocapture

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

## examples-testing: the README's "Testing your integration" examples (curl and Python requests)
## against a mock they start
examples-testing:
	$(CARGO) build --locked -q -p portals-mock
	bash examples/testing/run.sh

## examples-report: the HTML report of a deliberately divergent run, rendered and checked in
## headless chromium (installed with apt-get when missing)
examples-report:
	CARGO="$(CARGO)" bash examples/report/check.sh

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
