// SPDX-License-Identifier: GPL-2.0
/*
 * kv_mark: set the markers the instruction counter (qemu/plugin/kvcount.c)
 * recognises, "nopl 0x4b56CCTT(%rax)": CC 01h starts window TT, 02h ends it.
 *
 *   kv_mark start|stop TAG
 *   kv_mark write TAG FILE STRING   (start, one write(2) of STRING, stop)
 *   kv_mark run TAG CMD [ARG...]    (start, CMD to its end, stop; exits
 *                                    with CMD's status)
 *
 * The marker's tag is in its bytes (QEMU 7.2's plugins cannot read guest
 * registers), so it is written into an executable page and called.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static void (*marker[2])(void);

static int make_markers(unsigned int tag)
{
	unsigned char *p;
	int i;

	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	for (i = 0; i < 2; i++) {
		unsigned char m[8] = { 0x0f, 0x1f, 0x80, tag, i + 1, 0x56, 0x4b,
				       0xc3 /* ret */ };

		memcpy(p + 16 * i, m, sizeof(m));
		marker[i] = (void (*)(void))(p + 16 * i);
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: kv_mark start|stop TAG | kv_mark write TAG FILE STRING | kv_mark run TAG CMD [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long tag;
	char *end;
	int fd, status;
	ssize_t n;
	pid_t pid;

	if (argc < 3)
		return usage();
	errno = 0;
	tag = strtoul(argv[2], &end, 0);
	if (errno || *end || end == argv[2] || tag > 255) {
		fprintf(stderr, "kv_mark: TAG must be 0..255, not '%s'\n", argv[2]);
		return 2;
	}
	if (make_markers(tag)) {
		fprintf(stderr, "kv_mark: cannot map an executable page\n");
		return 1;
	}
	if (!strcmp(argv[1], "start") && argc == 3) {
		marker[0]();
	} else if (!strcmp(argv[1], "stop") && argc == 3) {
		marker[1]();
	} else if (!strcmp(argv[1], "write") && argc == 5) {
		fd = open(argv[3], O_WRONLY);
		if (fd < 0) {
			fprintf(stderr, "kv_mark: %s: %s\n", argv[3], strerror(errno));
			return 1;
		}
		marker[0]();
		n = write(fd, argv[4], strlen(argv[4]));
		marker[1]();
		close(fd);
		if (n < 0) {
			fprintf(stderr, "kv_mark: write %s: %s\n", argv[3], strerror(errno));
			return 1;
		}
	} else if (!strcmp(argv[1], "run") && argc >= 4) {
		marker[0]();
		pid = fork();
		if (pid == 0) {
			execvp(argv[3], argv + 3);
			fprintf(stderr, "kv_mark: %s: %s\n", argv[3], strerror(errno));
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			status = 1 << 8;
		marker[1]();
		if (pid < 0) {
			fprintf(stderr, "kv_mark: fork: %s\n", strerror(errno));
			return 1;
		}
		return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	} else {
		return usage();
	}
	return 0;
}
