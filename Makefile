# portals-mock: the commands a developer and CI use. CI runs `bash .ci/run`: fmt, lint, test, examples.
# `make bench` (not in CI: it times things) measures speed and writes bench/RESULTS.md;
# `make bench-peers` (not in CI either: it also downloads) writes bench/PEERS.md.
CARGO ?= cargo

.PHONY: run test fmt lint ci build conformance coverage bench bench-peers examples examples-python examples-node examples-mock examples-testing examples-report examples-dashboard oas-check fuzz examples-wheel wheel dist image

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

## examples-dashboard: the dashboard (GET /__mock/ui) driven in headless chromium (installed with
## apt-get when missing): requests appear, filters, one opened; prints the screenshot's path
## (UPDATE_DOCS=1 also refreshes docs/dashboard.png, the README's)
examples-dashboard:
	CARGO="$(CARGO)" bash examples/dashboard/check.sh

## dist: statically linked Linux binaries of both tools in target/dist/ (portals-mock,
## portals-conformance, SHA256SUMS), checked (no ELF interpreter, no shared library; run from an
## empty directory with an empty environment: the mock serves and checks its health, the runner
## passes the portals scenarios against it), then `cargo package` of both crates (verified: each
## builds from its package alone). One build per tool, so the mock links no TLS.
DIST_TARGET := x86_64-unknown-linux-gnu
TARGET_DIR = $${CARGO_TARGET_DIR:-target}
DIST_DIR = $(TARGET_DIR)/dist
DIST_RUSTFLAGS := -C target-feature=+crt-static
# `cargo package` verifies portals-conformance against portals-mock from a registry of its own
# (target/package/tmp-registry). Cargo takes a registry's crates for immutable: it unpacks that copy
# into $$CARGO_HOME/registry/src/<hash of the registry's path>/ once, and never checks whether a
# build from it is out of date. A second `make dist` in the same checkout would verify the runner
# against the mock of the first. Forget both (ours only): the unpacked copies, and the builds,
# build scripts and their runs whose sources lie under a registry/src/ folder.
define FORGET_PACKAGED_MOCK
rm -rf "$${CARGO_HOME:-$$HOME/.cargo}"/registry/src/*/portals-mock-$(VERSION) \
	"$${CARGO_HOME:-$$HOME/.cargo}"/registry/src/*/portals-conformance-$(VERSION)
cd "$(TARGET_DIR)/debug" 2>/dev/null || exit 0; \
for f in $$(grep -l /registry/src/ deps/portals_mock-*.d build/portals-mock-*/output \
		build/portals-mock-*/*.d 2>/dev/null); do \
	h=$${f#*portals[-_]mock-}; h=$${h%%[./]*}; \
	rm -rf .fingerprint/portals-mock-$$h build/portals-mock-$$h deps/*portals_mock-$$h.*; \
done
endef
dist:
	RUSTFLAGS="$(DIST_RUSTFLAGS)" $(CARGO) build --release --locked --target $(DIST_TARGET) -p portals-mock
	RUSTFLAGS="$(DIST_RUSTFLAGS)" $(CARGO) build --release --locked --target $(DIST_TARGET) -p portals-conformance
	mkdir -p "$(DIST_DIR)"
	cp "$(TARGET_DIR)/$(DIST_TARGET)/release/portals-mock" "$(TARGET_DIR)/$(DIST_TARGET)/release/portals-conformance" "$(DIST_DIR)/"
	cd "$(DIST_DIR)" && sha256sum portals-mock portals-conformance > SHA256SUMS
	PORTALS_DIST_DIR="$$(cd "$(DIST_DIR)" && pwd)" $(CARGO) test --locked -p portals-mock --test dist -- --ignored
	$(FORGET_PACKAGED_MOCK)
	$(CARGO) package --locked --allow-dirty -p portals-mock -p portals-conformance
	@ls -l "$(DIST_DIR)"

## image: the container image portals-mock:VERSION (Containerfile: FROM scratch, the static binary)
## with podman or docker, whichever is installed (CONTAINER_TOOL=… to choose); needs `make dist`'s
## binary, and an engine (a docker client alone cannot build)
CONTAINER_TOOL ?= $(shell command -v podman 2>/dev/null || command -v docker 2>/dev/null)
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' mock-server/Cargo.toml | head -n 1)
image: dist
	@test -n "$(CONTAINER_TOOL)" || { echo "make image: neither podman nor docker is installed" >&2; exit 1; }
	$(CONTAINER_TOOL) build -f Containerfile -t portals-mock:$(VERSION) -t portals-mock:latest "$(DIST_DIR)"

## bench: release-build the mock, the suite runner and portals-bench, measure them against a bare
## hyper server on loopback, print the table and write bench/RESULTS.md (ARGS: portals-bench options)
bench:
	$(CARGO) build --release --locked -p portals-mock -p portals-bench -p portals-conformance
	"$${CARGO_TARGET_DIR:-target}/release/portals-bench" $(ARGS)

## bench-peers: the same GET portals load against the mock, the bare hyper server, WireMock (the
## standalone jar of PyPI's wiremock package, on Java) and Stoplight Prism (npm, mocking Zoho's
## portals OpenAPI file) in alternating windows, with start-up time and RSS; writes bench/PEERS.md
## (ARGS: `portals-bench peers` options). Installs the pinned peers into target/bench-peers/
## (downloads: not in make test, make examples or CI)
PEERS_DIR := target/bench-peers
WIREMOCK_PYPI := wiremock==2.7.0
PRISM_NPM := @stoplight/prism-cli@5.16.0
PORTALS_PATH := /crm/v8/settings/portals
ZYLKER_AUTH := 1000.zylker.admin
bench-peers:
	$(CARGO) build --release --locked -p portals-mock -p portals-bench
	test -x $(PEERS_DIR)/venv/bin/python || $(PYTHON) -m venv $(PEERS_DIR)/venv
	$(PEERS_DIR)/venv/bin/python -m pip install --quiet --disable-pip-version-check $(WIREMOCK_PYPI)
	mkdir -p $(PEERS_DIR)/prism
	$(NPM) install --prefix $(PEERS_DIR)/prism --no-audit --no-fund --save-exact $(PRISM_NPM)
	JAR=$$(ls $(PEERS_DIR)/venv/lib/python*/site-packages/wiremock/server/wiremock-standalone-*.jar) && \
	PRISM=$(PEERS_DIR)/prism/node_modules/.bin/prism && \
	BIN=$(TARGET_DIR)/release && \
	"$$BIN/portals-bench" peers --logs $(PEERS_DIR)/logs --stub $(PEERS_DIR)/wiremock/mappings/portals.json \
	  --peer mock --version "portals-mock $(VERSION)" --path $(PORTALS_PATH) --auth "Zoho-oauthtoken $(ZYLKER_AUTH)" \
	    --cmd "$$BIN/portals-mock --port {port} --log-level error" \
	  --peer hello --version "portals-bench hello (hyper $$(sed -n '/^name = "hyper"$$/{n;s/version = "\(.*\)"/\1/p;}' Cargo.lock))" \
	    --path $(PORTALS_PATH) --auth "Zoho-oauthtoken $(ZYLKER_AUTH)" --cmd "$$BIN/portals-bench hello {port}" \
	  --peer wiremock --version "WireMock $$(basename $$JAR .jar | sed 's/wiremock-standalone-//') (PyPI $(WIREMOCK_PYPI)), $$(java -version 2>&1 | head -n 1 | tr -d '"')" \
	    --path $(PORTALS_PATH) --auth "Zoho-oauthtoken $(ZYLKER_AUTH)" \
	    --cmd "java -jar $$JAR --port {port} --bind-address 127.0.0.1 --root-dir $(PEERS_DIR)/wiremock --disable-banner --use-chunked-encoding never --max-request-journal-entries 1000" \
	  --peer prism --version "Prism $$($$PRISM --version) ($(PRISM_NPM)), Node $$($(NODE) --version)" \
	    --path /settings/portals --auth "Bearer $(ZYLKER_AUTH)" \
	    --cmd "$$PRISM mock --host 127.0.0.1 --port {port} --dynamic false --errors false -v error fixtures/oas8-yaml/v8.0/portals/portals.yaml" \
	  $(ARGS)

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

## examples: Zoho's official SDKs, unmodified, the testing examples, the HTML report check, the
## dashboard in a browser, the wheel in a fresh virtualenv and oas-check, each against a mock of
## its own, and `make dist` (the static binaries and their checks: a second, release build of
## minutes, so not in `make test`) (needs python3 with venv, node and npm, and the registries;
## not part of `make test`)
examples: examples-python examples-node examples-report examples-dashboard examples-testing examples-wheel oas-check dist

PYTHON ?= python3
NPM ?= npm
NODE ?= node
EXAMPLES_VENV := examples/python/.venv

examples-mock:
	$(CARGO) build --locked -p portals-mock

## examples-python: the dealer workflow with zohocrmsdk8-0 (virtualenv in examples/python/.venv)
examples-python: examples-mock
	test -x $(EXAMPLES_VENV)/bin/python || $(PYTHON) -m venv $(EXAMPLES_VENV)
	$(EXAMPLES_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r examples/python/requirements.txt
	examples/with-mock.sh $(EXAMPLES_VENV)/bin/python examples/python/dealer_workflow.py

## oas-check: Schemathesis against the mock with Zoho's v8 YAML files (fixtures/oas8-yaml/), each
## operation on a fresh org; fails on any failure fixtures/oas8-yaml/known-problems.toml does not list
## (pinned in fixtures/tools/oas-check-requirements.txt, installed into target/oas-check/venv;
## ARGS: --print-new prints unlisted failures as entries, --only OPERATION_ID, --examples N)
oas-check: examples-mock
	$(PYTHON) fixtures/tools/oas_check.py $(ARGS)

## examples-node: the dealer workflow with @zohocrm/nodejs-sdk-8.0 (npm ci in examples/node)
examples-node: examples-mock
	cd examples/node && $(NPM) ci --no-audit --no-fund
	examples/with-mock.sh $(NODE) examples/node/dealer_workflow.mjs

## wheel: the Python package (the release-built binary, the Python API and the pytest plugin) as a
## wheel in target/wheels/, built with the pinned maturin (installed into target/py-build once)
PY_BUILD := target/py-build
wheel:
	test -x $(PY_BUILD)/bin/maturin || { $(PYTHON) -m venv $(PY_BUILD) && $(PY_BUILD)/bin/python -m pip install --quiet --disable-pip-version-check -r python/requirements-build.txt; }
	rm -f target/wheels/portals_mock-*.whl
	cd python && ../$(PY_BUILD)/bin/maturin build --release --locked --out ../target/wheels

## examples-wheel: install the wheel into a fresh virtualenv (no Rust toolchain on its PATH), run
## the plugin's own tests and the pytest example with the official SDK against its binary
examples-wheel: wheel
	PYTHON="$(PYTHON)" CARGO="$(CARGO)" bash python/check-wheel.sh
