# Entra -> Gtmhub SCIM conformance harness. `make help` lists the targets.
GO ?= go
PKGS := ./...
IMAGE ?= refserver:dev
IMAGE_DIR := bin/image

.PHONY: help conformance test vet race fuzz bench refserver entrasim image conformance-image smoke install lint clean bench-scale

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

# make conformance [SCIM_TENANT_URL=… SCIM_TOKEN=…] [SCIM_OPTIONS=…] [SCIM_REPORT_DIR=…] [GINKGO_FLAGS=…]
# (TENANT_URL/TOKEN work too); without a tenant URL the embedded reference server is tested.
# The settings reach the suites through the environment, never on a printed
# command line: the token must not appear in a CI log.
TENANT_URL ?=
TOKEN ?=
# An empty SCIM_TENANT_URL/SCIM_TOKEN in the environment (as a parent make
# exports them) must not hide the short aliases.
ifeq ($(SCIM_TENANT_URL),)
SCIM_TENANT_URL := $(TENANT_URL)
endif
ifeq ($(SCIM_TOKEN),)
SCIM_TOKEN := $(TOKEN)
endif
GINKGO_FLAGS ?=
export SCIM_TENANT_URL SCIM_TOKEN SCIM_OPTIONS SCIM_REPORT_DIR

conformance: ## the main job: the conformance suites (embedded reference server, or SCIM_TENANT_URL + SCIM_TOKEN)
	@echo "go tool ginkgo -p $(GINKGO_FLAGS) ./suites  # against $(or $(SCIM_TENANT_URL),the embedded reference server)"
	@$(GO) tool ginkgo -p $(GINKGO_FLAGS) ./suites

RACE_PKGS := ./reference-server/internal/server/ ./reference-server/internal/journal/ ./reference-server/internal/faults/ ./client/engine/ ./client/state/ ./client/scim/

test: vet ## every test (unit, HTTP, golden, fuzz seeds, suites, container when Docker answers), then the concurrency tests under -race
	$(GO) test -count=1 $(PKGS)
	$(GO) test -race -count=1 -run 'Concurren' $(RACE_PKGS)

smoke: ## the README's main paths with built binaries (refserver, entrasim test-connection, cycles, status, logs, scenario, reproduce)
	GO=$(GO) scripts/smoke.sh

GOLANGCI_LINT_VERSION ?= v2.15.0

lint: ## golangci-lint (.golangci.yml: go vet, staticcheck, errcheck, unused, import layering)
	$(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION) run ./...

vet: ## go vet
	$(GO) vet $(PKGS)

race: ## every test of the server, protocol and engine under the race detector
	$(GO) test -race -count=1 ./reference-server/... ./protocol/... ./client/engine/ ./client/state/

# make fuzz [FUZZTIME=30s]: every fuzz target of the module runs for FUZZTIME, one after the
# other, even when one fails; the failed ones are listed at the end, and only then does make fail
# (scripts/fuzz.sh). A failing input is kept in the package's testdata/fuzz/.
FUZZTIME ?= 30s
fuzz: ## run every fuzz target of the module for FUZZTIME each (default 30s); all run, failures listed at the end
	@GO='$(GO)' FUZZTIME='$(FUZZTIME)' sh scripts/fuzz.sh

bench: ## benchmarks (figures go in closing notes)
	$(GO) test -run XXX -bench . -benchmem $(PKGS)

# make bench-scale [USERS=10000] [GROUPS=500] [CONCURRENCY=4] [SEED=1] [SCOPE=all] (issue 16): generate a
# directory (scope all by default, as the issue's target), run refserver + entrasim on loopback (temp folder), time the initial cycle, a
# no-change incremental and one after 1,000 changed users, and print objects/s and both peak RSS.
# Not part of `make test` or .ci/run. Scale target: USERS=1000000 GROUPS=50000.
USERS ?= 10000
GROUPS ?= 500
CONCURRENCY ?= 4
SEED ?= 1
SCOPE ?= all
bench-scale: ## scale benchmark: objects/s, peak RSS of entrasim and refserver, incremental times (USERS, GROUPS, CONCURRENCY, SCOPE)
	GO='$(GO)' BENCH_USERS='$(USERS)' BENCH_GROUPS='$(GROUPS)' BENCH_CONCURRENCY='$(CONCURRENCY)' BENCH_SEED='$(SEED)' BENCH_SCOPE='$(SCOPE)' scripts/bench-scale.sh

refserver: ## run the reference server on 127.0.0.1:8080 with an ephemeral store
	$(GO) run ./reference-server/cmd/refserver --db :memory:

install: ## go install entrasim and refserver into $(go env GOPATH)/bin
	$(GO) install ./client/cmd/entrasim ./reference-server/cmd/refserver

entrasim: ## build the Entra-behaviour client into bin/
	$(GO) build -o bin/entrasim ./client/cmd/entrasim

CONFORMANCE_IMAGE ?= conformance:dev
CONFORMANCE_IMAGE_DIR := bin/conformance-image

conformance-image: ## build the suites' image conformance:dev (FROM scratch; CONFORMANCE_IMAGE= to rename)
	rm -rf $(CONFORMANCE_IMAGE_DIR) && mkdir -p $(CONFORMANCE_IMAGE_DIR)/rootfs/tmp $(CONFORMANCE_IMAGE_DIR)/rootfs/reports $(CONFORMANCE_IMAGE_DIR)/rootfs/etc/ssl/certs
	chmod 1777 $(CONFORMANCE_IMAGE_DIR)/rootfs/tmp && chmod 0777 $(CONFORMANCE_IMAGE_DIR)/rootfs/reports
	if [ -f /etc/ssl/certs/ca-certificates.crt ]; then cp /etc/ssl/certs/ca-certificates.crt $(CONFORMANCE_IMAGE_DIR)/rootfs/etc/ssl/certs/; fi
	CGO_ENABLED=0 $(GO) test -c -trimpath -ldflags='-s -w' -o $(CONFORMANCE_IMAGE_DIR)/suites.test ./suites
	docker build -q -f suites/Dockerfile -t $(CONFORMANCE_IMAGE) $(CONFORMANCE_IMAGE_DIR)

image: ## build a static refserver and the image refserver:dev (FROM scratch; IMAGE= to rename; Docker: scripts/docker-up.sh)
	rm -rf $(IMAGE_DIR) && mkdir -p $(IMAGE_DIR)/rootfs/tmp && chmod 1777 $(IMAGE_DIR)/rootfs/tmp
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w' -o $(IMAGE_DIR)/refserver ./reference-server/cmd/refserver
	docker build -q -f reference-server/Dockerfile -t $(IMAGE) $(IMAGE_DIR)

clean: ## remove build output and reports
	rm -rf bin reports/out
