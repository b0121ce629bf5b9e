# Retina.NET — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
CONFIG ?= Debug
DOTNET ?= dotnet

.PHONY: all deps bpf build crds test run bench clean help

all: build

help:
	@echo "make run    local mode on this host (root for eBPF)"
	@echo "make test   build everything and run every test project"
	@echo "make crds   regenerate crds/ from src/Retina.Api"
	@echo "make bench  run the benchmarks in bench/"

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
