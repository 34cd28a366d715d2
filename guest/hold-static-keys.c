// SPDX-License-Identifier: GPL-2.0
/*
 * hold-static-keys: keep enabled, for the whole test run, the static keys
 * that the tests' KVM guests and perf events would otherwise switch on and
 * off again and again.
 *
 * Switching a static key rewrites kernel text through an INT3 breakpoint
 * (text_poke_bp()).  Under QEMU's multi-threaded TCG (Debian's 7.2 here),
 * a vCPU that runs the code being patched can trap on that breakpoint after
 * the patching CPU has finished, and the guest dies with "Oops: int3" in
 * __schedule() or finish_task_switch() (the preempt notifiers' key), with
 * no fault of the code under test (evidence: notes/tcg-int3-oops.md).
 * With one user of each key alive from before the tests start, the tests'
 * own users move the keys' counts but never to or from zero, so no text is
 * patched while they run.
 *
 * The keys, and what holds them here:
 * - preempt_notifier_key: a KVM VM;
 * - kvm_has_noapic_vcpu: a vCPU of it without an in-kernel irqchip, as the
 *   tests create;
 * - perf_sched_events and perf_swevent_enabled[PERF_COUNT_SW_PAGE_FAULTS]:
 *   a per-task software page-fault event, as the tests open.
 * A test that starts to switch another key must add it here.
 *
 * Prints one line per key group, "holding ..." or "cannot hold ...", then
 * "ready" and waits until it is killed.  Exits 1 if it holds nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A KVM VM with one vCPU and no in-kernel irqchip: 0, or an errno. */
static int hold_kvm(void)
{
	int kvm, vm;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return errno;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0 || ioctl(vm, KVM_CREATE_VCPU, 0) < 0)
		return errno;
	return 0;
}

/* A per-task software page-fault event of this process: 0, or an errno. */
static int hold_perf(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_PAGE_FAULTS,
		.exclude_kernel = 1,
	};

	if (syscall(__NR_perf_event_open, &attr, 0, -1, -1, 0) < 0)
		return errno;
	return 0;
}

static int report(const char *what, int err)
{
	if (err)
		printf("cannot hold %s: %s\n", what, strerror(err));
	else
		printf("holding %s\n", what);
	return !err;
}

int main(void)
{
	int held = 0;

	held += report("the KVM keys (a VM and a vCPU without irqchip)",
		       hold_kvm());
	held += report("the perf keys (a per-task page-fault event)",
		       hold_perf());
	if (!held)
		return 1;
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
