// SPDX-License-Identifier: GPL-2.0
/*
 * uffd_wp_dax_marker: a read of an fsdax page whose PTE holds a uffd-wp
 * marker never completes.
 *
 * PAGEMAP_SCAN with PM_SCAN_WP_MATCHING and no output vector takes its
 * fast path, which write-protects every entry of a PTE table, empty ones
 * too, with PTE_MARKER_UFFD_WP.  The dax fault then calls insert_pfn(),
 * which leaves a non-empty entry alone and returns VM_FAULT_NOPAGE: the
 * access faults again, for ever.
 *
 * Usage: uffd_wp_dax_marker DAX_DIR [noscan]  (KTAP; exits 1 on the livelock)
 * "noscan" leaves PAGEMAP_SCAN out: the control, which must pass.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/userfaultfd.h>

#define PAGE	4096UL
#define PMD	(2UL << 20)
#define SECONDS	20

static void livelock(int sig)
{
	static const char msg[] =
		"not ok 1 a read of a page with a uffd-wp marker did not complete in 20 s\n";

	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

static uint64_t pagemap(void *addr)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0 || pread(fd, &e, 8, (uintptr_t)addr / PAGE * 8) != 8)
		e = 0;
	close(fd);
	return e;
}

int main(int argc, char **argv)
{
	struct uffdio_api api = { .api = UFFD_API,
				  .features = UFFD_FEATURE_WP_ASYNC };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_WP };
	struct pm_scan_arg scan = {
		.size = sizeof(scan),
		.flags = PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
		.category_mask = PAGE_IS_WRITTEN,
	};
	char path[512], page[PAGE], *map;
	int fd, uffd, pm;
	uint64_t e;

	printf("TAP version 13\n1..1\n");
	if (argc < 2)
		return 2;
	snprintf(path, sizeof(path), "%s/uffd-wp-marker", argv[1]);
	memset(page, 'x', sizeof(page));
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	/* One written 4 KiB block in a 2 MiB file: mapped by PTEs. */
	if (fd < 0 || ftruncate(fd, PMD) || pwrite(fd, page, PAGE, 0) != PAGE)
		return printf("not ok 1 # setup: %s\n", strerror(errno)), 1;
	map = mmap(NULL, PMD, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED || map[0] != 'x')
		return printf("not ok 1 # mmap: %s\n", strerror(errno)), 1;
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	reg.range.start = (uintptr_t)map;
	reg.range.len = PMD;
	scan.start = (uintptr_t)map;
	scan.end = (uintptr_t)map + PMD;
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api) ||
	    ioctl(uffd, UFFDIO_REGISTER, &reg) ||
	    (argc == 2 && ioctl(pm, PAGEMAP_SCAN, &scan) < 0))
		return printf("not ok 1 # uffd-wp: %s\n", strerror(errno)), 1;
	e = pagemap(map + 5 * PAGE);
	printf("# page 5 after PAGEMAP_SCAN: present %d, uffd-wp %d\n",
	       (int)(e >> 63 & 1), (int)(e >> 57 & 1));
	fflush(stdout);
	signal(SIGALRM, livelock);
	alarm(SECONDS);
	if (*(volatile char *)(map + 5 * PAGE))
		return printf("not ok 1 # a hole read non-zero\n"), 1;
	alarm(0);
	printf("ok 1 a read of a page with a uffd-wp marker completes\n");
	unlink(path);
	return 0;
}
