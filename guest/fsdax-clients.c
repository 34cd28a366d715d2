// SPDX-License-Identifier: GPL-2.0
/*
 * fsdax-clients: programs not written for this project share the PMD
 * tables of a DAX file, each placing its mapping as it always does.
 *
 * On each DAX directory given, and for each client, PROCESSES unrelated
 * processes (each exec'd, so each lays out its address space at random)
 * map one file and read it, one after another, all staying alive:
 *
 * - xfs_io (xfsprogs): "mmap -r" of the whole file, which calls
 *   mmap(NULL), then "mread" of a byte in every 2 MiB;
 * - an LMDB reader (liblmdb): mdb_env_open() maps its map size with
 *   mmap(NULL), and a read transaction reads every value through
 *   mdb_cursor_get(), checking one byte in every 4 KiB;
 * - a libpmem reader (PMDK): pmem_map_file() maps a file of 2 GiB at a
 *   1 GiB-aligned address of its own choosing (libpmem aligns to 1 GiB
 *   only mappings of 2 GiB or more, and the kernel honours its hint); it
 *   reads one byte in every 4 KiB, checked.
 *
 * With vm.fsdax_pmd_share on, every process after the first must link the
 * tables that the first filled, one per aligned GiB that it maps and reads
 * (fsdax_pmd_share in /proc/vmstat), and take at most LATER_FAULTS faults
 * to read what the first read with hundreds.
 *
 * fio (ioengine=mmap) is run differently, because it unmaps the file when
 * its job ends: see test_fio().
 *
 * KTAP, one case per file system and client.
 *
 * Usage: fsdax-clients DAX_DIR...   (as root)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <libpmem.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define KIB		1024UL
#define MIB		(1024 * KIB)
#define GIB		(1024 * MIB)
#define PROCESSES	4
#define LATER_FAULTS	16
#define LMDB_MAP	(2 * GIB)
#define LMDB_VALUE	(4 * MIB)
#define LMDB_VALUES	300			/* 1.2 GiB of data */
#define FIO_SIZE	GIB
#define FIO_BLOCK	"2m"

/* The byte the test writes at @off of a file or of LMDB value @key */
static unsigned char pattern(uint64_t key, uint64_t off)
{
	uint64_t page = off / 4096 + key * 1000003;

	return (unsigned char)((page * 2654435761u) >> 24) + off % 4096 + 1;
}

/* Fill @len bytes at @buf, a multiple of 4 KiB from @off, as pattern() */
static void fill(unsigned char *buf, size_t len, uint64_t key, uint64_t off)
{
	size_t i, j;
	unsigned char first;

	for (i = 0; i < len; i += 4096) {
		first = pattern(key, off + i);
		for (j = 0; j < 4096; j++)
			buf[i + j] = first + j;
	}
}

static long minor_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* A process's report: where it mapped, its faults to read, wrong bytes */
struct report {
	unsigned long addr;
	long faults, wrong;
};

/* A child's end of the protocol: report, then wait for stdin to close. */
static int report_and_wait(const struct report *r)
{
	char c;

	printf("%lx %ld %ld\n", r->addr, r->faults, r->wrong);
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	return 0;
}

/* Where this process maps the file whose path ends in @name, or 0 */
static unsigned long mapped_at(const char *name)
{
	unsigned long start, found = 0;
	char line[512];
	size_t n = strlen(name), len;
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && !found && fgets(line, sizeof(line), f)) {
		len = strcspn(line, "\n");
		line[len] = '\0';
		if (len > n && !strcmp(line + len - n, name))
			sscanf(line, "%lx", &start), found = start;
	}
	if (f)
		fclose(f);
	return found;
}

static int lmdb_reader(const char *dir)
{
	struct report r = { 0 };
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_cursor *cur;
	MDB_val key, val;
	size_t off;
	long start;
	int rc;

	if (mdb_env_create(&env) ||
	    mdb_env_open(env, dir, MDB_RDONLY | MDB_NOLOCK, 0644) ||
	    mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) ||
	    mdb_dbi_open(txn, NULL, 0, &dbi) ||
	    mdb_cursor_open(txn, dbi, &cur))
		return 1;
	r.addr = mapped_at("/data.mdb");
	start = minor_faults();
	for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
		uint64_t k = *(uint64_t *)key.mv_data;

		for (off = 0; off < val.mv_size; off += 4096)
			r.wrong += ((unsigned char *)val.mv_data)[off] !=
				   pattern(k, off);
	}
	r.faults = minor_faults() - start;
	if (rc != MDB_NOTFOUND)
		return 1;
	return report_and_wait(&r);
}

static int pmem_reader(const char *path)
{
	struct report r = { 0 };
	unsigned char *map;
	size_t len, off;
	int is_pmem;
	long start;

	map = pmem_map_file(path, 0, 0, 0, &len, &is_pmem);
	if (!map)
		return 1;
	r.addr = (unsigned long)map;
	start = minor_faults();
	for (off = 0; off < len; off += 4096)
		r.wrong += map[off] != pattern(0, off);
	r.faults = minor_faults() - start;
	return report_and_wait(&r);
}

/*
 * What keeps fio's tables while one fio after another reads the file: a
 * mapping with the flags of fio's own (tables are shared only between
 * VMAs of equal flags), mmap(NULL) of the whole file, read-only, with the
 * MADV_SEQUENTIAL that fio gives a sequential job (its fadvise_hint).
 */
static int fio_holder(const char *path)
{
	struct report r = { 0 };
	unsigned char *map;
	volatile unsigned char sink;
	struct stat st;
	size_t off;
	long start;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		return 1;
	map = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED ||
	    posix_madvise(map, st.st_size, POSIX_MADV_SEQUENTIAL))
		return 1;
	r.addr = (unsigned long)map;
	start = minor_faults();
	for (off = 0; off < (size_t)st.st_size; off += 4096)
		sink = map[off];
	(void)sink;
	r.faults = minor_faults() - start;
	return report_and_wait(&r);
}

/* A running client process, and the pipes to it */
struct proc {
	pid_t pid;
	FILE *to, *from;
	struct report r;
};

/*
 * Start @argv with its standard input from a pipe, and its standard output
 * to a pipe, or with @tty to a pseudo-terminal, so that a program that
 * buffers its output unless it goes to a terminal (xfs_io) answers each
 * command at once.
 */
static bool start(struct proc *p, char *const argv[], bool tty)
{
	int in[2], out[2];

	*p = (struct proc){ .pid = -1 };
	/* Close-on-exec: each process must hold only its own ends. */
	if (pipe2(in, O_CLOEXEC))
		return false;
	if (tty) {
		out[0] = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (out[0] < 0 || grantpt(out[0]) || unlockpt(out[0]))
			return false;
		out[1] = open(ptsname(out[0]), O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (out[1] < 0)
			return false;
	} else if (pipe2(out, O_CLOEXEC)) {
		return false;
	}
	p->pid = fork();
	if (p->pid < 0)
		return false;
	if (!p->pid) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		/* Its readline's complaints too, out of the test's KTAP */
		if (tty)
			dup2(out[1], STDERR_FILENO);
		setenv("TERM", "dumb", 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	p->to = fdopen(in[1], "w");
	p->from = fdopen(out[0], "r");
	return p->to && p->from;
}

/* End @p, however far start() got */
static void stop(struct proc *p)
{
	int status;

	if (p->to)
		fclose(p->to);
	if (p->from)
		fclose(p->from);
	if (p->pid > 0)
		waitpid(p->pid, &status, 0);
}

/* Minor faults of @pid so far: field 10 of /proc/PID/stat */
static long proc_faults(pid_t pid)
{
	char path[64], buf[1024], *s;
	long v = -1;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f)) {
		s = strrchr(buf, ')');
		for (i = 2; s && i < 10; i++)
			s = strchr(s + 1, ' ');
		if (s)
			v = strtol(s + 1, NULL, 10);
	}
	fclose(f);
	return v;
}

/* Send @cmds and "mmap" to xfs_io; the mapping it lists, or 0. */
static unsigned long xfs_io_listing(struct proc *p, const char *cmds)
{
	char line[512];
	unsigned long addr;

	fprintf(p->to, "%smmap\n", cmds);
	fflush(p->to);
	while (fgets(line, sizeof(line), p->from))
		if (sscanf(line, "[%*d] %lx", &addr) == 1)
			return addr;
	return 0;
}

/* xfs_io maps the file and reads a byte of every 2 MiB. */
static bool run_xfs_io(struct proc *p, const char *path, size_t size)
{
	char *argv[] = { "xfs_io", "-r", (char *)path, NULL };
	static char reads[64 * KIB];
	char map[64];
	size_t off, n = 0;
	long before;

	if (!start(p, argv, true))
		return false;
	snprintf(map, sizeof(map), "mmap -r 0 %zu\n", size);
	p->r.addr = xfs_io_listing(p, map);
	for (off = 0; off < size && n < sizeof(reads) - 64; off += 2 * MIB)
		n += snprintf(reads + n, sizeof(reads) - n, "mread %zu 1\n",
			      off);
	before = proc_faults(p->pid);
	if (!p->r.addr || xfs_io_listing(p, reads) != p->r.addr)
		return false;
	p->r.faults = proc_faults(p->pid) - before;
	return true;
}

/* This program again, as an LMDB or libpmem reader of @path. */
static bool run_self(struct proc *p, const char *mode, const char *path)
{
	char *argv[] = { "/proc/self/exe", (char *)mode, (char *)path, NULL };

	if (!start(p, argv, false))
		return false;
	return fscanf(p->from, "%lx %ld %ld", &p->r.addr, &p->r.faults,
		      &p->r.wrong) == 3;
}

static bool run_lmdb(struct proc *p, const char *dir, size_t size)
{
	return run_self(p, "--lmdb", dir);
}

static bool run_pmem(struct proc *p, const char *path, size_t size)
{
	return run_self(p, "--pmem", path);
}

static long vmstat(const char *name)
{
	char key[64];
	long v, found = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fscanf(f, "%63s %ld", key, &v) == 2)
		if (!strcmp(key, name))
			found = v;
	if (f)
		fclose(f);
	return found;
}

/* Write the file of @size bytes that xfs_io or libpmem reads. */
static bool write_file(const char *path, size_t size)
{
	static unsigned char buf[2 * MIB];
	size_t off;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	bool ok = fd >= 0;

	for (off = 0; ok && off < size; off += sizeof(buf)) {
		fill(buf, sizeof(buf), 0, off);
		ok = pwrite(fd, buf, sizeof(buf), off) == sizeof(buf);
	}
	ok = ok && !fsync(fd);
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Write the LMDB environment in @dir: LMDB_VALUES values of 4 MiB. */
static bool write_lmdb(const char *dir, size_t size)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val key, val;
	uint64_t k;
	bool ok;

	mkdir(dir, 0755);
	if (mdb_env_create(&env) || mdb_env_set_mapsize(env, LMDB_MAP) ||
	    mdb_env_open(env, dir, 0, 0644) ||
	    mdb_txn_begin(env, NULL, 0, &txn) ||
	    mdb_dbi_open(txn, NULL, 0, &dbi))
		return false;
	ok = true;
	for (k = 0; ok && k < LMDB_VALUES; k++) {
		key.mv_data = &k;
		key.mv_size = sizeof(k);
		val.mv_size = LMDB_VALUE;
		ok = !mdb_put(txn, dbi, &key, &val, MDB_RESERVE);
		if (ok)
			fill(val.mv_data, LMDB_VALUE, k, 0);
	}
	ok = ok && !mdb_txn_commit(txn) && !mdb_env_sync(env, 1);
	mdb_env_close(env);
	return ok;
}

struct client {
	const char *name;
	const char *what;	/* the path under the directory it reads */
	size_t size;		/* of the file it reads */
	long gibs;		/* aligned GiBs its mapping covers and reads */
	bool (*prepare)(const char *path, size_t size);
	bool (*run)(struct proc *p, const char *path, size_t size);
};

static const struct client clients[] = {
	{ "xfs_io mmap(NULL)", "clients.data", GIB, 1, write_file,
	  run_xfs_io },
	{ "LMDB readers, mmap(NULL) of the map size", "clients.lmdb",
	  LMDB_VALUES * LMDB_VALUE, 2, write_lmdb, run_lmdb },
	{ "libpmem pmem_map_file(), its own 1 GiB-aligned hint",
	  "clients.data", 2 * GIB, 2, write_file, run_pmem },
};

static int write_proc(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY), ret = -1;

	if (fd >= 0) {
		ret = write(fd, value, strlen(value)) == (ssize_t)strlen(value) ?
		      0 : -1;
		close(fd);
	}
	return ret;
}

/* Remove what write_file() or write_lmdb() made at @path. */
static void remove_data(const char *path)
{
	char file[600];

	snprintf(file, sizeof(file), "%s/data.mdb", path);
	unlink(file);
	snprintf(file, sizeof(file), "%s/lock.mdb", path);
	unlink(file);
	rmdir(path);
	unlink(path);
}

static int test_number;

/* One case: PROCESSES processes of client @c; true if it passed. */
static bool test_client(const char *dir, const char *fs,
			const struct client *c)
{
	struct proc p[PROCESSES];
	char path[512];
	long share0, linked, worst = 0;
	bool ok;
	int i, n;

	snprintf(path, sizeof(path), "%s/%s", dir, c->what);
	ok = c->prepare(path, c->size);
	share0 = vmstat("fsdax_pmd_share");
	for (n = 0; ok && n < PROCESSES; n++) {
		ok = c->run(&p[n], path, c->size);
		if (!ok) {
			printf("# %s: %s: process %d did not map and read: %s\n",
			       fs, c->name, n, strerror(errno));
			stop(&p[n]);
			break;
		}
	}
	linked = vmstat("fsdax_pmd_share") - share0;
	for (i = 0; i < n; i++) {
		printf("# %s: %s: process %d at %#lx (%#lx modulo 1 GiB): %ld faults, %ld bytes wrong\n",
		       fs, c->name, i, p[i].r.addr, p[i].r.addr % GIB,
		       p[i].r.faults, p[i].r.wrong);
		ok &= !p[i].r.wrong;
		if (i && p[i].r.faults > worst)
			worst = p[i].r.faults;
	}
	printf("# %s: %s: %ld tables linked (want %ld), later processes at most %ld faults (want at most %d)\n",
	       fs, c->name, linked, (PROCESSES - 1) * c->gibs, worst,
	       LATER_FAULTS);
	ok &= n == PROCESSES && linked == (PROCESSES - 1) * c->gibs &&
	      worst <= LATER_FAULTS;
	for (i = 0; i < n; i++)
		stop(&p[i]);
	remove_data(path);
	printf("%s %d %s: %s\n", ok ? "ok" : "not ok", ++test_number, fs,
	       c->name);
	return ok;
}

/*
 * Run @argv to its end with its standard output, up to @size - 1 bytes,
 * in @out; its exit status, or -1 if it did not exit.
 */
static int run_to_end(char *const argv[], char *out, size_t size)
{
	int pipefd[2], status;
	size_t n = 0;
	ssize_t got;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(pipefd[1], STDOUT_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	while ((got = read(pipefd[0], out + n, size - 1 - n)) > 0)
		n += got;
	out[n] = '\0';
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The number after "@key" : in fio's JSON output @json, or -1 */
static long fio_json_value(const char *json, const char *key)
{
	char quoted[64];
	const char *s;

	snprintf(quoted, sizeof(quoted), "\"%s\" : ", key);
	s = strstr(json, quoted);
	return s ? strtol(s + strlen(quoted), NULL, 10) : -1;
}

/*
 * One fio job of @mode ("write" or "read") over the file @path: written
 * with a crc32c in every block, or read through ioengine=mmap with every
 * block checked (verify_fatal: the first bad block fails it).  The job's
 * minor faults, as fio counts them (its JSON "minf"), or -1 if it failed.
 */
static long run_fio(const char *path, const char *mode)
{
	static char json[64 * KIB];
	char file[600], size[64], rw[32];
	bool read = !strcmp(mode, "read");
	char *argv[] = { "fio", "--name=clients", file, size, rw,
			 "--bs=" FIO_BLOCK, "--verify=crc32c",
			 read ? "--ioengine=mmap" : "--ioengine=psync",
			 read ? "--verify_fatal=1" : "--do_verify=0",
			 "--output-format=json", NULL };
	int status;

	snprintf(file, sizeof(file), "--filename=%s", path);
	snprintf(size, sizeof(size), "--size=%lu", FIO_SIZE);
	snprintf(rw, sizeof(rw), "--rw=%s", mode);
	status = run_to_end(argv, json, sizeof(json));
	if (status || fio_json_value(json, "error")) {
		printf("# fio %s of %s: exit status %d, error %ld\n", mode, path,
		       status, fio_json_value(json, "error"));
		return -1;
	}
	return fio_json_value(json, "minf");
}

/*
 * fio, ioengine=mmap: each fio maps the file with mmap(NULL), reads it
 * through the mapping and checks every block against the crc32c that a
 * write job of fio stored in it; then it unmaps the file and exits.  So a
 * holder (fio_holder()) maps the file first and keeps the tables, and one
 * fio reads with vm.fsdax_pmd_share off, then PROCESSES - 1 one after
 * another with it on.  Each of these must link the table of every GiB,
 * and sharing must save it the faults of the 2 MiB entries, 512 per GiB,
 * but for at most LATER_FAULTS: what fio faults for its own memory is the
 * same with sharing on and off.
 */
static bool test_fio(const char *dir, const char *fs)
{
	const long gibs = FIO_SIZE / GIB, entries = gibs * GIB / (2 * MIB);
	const char *name = "fio ioengine=mmap, mmap(NULL) in each job";
	long share0, linked, off_faults, faults, least = -1;
	char path[512];
	struct proc holder = { .pid = -1 };
	bool ok;
	int n;

	snprintf(path, sizeof(path), "%s/clients.fio", dir);
	ok = run_fio(path, "write") >= 0;
	ok = ok && run_self(&holder, "--fio-holder", path);
	if (ok)
		printf("# %s: %s: holder at %#lx (%#lx modulo 1 GiB): %ld faults\n",
		       fs, name, holder.r.addr, holder.r.addr % GIB,
		       holder.r.faults);
	ok = ok && !write_proc("/proc/sys/vm/fsdax_pmd_share", "0");
	off_faults = ok ? run_fio(path, "read") : -1;
	ok = ok && !write_proc("/proc/sys/vm/fsdax_pmd_share", "1") &&
	     off_faults >= 0;
	share0 = vmstat("fsdax_pmd_share");
	for (n = 1; ok && n < PROCESSES; n++) {
		faults = run_fio(path, "read");
		ok = faults >= 0;
		if (ok && (least < 0 || off_faults - faults < least))
			least = off_faults - faults;
		printf("# %s: %s: fio %d: %ld faults\n", fs, name, n, faults);
	}
	linked = vmstat("fsdax_pmd_share") - share0;
	printf("# %s: %s: with sharing off fio took %ld faults; %ld tables linked (want %ld), sharing saved each fio at least %ld faults (want at least %ld)\n",
	       fs, name, off_faults, linked, (PROCESSES - 1) * gibs, least,
	       entries - LATER_FAULTS);
	ok &= linked == (PROCESSES - 1) * gibs &&
	      least >= entries - LATER_FAULTS;
	stop(&holder);
	unlink(path);
	printf("%s %d %s: %s\n", ok ? "ok" : "not ok", ++test_number, fs,
	       name);
	return ok;
}

static const char *fs_name(const char *dir)
{
	const char *slash = strrchr(dir, '/');

	return slash ? slash + 1 : dir;
}

int main(int argc, char **argv)
{
	int d, failed = 0;
	size_t i;

	if (argc == 3 && !strcmp(argv[1], "--lmdb"))
		return lmdb_reader(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "--pmem"))
		return pmem_reader(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "--fio-holder"))
		return fio_holder(argv[2]);

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	if (argc < 2) {
		printf("1..0 # SKIP usage: %s DAX_DIR...\n", argv[0]);
		return 4;
	}
	printf("1..%zu\n",
	       (argc - 1) * (sizeof(clients) / sizeof(*clients) + 1));
	if (vmstat("fsdax_pmd_share") < 0) {
		printf("# the kernel does not share fsdax PMD tables\n");
		return 1;
	}
	if (write_proc("/proc/sys/vm/fsdax_pmd_share", "1")) {
		printf("# cannot switch vm.fsdax_pmd_share on: %s\n",
		       strerror(errno));
		return 1;
	}
	for (d = 1; d < argc; d++) {
		for (i = 0; i < sizeof(clients) / sizeof(*clients); i++)
			failed += !test_client(argv[d], fs_name(argv[d]),
					       &clients[i]);
		failed += !test_fio(argv[d], fs_name(argv[d]));
	}
	return failed ? 1 : 0;
}
