// SPDX-License-Identifier: GPL-2.0
/*
 * kv_ctl: the command channel of the two-guest harness (qemu/pair.sh).  The
 * host guest's benchmark runs commands in the target guest with it: set up
 * the target, set the target's instruction-counter markers (kv_mark), read
 * its NIC and drive counters.
 *
 *   kv_ctl serve ADDR PORT          run each command a client sends, one
 *                                   connection at a time, until "quit"
 *   kv_ctl ADDR PORT COMMAND...     run COMMAND (joined by spaces) in
 *                                   /bin/sh -c on the server; print its
 *                                   output and exit with its status
 *
 * The client retries its connection for up to 120 s, so it can wait for a
 * guest still booting.  One connection per command: the client sends the
 * command and a newline and shuts its side; the server runs it with stdout
 * and stderr on the socket and then sends a NUL byte and "status N\n".
 *
 * This is a remote shell.  It exists only in the guests' initramfs, listens
 * only on the address it is given (the two guests' private link, a QEMU
 * stream network that never leaves QEMU) and is never installed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KV_CTL_MAX_CMD	4096

static int usage(void)
{
	fprintf(stderr, "usage: kv_ctl serve ADDR PORT | kv_ctl ADDR PORT COMMAND...\n");
	return 2;
}

static int parse_addr(const char *addr, const char *port,
		      struct sockaddr_in *sa)
{
	unsigned long p;
	char *end;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sa->sin_addr) != 1) {
		fprintf(stderr, "kv_ctl: '%s' is not an IPv4 address\n", addr);
		return -1;
	}
	errno = 0;
	p = strtoul(port, &end, 10);
	if (errno || *end || end == port || p == 0 || p > 65535) {
		fprintf(stderr, "kv_ctl: PORT must be 1..65535, not '%s'\n", port);
		return -1;
	}
	sa->sin_port = htons(p);
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/* one connection: read the command line, run it, send the trailer */
static int serve_one(int c)
{
	char cmd[KV_CTL_MAX_CMD + 1], trailer[32];
	size_t len = 0;
	int status, quit;
	pid_t pid;

	while (len < KV_CTL_MAX_CMD) {
		ssize_t n = read(c, cmd + len, KV_CTL_MAX_CMD - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 0;
		if (n == 0)
			break;
		len += n;
		if (memchr(cmd, '\n', len))
			break;
	}
	if (!len || !memchr(cmd, '\n', len)) {
		/* no complete command: nothing runs */
		write_all(c, "\0status 2\n", 10);
		return 0;
	}
	*(char *)memchr(cmd, '\n', len) = '\0';
	quit = !strcmp(cmd, "quit");
	status = 0;
	if (!quit) {
		pid = fork();
		if (pid < 0) {
			status = 255;
		} else if (pid == 0) {
			dup2(c, 0);
			dup2(c, 1);
			dup2(c, 2);
			close(c);
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
			_exit(127);
		} else {
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			status = WIFEXITED(status) ? WEXITSTATUS(status) :
				 128 + WTERMSIG(status);
		}
	}
	len = snprintf(trailer + 1, sizeof(trailer) - 1, "status %d\n", status);
	trailer[0] = '\0';
	write_all(c, trailer, len + 1);
	return quit;
}

static int serve(const struct sockaddr_in *sa)
{
	int s, c, one = 1;

	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (const struct sockaddr *)sa, sizeof(*sa)) || listen(s, 4)) {
		perror("kv_ctl: listen");
		return 1;
	}
	for (;;) {
		c = accept(s, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("kv_ctl: accept");
			return 1;
		}
		if (serve_one(c)) {
			close(c);
			break;
		}
		close(c);
	}
	close(s);
	return 0;
}

static int client(const struct sockaddr_in *sa, int argc, char **argv)
{
	char cmd[KV_CTL_MAX_CMD + 1], buf[4096], tail[32];
	size_t len = 0, tlen = 0;
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	int s = -1, i, tries, status, in_tail = 0;
	ssize_t n;

	for (i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]);

		if (memchr(argv[i], '\n', l) || len + l + 2 > KV_CTL_MAX_CMD) {
			fprintf(stderr, "kv_ctl: the command must be one line of at most %d bytes\n",
				KV_CTL_MAX_CMD - 1);
			return 2;
		}
		if (i)
			cmd[len++] = ' ';
		memcpy(cmd + len, argv[i], l);
		len += l;
	}
	cmd[len++] = '\n';

	for (tries = 0; tries < 600; tries++) {
		s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0) {
			perror("kv_ctl: socket");
			return 255;
		}
		if (!connect(s, (const struct sockaddr *)sa, sizeof(*sa)))
			break;
		close(s);
		s = -1;
		nanosleep(&pause, NULL);
	}
	if (s < 0) {
		fprintf(stderr, "kv_ctl: no server answered in 120 s\n");
		return 255;
	}
	if (write_all(s, cmd, len) || shutdown(s, SHUT_WR)) {
		perror("kv_ctl: send");
		return 255;
	}
	/* everything before the NUL is the command's output */
	while ((n = read(s, buf, sizeof(buf))) != 0) {
		char *z;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("kv_ctl: receive");
			return 255;
		}
		if (!in_tail) {
			z = memchr(buf, '\0', n);
			if (!z) {
				fwrite(buf, 1, n, stdout);
				continue;
			}
			fwrite(buf, 1, z - buf, stdout);
			in_tail = 1;
			n -= z - buf + 1;
			memmove(buf, z + 1, n);
		}
		if ((size_t)n > sizeof(tail) - 1 - tlen) {
			fprintf(stderr, "kv_ctl: malformed reply\n");
			return 255;
		}
		memcpy(tail + tlen, buf, n);
		tlen += n;
	}
	close(s);
	fflush(stdout);
	tail[tlen] = '\0';
	if (!in_tail || sscanf(tail, "status %d\n", &status) != 1) {
		fprintf(stderr, "kv_ctl: the server sent no status\n");
		return 255;
	}
	return status;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;

	if (argc >= 4 && !strcmp(argv[1], "serve")) {
		if (argc != 4 || parse_addr(argv[2], argv[3], &sa))
			return usage();
		return serve(&sa);
	}
	if (argc < 4)
		return usage();
	if (parse_addr(argv[1], argv[2], &sa))
		return 2;
	return client(&sa, argc - 3, argv + 3);
}
