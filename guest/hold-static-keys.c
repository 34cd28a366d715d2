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
 * no fault of the code under test (evidence: docs/tcg-int3-oops.md).
 * With one user of each key alive from before the tests start, the tests'
 * own users move the keys' counts but never to or from zero, so no text is
 * patched while they run.
 *
 * The keys, and what holds them here:
 * - preempt_notifier_key: a KVM VM;
 * - kvm_has_noapic_vcpu: a vCPU of it without an in-kernel irqchip, as the
 *   tests create;
 * - perf_sched_events and perf_swevent_enabled[PERF_COUNT_SW_PAGE_FAULTS]:
 *   a per-task software page-fault event, as the tests open;
 * - the tracepoints that fsdax_pmd_share's count of i_mmap_rwsem
 *   acquisitions enables in a trace instance of its own: lock_acquire, and
 *   sched_switch, sched_wakeup and the others that set_event_pid hooks.
 *   A tracepoint's key and static call change when its probes go from 0
 *   to 1, from 1 to 2 and back, but not from 2 up: two instances here,
 *   each with set_event_pid (two probes per tracepoint) and lock_acquire
 *   enabled, filtered to this process, which sleeps;
 * - memcg_kmem_online_key, memcg_sockets_enabled_key and
 *   memcg_bpf_enabled_key, which its memory cgroup test switches by
 *   creating and removing cgroups: a memory cgroup of its own.
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
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TRACING		"/sys/kernel/tracing"
#define CGROUP		"/sys/fs/cgroup"

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

/* Write @value to the file @path: 0, or an errno. */
static int write_str(const char *path, const char *value)
{
	ssize_t len = strlen(value);
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (write(fd, value, len) != len)
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

/*
 * Trace instance @name following this process only, with lock_acquire
 * enabled when the kernel has it (CONFIG_LOCKDEP): 0, or an errno.
 */
static int hold_trace_instance(const char *name)
{
	char dir[128], path[192], pid[16];
	int err;

	snprintf(dir, sizeof(dir), TRACING "/instances/%s", name);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return errno;
	snprintf(path, sizeof(path), "%s/set_event_pid", dir);
	snprintf(pid, sizeof(pid), "%d", getpid());
	err = write_str(path, pid);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/events/lock/lock_acquire/enable", dir);
	if (access(path, F_OK))
		return 0;
	return write_str(path, "1");
}

static int hold_trace(void)
{
	return hold_trace_instance("hold-static-keys-1") ?:
	       hold_trace_instance("hold-static-keys-2");
}

/* A memory cgroup, which lives as long as its directory: 0, or an errno. */
static int hold_memcg(void)
{
	int err;

	if (access(CGROUP "/cgroup.controllers", F_OK) &&
	    mount("cgroup2", CGROUP, "cgroup2", 0, NULL))
		return errno;
	err = write_str(CGROUP "/cgroup.subtree_control", "+memory");
	if (err)
		return err;
	if (mkdir(CGROUP "/hold-static-keys", 0755) && errno != EEXIST)
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
	held += report("the tracepoint keys (two trace instances with set_event_pid and lock_acquire)",
		       hold_trace());
	held += report("the memory cgroup keys (a memory cgroup)",
		       hold_memcg());
	if (!held)
		return 1;
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
