# Retina.NET — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
CONFIG ?= Debug
DOTNET ?= dotnet

.PHONY: all deps bpf build crds test run bench clean help images e2e

all: build

help:
	@echo "make run    local mode on this host (root for eBPF)"
	@echo "make test   build everything and run every test project"
	@echo "make crds   regenerate crds/ from src/Retina.Api"
	@echo "make bench  run the benchmarks in bench/"
	@echo "make images build the container images with Docker (VERSION=x.y.z stamps the binaries)"
	@echo "make e2e    the k3d journeys in tests/e2e (needs Docker and k3d; E2E_ARGS=--dry-run prints the commands)"

deps:
	@scripts/install-deps.sh

# BPF objects and vmlinux.h are build outputs (never committed): compiled with clang, CO-RE.
bpf: deps
	$(MAKE) -C bpf

build: bpf
	$(DOTNET) build Retina.sln -c $(CONFIG) --nologo -v quiet -clp:ErrorsOnly

# crds/ is generated from the resource types; a test fails when it is stale.
crds: deps
	$(DOTNET) run --project tools/Retina.CrdGen -c $(CONFIG) -- crds

test: build
	@CONFIG=$(CONFIG) scripts/run-tests.sh

run: build
	@scripts/run-local.sh

bench: bpf
	@scripts/run-bench.sh

clean:
	$(MAKE) -C bpf clean
	$(DOTNET) clean Retina.sln --nologo -v quiet

# Container images from the repository's Dockerfiles. VERSION (SemVer 2) is stamped into the binaries
# (AssemblyInformationalVersion VERSION+REVISION: NodeRuntime.status.runtimeVersion, networkobservability_build_info)
# and the images' OCI labels; IMAGE_TAG defaults to it. The names match kustomize/base's images, so
# `make images IMAGE_TAG=dev` is what the k3d overlay runs.
VERSION ?= 0.0.0-dev
REVISION ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
IMAGE_TAG ?= $(VERSION)
IMAGE_PREFIX ?=
DOCKER ?= docker

images:
	@[[ "$(VERSION)" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$$ ]] || { echo "make images: VERSION=$(VERSION) is not a SemVer 2 version such as 0.1.0 or 0.1.0-rc.1" >&2; exit 2; }
	@command -v $(DOCKER) >/dev/null || { echo "make images: $(DOCKER) not found on PATH: install Docker to build images" >&2; exit 1; }
	@$(DOCKER) info >/dev/null 2>&1 || { echo "make images: the Docker daemon is not reachable ($(DOCKER) info failed): start it or set DOCKER_HOST" >&2; exit 1; }
	$(DOCKER) build -f src/Retina.Controllers/Dockerfile --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) -t $(IMAGE_PREFIX)retina-controllers:$(IMAGE_TAG) .
	$(DOCKER) build -f src/Retina.NodeRuntime/Dockerfile --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) -t $(IMAGE_PREFIX)retina-node-runtime:$(IMAGE_TAG) .
	@if test -f images/shell/Dockerfile; then \
	  echo "$(DOCKER) build -f images/shell/Dockerfile --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) -t $(IMAGE_PREFIX)retina-shell:$(IMAGE_TAG) images/shell"; \
	  $(DOCKER) build -f images/shell/Dockerfile --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) -t $(IMAGE_PREFIX)retina-shell:$(IMAGE_TAG) images/shell; \
	else echo "make images: images/shell/Dockerfile absent: no shell image"; fi

# The k3d end-to-end journeys (tests/e2e/README.md). Exits non-zero with the reason where Docker or k3d is missing.
E2E_ARGS ?=
e2e:
	@tests/e2e/run.sh $(E2E_ARGS)
