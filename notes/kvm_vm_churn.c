// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_vm_churn: create and destroy KVM VMs (one vCPU, no in-kernel
 * irqchip, as fsdax_mirror.c makes them) while four processes context-switch
 * on both CPUs.  Each VM, if it is the only one, switches
 * preempt_notifier_key and kvm_has_noapic_vcpu on and off, so each
 * patches kernel text in the scheduler.  The reproducer of
 * notes/tcg-int3-oops.md; it uses nothing of the series.
 *
 * Build: cc -O2 -Wall -o kvm_vm_churn kvm_vm_churn.c
 * Run in the guest: kvm_vm_churn [VMS]   (default 1000)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/kvm.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
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

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, i, c;
	pid_t kids[CHURNERS];

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
		int kvm = open("/dev/kvm", O_RDWR), vm, vcpu;

		if (kvm < 0) {
			perror("/dev/kvm");
			return 1;
		}
		vm = ioctl(kvm, KVM_CREATE_VM, 0);
		vcpu = vm < 0 ? -1 : ioctl(vm, KVM_CREATE_VCPU, 0);
		if (vcpu < 0) {
			perror("KVM_CREATE_VM/KVM_CREATE_VCPU");
			return 1;
		}
		close(vcpu);
		close(vm);
		close(kvm);
		if (i % 50 == 0)
			printf("# %d VMs created and destroyed\n", i);
		fflush(stdout);
	}
	for (c = 0; c < CHURNERS; c++) {
		kill(kids[c], SIGKILL);
		waitpid(kids[c], NULL, 0);
	}
	printf("ok 1 %d VMs created and destroyed\n", n);
	return 0;
}
