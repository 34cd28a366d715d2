// SPDX-License-Identifier: GPL-2.0
/*
 * static_key_churn: switch static keys on and off while four processes
 * context-switch on both CPUs, as the tests' KVM and perf cases do:
 *
 * - kvm: create and destroy KVM VMs (one vCPU, no in-kernel irqchip, as
 *   fsdax_mirror.c makes them); each, if it is the only one, switches
 *   preempt_notifier_key and kvm_has_noapic_vcpu, patching the scheduler;
 * - perf: open and close a per-task software page-fault event, as the
 *   GUP-fast case's perf thread does (perf_sched_events, whose switching
 *   off is delayed by a second, and perf_swevent_enabled[PAGE_FAULTS]).
 *
 * The reproducer of docs/tcg-int3-oops.md; it uses nothing of the series.
 *
 * Build: cc -O2 -Wall -o static_key_churn static_key_churn.c
 * Run in the guest: static_key_churn kvm|perf [ROUNDS]   (default 1000)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHURNERS 4

static void pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	sched_setaffinity(0, sizeof(s), &s);
}

/* Create and destroy one KVM VM with a vCPU; false on error. */
static int kvm_round(void)
{
	int kvm = open("/dev/kvm", O_RDWR), vm, vcpu;

	if (kvm < 0) {
		perror("/dev/kvm");
		return 0;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	vcpu = vm < 0 ? -1 : ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0) {
		perror("KVM_CREATE_VM/KVM_CREATE_VCPU");
		return 0;
	}
	close(vcpu);
	close(vm);
	close(kvm);
	return 1;
}

/*
 * Open and close a per-task page-fault event; false on error.  Wait out
 * the delayed switching off of perf_sched_events every other round.
 */
static int perf_round(int i)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE, .size = sizeof(attr),
		.config = PERF_COUNT_SW_PAGE_FAULTS, .exclude_kernel = 1,
	};
	int fd = syscall(__NR_perf_event_open, &attr, 0, -1, -1, 0);

	if (fd < 0) {
		perror("perf_event_open");
		return 0;
	}
	close(fd);
	if (i % 2)
		usleep(1100 * 1000);
	return 1;
}

int main(int argc, char **argv)
{
	int perf = argc > 1 && !strcmp(argv[1], "perf");
	int n = argc > 2 ? atoi(argv[2]) : 1000, i, c;
	pid_t kids[CHURNERS];

	if (argc < 2 || (!perf && strcmp(argv[1], "kvm"))) {
		fprintf(stderr, "usage: %s kvm|perf [ROUNDS]\n", argv[0]);
		return 2;
	}
	for (c = 0; c < CHURNERS; c++) {
		kids[c] = fork();
		if (!kids[c]) {
			pin(c % 2);
			for (;;)
				usleep(50);
		}
	}
	pin(0);
	for (i = 0; i < n; i++) {
		if (!(perf ? perf_round(i) : kvm_round()))
			return 1;
		if (i % 50 == 0)
			printf("# %s: %d rounds\n", argv[1], i);
		fflush(stdout);
	}
	for (c = 0; c < CHURNERS; c++) {
		kill(kids[c], SIGKILL);
		waitpid(kids[c], NULL, 0);
	}
	printf("ok 1 %s: %d rounds\n", argv[1], n);
	return 0;
}
