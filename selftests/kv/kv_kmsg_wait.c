// SPDX-License-Identifier: GPL-2.0
/*
 * kv_kmsg_wait <text> <seconds> <file> <value>: write <value> to <file>
 * (a configfs attribute, such as a namespace's enable) and wait until the
 * kernel logs a message containing <text>, then print that message.  It
 * reads /dev/kmsg from the end it had before the write, blocking between
 * records, so a test that waits for a log line costs no CPU while it
 * waits, as polling dmesg would (the media attack runs next to a good
 * host whose latency is measured).
 *
 * Exit status: 0 when the message came, 1 when <seconds> passed first, 2
 * for a bad argument or a failed open or write.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	char rec[8192];
	long long deadline;
	struct pollfd pfd;
	char *end, *msg;
	long seconds;
	ssize_t n;
	int kmsg, fd;

	if (argc != 5) {
		fprintf(stderr, "usage: %s <text> <seconds> <file> <value>\n", argv[0]);
		return 2;
	}
	seconds = strtol(argv[2], &end, 10);
	if (*end || seconds <= 0 || seconds > 3600) {
		fprintf(stderr, "%s: bad number of seconds '%s'\n", argv[0], argv[2]);
		return 2;
	}
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg < 0 || lseek(kmsg, 0, SEEK_END) < 0) {
		perror("/dev/kmsg");
		return 2;
	}
	fd = open(argv[3], O_WRONLY);
	if (fd < 0) {
		perror(argv[3]);
		return 2;
	}
	if (write(fd, argv[4], strlen(argv[4])) < 0) {
		fprintf(stderr, "%s: write '%s': %s\n", argv[3], argv[4], strerror(errno));
		return 2;
	}
	close(fd);

	deadline = now_ms() + seconds * 1000;
	pfd.fd = kmsg;
	pfd.events = POLLIN;
	for (;;) {
		long long left = deadline - now_ms();

		if (left <= 0)
			return 1;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return 2;
		/* one record per read: "prio,seq,usec,flags;message\n..." */
		while ((n = read(kmsg, rec, sizeof(rec) - 1)) > 0) {
			rec[n] = '\0';
			msg = strchr(rec, ';');
			msg = msg ? msg + 1 : rec;
			msg[strcspn(msg, "\n")] = '\0';
			if (strstr(msg, argv[1])) {
				printf("%s\n", msg);
				return 0;
			}
		}
		/* EPIPE: records were overwritten before we read them; go on */
		if (n < 0 && errno != EAGAIN && errno != EPIPE)
			return 2;
	}
}
