# portals-mock: the commands a developer and CI use. CI runs `bash .ci/run`: fmt, lint, test, examples.
CARGO ?= cargo

.PHONY: run test fmt lint ci build conformance coverage examples examples-python examples-node examples-mock

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

## examples: Zoho's official SDKs, unmodified, against a mock each (needs python3 with venv, node
## and npm, and the registries; not part of `make test`)
examples: examples-python examples-node examples-report

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

## examples-node: the dealer workflow with @zohocrm/nodejs-sdk-8.0 (npm ci in examples/node)
examples-node: examples-mock
	cd examples/node && $(NPM) ci --no-audit --no-fund
	examples/with-mock.sh $(NODE) examples/node/dealer_workflow.mjs
