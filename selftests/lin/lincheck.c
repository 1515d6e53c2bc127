// SPDX-License-Identifier: GPL-2.0
/*
 * lincheck: check a key-value history for linearizability (lincheck.h).
 *
 *   lincheck <history> [<history>...]
 *
 * History lines, from any number of clients sharing one clock (ns):
 *   I <ts> <client> <seq> <P|D|G> <key> <value>   invocation
 *   R <ts> <client> <seq> <ok|absent|error> <value> response
 * P writes value id <value> (never 0); G's response carries the value id
 * read (0 for absent); D answers ok or absent.  An invocation without a
 * response, or with "error", has an unknown outcome.  Every key starts
 * absent.  Prints one summary line; exit 0 linearizable, 1 a violation,
 * 2 bad input.
 */
#include <inttypes.h>
#include <stdio.h>
#include "lincheck.h"

struct call {
	uint32_t	client, seq;
	struct lin_event e;
	int		answered;
};

static struct call *calls;
static size_t ncalls, cap;

static struct call *find_call(uint32_t client, uint32_t seq)
{
	size_t i;

	/* responses follow their invocations closely: search backwards */
	for (i = ncalls; i-- > 0;)
		if (calls[i].client == client && calls[i].seq == seq)
			return &calls[i];
	return NULL;
}

static int load(const char *path)
{
	char line[256], op, status[16];
	uint64_t ts, value;
	uint32_t client, seq, key;
	unsigned long lineno = 0;
	struct call *c;
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[0] == 'I' &&
		    sscanf(line, "I %" SCNu64 " %" SCNu32 " %" SCNu32 " %c %" SCNu32 " %" SCNu64,
			   &ts, &client, &seq, &op, &key, &value) == 6 &&
		    (op == 'P' || op == 'D' || op == 'G') &&
		    (op != 'P' || value != LIN_ABSENT)) {
			if (ncalls == cap) {
				cap = cap ? cap * 2 : 4096;
				calls = realloc(calls, cap * sizeof(*calls));
				if (!calls) {
					fclose(f);
					return -1;
				}
			}
			c = &calls[ncalls++];
			memset(c, 0, sizeof(*c));
			c->client = client;
			c->seq = seq;
			c->e.inv = ts;
			c->e.ret = LIN_NO_RETURN;
			c->e.key = key;
			c->e.op = op == 'P' ? LIN_PUT : op == 'D' ? LIN_DEL : LIN_GET;
			c->e.value = op == 'P' ? value : LIN_ABSENT;
		} else if (line[0] == 'R' &&
			   sscanf(line, "R %" SCNu64 " %" SCNu32 " %" SCNu32 " %15s %" SCNu64,
				  &ts, &client, &seq, status, &value) == 5 &&
			   (c = find_call(client, seq)) && !c->answered &&
			   ts >= c->e.inv) {
			c->answered = 1;
			if (!strcmp(status, "error"))
				continue;	/* outcome unknown */
			if (strcmp(status, "ok") && strcmp(status, "absent"))
				goto bad;
			c->e.ret = ts;
			if (c->e.op == LIN_GET)
				c->e.value = !strcmp(status, "ok") ? value : LIN_ABSENT;
			c->e.del_found = c->e.op == LIN_DEL && !strcmp(status, "ok");
		} else if (line[0] != '#' && line[0] != '\n') {
			goto bad;
		}
	}
	fclose(f);
	return 0;
bad:
	fprintf(stderr, "%s:%lu: not a history line: %s", path, lineno, line);
	fclose(f);
	return -1;
}

static int key_cmp(const void *a, const void *b)
{
	const struct call *x = a, *y = b;

	return x->e.key < y->e.key ? -1 : x->e.key > y->e.key;
}

int main(int argc, char **argv)
{
	size_t i, j, k, n, keys = 0, unknown = 0, violations = 0;
	unsigned long visited, states = 0;
	struct lin_event *ev;
	int a, ok;

	if (argc < 2) {
		fprintf(stderr, "usage: lincheck <history>...\n");
		return 2;
	}
	for (a = 1; a < argc; a++)
		if (load(argv[a]))
			return 2;
	qsort(calls, ncalls, sizeof(*calls), key_cmp);
	ev = malloc((ncalls + 1) * sizeof(*ev));
	if (!ev)
		return 2;
	for (i = 0; i < ncalls; i = j) {
		for (j = i, n = 0; j < ncalls && calls[j].e.key == calls[i].e.key; j++) {
			if (calls[j].e.ret == LIN_NO_RETURN) {
				unknown++;
				if (calls[j].e.op == LIN_GET)
					continue;
			}
			ev[n++] = calls[j].e;
		}
		keys++;
		ok = lin_check_key(ev, n, LIN_ABSENT, &visited);
		states += visited;
		if (ok < 0) {
			fprintf(stderr, "lincheck: out of memory on key %" PRIu32 "\n",
				calls[i].e.key);
			return 2;
		}
		if (!ok) {
			violations++;
			printf("# key %" PRIu32 ": %zu operations are not linearizable\n",
			       calls[i].e.key, n);
			for (k = 0; k < n && k < 12; k++)
				printf("#   %c value %" PRIu64 " [%" PRIu64 ", %" PRIu64 "]\n",
				       "PDG"[ev[k].op], ev[k].value, ev[k].inv,
				       ev[k].ret);
		}
	}
	printf("ops %zu unknown %zu keys %zu violations %zu states %lu\n",
	       ncalls, unknown, keys, violations, states);
	free(ev);
	free(calls);
	return violations ? 1 : 0;
}
