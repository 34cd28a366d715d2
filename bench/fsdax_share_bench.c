// SPDX-License-Identifier: GPL-2.0
/*
 * fsdax_share_bench: what PMD page-table sharing saves when many processes
 * map one file of a dax file system.
 *
 * Usage: fsdax_share_bench [-c] [-n NPROCS] FILE
 *
 * Forks NPROCS processes, one after another. Each maps the whole of FILE
 * MAP_SHARED, read-only, at a 1 GiB-aligned address and reads one byte of
 * every 2 MiB of it (with -c, the control run, it maps and reads nothing),
 * reports to the parent, and holds its mapping. When the last has
 * reported, all are told to exit at once.
 *
 * Prints one line of key=value pairs (sizes in KiB, times in microseconds,
 * faults are minor faults taken while reading the range):
 *   procs size_mib touched
 *   pt_base_kb pt_held_kb pt_after_kb   PageTables of /proc/meminfo before
 *                        the first fork, with every process holding its
 *                        mapping, and after the last has exited
 *   vmpte_first_kb vmpte_later_max_kb   VmPTE of the first process, and the
 *                        largest of the others, after reading the range
 *   faults_first faults_later_max faults_later_median
 *   touch_first_us touch_later_median_us
 *   teardown_us          from telling them to exit until the last is reaped
 *   alloc share unshare  growth of fsdax_pmd_alloc, fsdax_pmd_share and
 *                        fsdax_pmd_unshare in /proc/vmstat (-1: no counter)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsdax_util.h"

struct child_report {
	long faults;
	long touch_us;
	long vmpte_kb;
	int err;		/* errno of the step that failed, or 0 */
	char step[40];		/* which step failed */
};

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

static long vmpte_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f;

	f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPTE: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void child_fail(struct child_report *r, const char *step)
{
	r->err = errno ? errno : EIO;
	snprintf(r->step, sizeof(r->step), "%s", step);
}

/* Body of one process: map, read one byte per 2 MiB, report, hold. */
static void child(int fd, size_t size, int touch, int report_fd, int hold_fd)
{
	struct child_report r = { 0 };
	volatile const char *p;
	long faults, start;
	size_t off;
	char c;

	/*
	 * Fault in the vDSO's data and the stack before counting, in the
	 * control run too, so that the two differ only by the range's tables.
	 */
	now_us();
	fsdax_minor_faults();
	p = fsdax_mmap_aligned(fd, size, PROT_READ, MAP_SHARED, 0);
	if (p == MAP_FAILED) {
		child_fail(&r, "mmap");
	} else if (touch) {
		faults = fsdax_minor_faults();
		start = now_us();
		for (off = 0; off < size; off += FSDAX_PMD_SIZE)
			(void)p[off];
		r.touch_us = now_us() - start;
		r.faults = fsdax_minor_faults() - faults;
	}
	r.vmpte_kb = vmpte_kb();
	if (write(report_fd, &r, sizeof(r)) != sizeof(r))
		_exit(2);
	/* Hold the mapping until the parent closes the other end. */
	while (read(hold_fd, &c, 1) > 0)
		;
	_exit(0);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static long median(long *v, int n)
{
	if (n <= 0)
		return -1;
	qsort(v, n, sizeof(*v), cmp_long);
	return v[n / 2];
}

static long max_of(const long *v, int n)
{
	long m = -1;

	while (n--)
		if (v[n] > m)
			m = v[n];
	return m;
}

static long vmstat_delta(const char *name, long before)
{
	long now = fsdax_vmstat(name);

	return before < 0 || now < 0 ? -1 : now - before;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-c] [-n NPROCS] FILE\n"
		"  -c  control run: map the file, read nothing\n"
		"  -n  number of processes (default 1)\n", prog);
	exit(2);
}

int main(int argc, char **argv)
{
	long alloc0, share0, unshare0, pt_base, pt_held, pt_after, start;
	long *faults, *touch_us, *vmpte, teardown_us;
	int nprocs = 1, touch = 1, report[2], hold[2], fd, opt, i;
	struct child_report r;
	struct stat st;
	pid_t *pids;

	while ((opt = getopt(argc, argv, "cn:")) != -1) {
		switch (opt) {
		case 'c':
			touch = 0;
			break;
		case 'n':
			nprocs = atoi(optarg);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc - 1 || nprocs < 1)
		usage(argv[0]);

	fd = open(argv[optind], O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "%s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	pids = calloc(nprocs, sizeof(*pids));
	faults = calloc(nprocs, sizeof(*faults));
	touch_us = calloc(nprocs, sizeof(*touch_us));
	vmpte = calloc(nprocs, sizeof(*vmpte));
	if (!pids || !faults || !touch_us || !vmpte || pipe(report) ||
	    pipe(hold)) {
		perror("set-up");
		return 1;
	}

	alloc0 = fsdax_vmstat("fsdax_pmd_alloc");
	share0 = fsdax_vmstat("fsdax_pmd_share");
	unshare0 = fsdax_vmstat("fsdax_pmd_unshare");
	pt_base = fsdax_page_tables_kb();

	for (i = 0; i < nprocs; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fork");
			goto kill_all;
		}
		if (!pids[i]) {
			close(report[0]);
			close(hold[1]);
			child(fd, st.st_size, touch, report[1], hold[0]);
		}
		if (read(report[0], &r, sizeof(r)) != sizeof(r)) {
			fprintf(stderr, "process %d died before reporting\n", i);
			goto kill_all;
		}
		if (r.err) {
			fprintf(stderr, "process %d: %s: %s\n", i, r.step,
				strerror(r.err));
			goto kill_all;
		}
		faults[i] = r.faults;
		touch_us[i] = r.touch_us;
		vmpte[i] = r.vmpte_kb;
	}
	pt_held = fsdax_page_tables_kb();

	start = now_us();
	close(hold[1]);
	for (i = 0; i < nprocs; i++)
		if (waitpid(pids[i], NULL, 0) < 0)
			perror("waitpid");
	teardown_us = now_us() - start;
	pt_after = fsdax_page_tables_kb();

	printf("procs=%d size_mib=%lld touched=%d pt_base_kb=%ld pt_held_kb=%ld pt_after_kb=%ld"
	       " vmpte_first_kb=%ld vmpte_later_max_kb=%ld"
	       " faults_first=%ld faults_later_max=%ld faults_later_median=%ld"
	       " touch_first_us=%ld touch_later_median_us=%ld teardown_us=%ld"
	       " alloc=%ld share=%ld unshare=%ld\n",
	       nprocs, (long long)st.st_size >> 20, touch, pt_base, pt_held,
	       pt_after, vmpte[0], max_of(vmpte + 1, nprocs - 1), faults[0],
	       max_of(faults + 1, nprocs - 1), median(faults + 1, nprocs - 1),
	       touch_us[0], median(touch_us + 1, nprocs - 1), teardown_us,
	       vmstat_delta("fsdax_pmd_alloc", alloc0),
	       vmstat_delta("fsdax_pmd_share", share0),
	       vmstat_delta("fsdax_pmd_unshare", unshare0));
	return 0;

kill_all:
	for (i = 0; i < nprocs; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	return 1;
}
