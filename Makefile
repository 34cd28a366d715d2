# fsdax PMD-table sharing: build the series into a kernel, boot it on
# emulated pmem under QEMU and run its kselftests. See README.md.
#
#   make run           the demonstration, from a fresh machine: 64 processes
#                      map an 8 GiB dax file, sharing off then on; prints the
#                      table, writes build/run/report.md, CSV, JSON and plots
#   make test          everything, from a fresh machine: deps, base, tree,
#                      kernel, selftests, initramfs, boot, verdict;
#                      STRESS_SECONDS=N runs the stress test N s per file
#                      system instead of 30
#   make bench         the full benchmark sweep, with the unpatched base
#                      kernel for the single-process cost (build/bench/)
#   make numbers       copy the figures of the last make run / make bench
#                      into README.md and the cover letter
#   make shell         boot the test kernel on pmem and leave a shell
#   make tree          build/linux: the base + one commit per patch
#   make export        write build/linux's commits back to patches/
#   make check-series  each patch applies, is checkpatch-clean, and builds
#   make check-harness the harness's verdict on recorded runs
#                      (tests/harness/): seconds, no kernel
#   make mutants       build and test each deliberately broken kernel of
#                      mutants/ (MUTANTS="name ..." for some): every one
#                      must be caught by the tests its Caught-by: names

SHELL := /bin/bash
BUILD ?= $(CURDIR)/build
KTREE := $(BUILD)/linux
export BUILD KTREE

# The test kernel: trimmed guest, debug options, the secondary MMUs and
# lockless walkers the tests drive (KVM, the HMM test driver), memory
# cgroups, and the feature if the series has its fragment.
TEST_FRAGMENTS := config/guest.config config/debug.config config/walkers.config \
	config/memcg.config $(wildcard config/feature.config)
TEST_OBJ := $(BUILD)/kbuild-test
TEST_KERNEL := $(TEST_OBJ)/arch/x86/boot/bzImage
SELFTESTS := $(BUILD)/selftests
INITRAMFS := $(BUILD)/initramfs.cpio.gz
TEST_RUN := $(BUILD)/test-run
# The test binaries: second column of guest/tests.list, but for the
# programs of guest/ itself, which make-initramfs.sh builds.
GUEST_PROGRAMS := $(basename $(notdir $(wildcard guest/*.c)))
TEST_BINARIES := $(filter-out $(GUEST_PROGRAMS),$(shell awk '!/^[[:space:]]*(\#|$$)/ {print $$2}' guest/tests.list | sort -u))

# The benchmark's kernels: the same trimmed guest without the debug
# options, with the series (and its feature) and without (the base).
RUN_FRAGMENTS := config/guest.config $(wildcard config/feature.config)
RUN_OBJ := $(BUILD)/kbuild-run
RUN_KERNEL := $(RUN_OBJ)/arch/x86/boot/bzImage
BASE_TREE := $(BUILD)/linux-base
BASE_OBJ := $(BUILD)/kbuild-base
BASE_KERNEL := $(BASE_OBJ)/arch/x86/boot/bzImage
BENCH_BIN := $(BUILD)/bench-bin
BENCH_INITRAMFS := $(BUILD)/bench-initramfs.cpio.gz

.PHONY: all deps base tree export check-series kernel selftests initramfs test shell clean help
.PHONY: run bench numbers run-kernel base-kernel bench-initramfs mutants check-harness
all: test

help:
	@sed -n '1,/^$$/p' Makefile

deps:
	scripts/install-deps.sh

base: deps
	scripts/prepare-base.sh

tree: base
	scripts/apply-series.sh $(KTREE)

export:
	scripts/export-series.sh $(KTREE)

check-series: base
	scripts/check-series.sh

kernel: tree
	scripts/build-kernel.sh $(KTREE) $(TEST_OBJ) $(TEST_FRAGMENTS)

selftests: kernel
	scripts/build-selftests.sh $(KTREE) $(TEST_OBJ) $(SELFTESTS) $(TEST_BINARIES)

initramfs: selftests
	scripts/make-initramfs.sh $(INITRAMFS) $(SELFTESTS) $(TEST_BINARIES)

test: initramfs
	STRESS_SECONDS=$(STRESS_SECONDS) scripts/test-kernel.sh $(TEST_KERNEL) $(INITRAMFS) $(TEST_RUN)

run-kernel: tree
	scripts/build-kernel.sh $(KTREE) $(RUN_OBJ) $(RUN_FRAGMENTS)

base-kernel: base
	scripts/checkout-base.sh $(BASE_TREE)
	scripts/build-kernel.sh $(BASE_TREE) $(BASE_OBJ) config/guest.config

bench-initramfs: tree
	scripts/build-bench.sh $(KTREE) $(BENCH_BIN)
	scripts/make-initramfs.sh $(BENCH_INITRAMFS) $(BENCH_BIN) fsdax_share_bench

# The plan is checked first, so that a size or count that does not fit is
# refused before anything is built.
run: deps
	scripts/bench-plan.sh run $(BUILD)/run.plan
	$(MAKE) run-kernel bench-initramfs
	scripts/bench.sh $(BUILD)/run.plan $(BUILD)/run $(RUN_KERNEL) $(BENCH_INITRAMFS)

bench: deps
	scripts/bench-plan.sh bench $(BUILD)/bench.plan
	$(MAKE) run-kernel base-kernel bench-initramfs
	scripts/bench.sh $(BUILD)/bench.plan $(BUILD)/bench $(RUN_KERNEL) $(BENCH_INITRAMFS) $(BASE_KERNEL)

numbers:
	scripts/update-numbers.py $(BUILD)/run $(wildcard $(BUILD)/bench)
	$(MAKE) export

check-harness:
	scripts/test-harness.sh

mutants: selftests
	scripts/run-mutants.sh $(KTREE) $(SELFTESTS) $(BUILD)/mutants $(TEST_FRAGMENTS)

shell: initramfs
	scripts/run-guest.sh shell $(TEST_KERNEL) $(INITRAMFS) $(BUILD)/shell

clean:
	rm -rf $(BUILD)
