# fsdax PMD-table sharing: build the series into a kernel, boot it on
# emulated pmem under QEMU and run its kselftests. See README.md.
#
#   make test          everything, from a fresh machine: deps, base, tree,
#                      kernel, selftests, initramfs, boot, verdict
#   make shell         boot the test kernel on pmem and leave a shell
#   make tree          build/linux: the base + one commit per patch
#   make export        write build/linux's commits back to patches/
#   make check-series  each patch applies, is checkpatch-clean, and builds

SHELL := /bin/bash
BUILD ?= $(CURDIR)/build
KTREE := $(BUILD)/linux
export BUILD KTREE

# The test kernel: trimmed guest, debug options, and the feature if the
# series has its fragment.
TEST_FRAGMENTS := config/guest.config config/debug.config $(wildcard config/feature.config)
TEST_OBJ := $(BUILD)/kbuild-test
TEST_KERNEL := $(TEST_OBJ)/arch/x86/boot/bzImage
SELFTESTS := $(BUILD)/selftests
INITRAMFS := $(BUILD)/initramfs.cpio.gz
TEST_RUN := $(BUILD)/test-run
# The test binaries: second column of guest/tests.list.
TEST_BINARIES := $(shell awk '!/^[[:space:]]*(\#|$$)/ {print $$2}' guest/tests.list | sort -u)

.PHONY: all deps base tree export check-series kernel selftests initramfs test shell clean help
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
	scripts/test-kernel.sh $(TEST_KERNEL) $(INITRAMFS) $(TEST_RUN)

shell: initramfs
	scripts/run-guest.sh shell $(TEST_KERNEL) $(INITRAMFS) $(BUILD)/shell

clean:
	rm -rf $(BUILD)
