// SPDX-License-Identifier: GPL-2.0
/*
 * nvme-kv: command-line access to NVMe Key Value namespaces.
 *
 *   nvme-kv store    <device> <key> [<value>] [options]
 *   nvme-kv retrieve <device> <key> [options]
 *   nvme-kv delete   <device> <key> [options]
 *   nvme-kv exist    <device> <key> [options]
 *
 * Exit status: 0 success, 1 the key does not exist, 2 bad usage,
 * 3 the key exists (store --if-absent), 4 any other failure.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "nvmekv.h"

enum {
	EXIT_OK = 0,
	EXIT_NO_KEY = 1,
	EXIT_USAGE = 2,
	EXIT_KEY_EXISTS = 3,
	EXIT_FAIL = 4,
};

static const char *prog = "nvme-kv";

static int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s%s", prog, cmd ? cmd : "", cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try '%s %s%s--help')\n", prog, cmd ? cmd : "",
		cmd ? " " : "");
	return EXIT_USAGE;
}

static void help_main(FILE *f)
{
	fprintf(f,
		"Usage: %s <command> <device> <key> [options]\n"
		"Access an NVMe Key Value namespace (/dev/kv<ctrl>n<nsid>).\n\n"
		"Commands:\n"
		"  store     store a value under a key\n"
		"  retrieve  print the value stored under a key\n"
		"  delete    delete a key and its value\n"
		"  exist     tell, by exit status, whether a key exists\n\n"
		"Run '%s <command> --help' for the options of a command.\n"
		"Exit status: 0 success, 1 key does not exist, 2 bad usage,\n"
		"3 key exists (store --if-absent), 4 any other failure.\n",
		prog, prog);
}

static void help_store(FILE *f)
{
	fprintf(f,
		"Usage: %s store <device> <key> [<value>] [options]\n"
		"Store a value under a key.  The value is <value>, the contents\n"
		"of --value-file, or standard input when neither is given.\n\n"
		"  -f, --value-file=FILE  read the value from FILE ('-' for stdin)\n"
		"  -x, --key-hex          <key> is hexadecimal (e.g. 00ff10)\n"
		"  -e, --if-exists        store only if the key exists (SIKE)\n"
		"  -a, --if-absent        store only if the key does not exist (SINKE)\n"
		"  -h, --help             this text\n",
		prog);
}

static void help_retrieve(FILE *f)
{
	fprintf(f,
		"Usage: %s retrieve <device> <key> [options]\n"
		"Write the value stored under a key to standard output.\n\n"
		"  -o, --output=FILE  write the value to FILE instead\n"
		"  -x, --key-hex      <key> is hexadecimal (e.g. 00ff10)\n"
		"  -h, --help         this text\n",
		prog);
}

/* Parse the key argument; returns its length or -1 after a message. */
static int parse_key(const char *cmd, const char *arg, int hex,
		     unsigned char *key)
{
	size_t len = strlen(arg), i;

	if (hex) {
		if (len % 2) {
			usage_error(cmd, "hex key '%s' has an odd number of digits", arg);
			return -1;
		}
		len /= 2;
		if (len < NVME_KV_KEY_MIN || len > NVME_KV_KEY_MAX) {
			usage_error(cmd, "key is %zu bytes; keys are %d to %d bytes",
				    len, NVME_KV_KEY_MIN, NVME_KV_KEY_MAX);
			return -1;
		}
		for (i = 0; i < len; i++) {
			unsigned int b;

			if (sscanf(arg + 2 * i, "%2x", &b) != 1 ||
			    !strchr("0123456789abcdefABCDEF", arg[2 * i]) ||
			    !strchr("0123456789abcdefABCDEF", arg[2 * i + 1])) {
				usage_error(cmd, "hex key '%s' has a non-hex digit", arg);
				return -1;
			}
			key[i] = b;
		}
		return len;
	}
	if (len < NVME_KV_KEY_MIN || len > NVME_KV_KEY_MAX) {
		usage_error(cmd, "key is %zu bytes; keys are %d to %d bytes",
			    len, NVME_KV_KEY_MIN, NVME_KV_KEY_MAX);
		return -1;
	}
	memcpy(key, arg, len);
	return len;
}

/* Read all of @f into a malloc()ed buffer. */
static int read_all(FILE *f, unsigned char **buf, size_t *len)
{
	size_t cap = 4096, n = 0, r;
	unsigned char *b = malloc(cap), *nb;

	if (!b)
		return -ENOMEM;
	while ((r = fread(b + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			nb = realloc(b, cap *= 2);
			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
		}
	}
	if (ferror(f)) {
		free(b);
		return -EIO;
	}
	*buf = b;
	*len = n;
	return 0;
}

static int device_error(const char *cmd, const char *dev, int err,
			uint16_t status)
{
	if (status) {
		fprintf(stderr, "%s: %s: %s: %s (NVMe status 0x%03x)\n", prog,
			cmd, dev, nvmekv_status_name(status), status);
		switch (err) {
		case -ENOENT:
			return EXIT_NO_KEY;
		case -EEXIST:
			return EXIT_KEY_EXISTS;
		default:
			return EXIT_FAIL;
		}
	}
	fprintf(stderr, "%s: %s: %s: %s\n", prog, cmd, dev, strerror(-err));
	return EXIT_FAIL;
}

static int open_device(const char *cmd, const char *dev)
{
	int fd = nvmekv_open(dev);

	if (fd < 0)
		fprintf(stderr, "%s: %s: cannot open %s: %s\n", prog, cmd, dev,
			strerror(-fd));
	return fd;
}

static int cmd_store(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "value-file", required_argument, NULL, 'f' },
		{ "key-hex", no_argument, NULL, 'x' },
		{ "if-exists", no_argument, NULL, 'e' },
		{ "if-absent", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const char *file = NULL, *dev;
	unsigned char key[NVME_KV_KEY_MAX], *value = NULL;
	unsigned int options = 0;
	int c, hex = 0, key_len, fd, ret, rc;
	size_t value_len;
	uint16_t status;

	while ((c = getopt_long(argc, argv, "f:xeah", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			file = optarg;
			break;
		case 'x':
			hex = 1;
			break;
		case 'e':
			options |= NVME_KV_STORE_SIKE;
			break;
		case 'a':
			options |= NVME_KV_STORE_SINKE;
			break;
		case 'h':
			help_store(stdout);
			return EXIT_OK;
		default:
			return usage_error("store", "unknown option or missing argument '%s'",
					   argv[optind - 1]);
		}
	}
	if (argc - optind < 2 || argc - optind > 3)
		return usage_error("store", "expects <device> <key> [<value>]");
	if (argc - optind == 3 && file)
		return usage_error("store", "give either <value> or --value-file, not both");
	if ((options & NVME_KV_STORE_SIKE) && (options & NVME_KV_STORE_SINKE))
		return usage_error("store", "--if-exists and --if-absent exclude each other");

	dev = argv[optind];
	key_len = parse_key("store", argv[optind + 1], hex, key);
	if (key_len < 0)
		return EXIT_USAGE;

	if (argc - optind == 3) {
		value_len = strlen(argv[optind + 2]);
		value = malloc(value_len + 1);
		if (!value)
			return device_error("store", dev, -ENOMEM, 0);
		memcpy(value, argv[optind + 2], value_len);
	} else {
		FILE *f = stdin;

		if (file && strcmp(file, "-")) {
			f = fopen(file, "rb");
			if (!f) {
				fprintf(stderr, "%s: store: cannot open %s: %s\n",
					prog, file, strerror(errno));
				return EXIT_FAIL;
			}
		}
		ret = read_all(f, &value, &value_len);
		if (f != stdin)
			fclose(f);
		if (ret)
			return device_error("store", file ? file : "stdin", ret, 0);
	}

	fd = open_device("store", dev);
	if (fd < 0) {
		free(value);
		return EXIT_FAIL;
	}
	ret = nvmekv_store(fd, key, key_len, value, value_len, options, &status);
	rc = ret ? device_error("store", dev, ret, status) : EXIT_OK;
	nvmekv_close(fd);
	free(value);
	return rc;
}

static int cmd_retrieve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "key-hex", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const char *out = NULL, *dev;
	unsigned char key[NVME_KV_KEY_MAX];
	int c, hex = 0, key_len, fd, ret, rc = EXIT_OK;
	void *value;
	size_t value_len;
	uint16_t status;
	FILE *f = stdout;

	while ((c = getopt_long(argc, argv, "o:xh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'x':
			hex = 1;
			break;
		case 'h':
			help_retrieve(stdout);
			return EXIT_OK;
		default:
			return usage_error("retrieve", "unknown option or missing argument '%s'",
					   argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return usage_error("retrieve", "expects <device> <key>");
	dev = argv[optind];
	key_len = parse_key("retrieve", argv[optind + 1], hex, key);
	if (key_len < 0)
		return EXIT_USAGE;

	fd = open_device("retrieve", dev);
	if (fd < 0)
		return EXIT_FAIL;
	ret = nvmekv_retrieve_alloc(fd, key, key_len, &value, &value_len, 0,
				    &status);
	nvmekv_close(fd);
	if (ret)
		return device_error("retrieve", dev, ret, status);

	if (out && strcmp(out, "-")) {
		f = fopen(out, "wb");
		if (!f) {
			fprintf(stderr, "%s: retrieve: cannot create %s: %s\n",
				prog, out, strerror(errno));
			free(value);
			return EXIT_FAIL;
		}
	}
	if (fwrite(value, 1, value_len, f) != value_len || fflush(f)) {
		fprintf(stderr, "%s: retrieve: write failed: %s\n", prog,
			strerror(errno));
		rc = EXIT_FAIL;
	}
	if (f != stdout && fclose(f) && rc == EXIT_OK) {
		fprintf(stderr, "%s: retrieve: write failed: %s\n", prog,
			strerror(errno));
		rc = EXIT_FAIL;
	}
	free(value);
	return rc;
}

/* delete and exist: a device and a key, nothing else */
static int cmd_key_only(int argc, char **argv, const char *cmd,
			int (*fn)(int, const void *, size_t, uint16_t *))
{
	static const struct option opts[] = {
		{ "key-hex", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	unsigned char key[NVME_KV_KEY_MAX];
	int c, hex = 0, key_len, fd, ret;
	uint16_t status;

	while ((c = getopt_long(argc, argv, "xh", opts, NULL)) != -1) {
		switch (c) {
		case 'x':
			hex = 1;
			break;
		case 'h':
			printf("Usage: %s %s <device> <key> [options]\n"
			       "%s\n\n"
			       "  -x, --key-hex  <key> is hexadecimal (e.g. 00ff10)\n"
			       "  -h, --help     this text\n", prog, cmd,
			       fn == nvmekv_delete ?
			       "Delete a key and its value; exit status 1 if the key does not exist." :
			       "Exit status 0 if the key exists, 1 if it does not.");
			return EXIT_OK;
		default:
			return usage_error(cmd, "unknown option or missing argument '%s'",
					   argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return usage_error(cmd, "expects <device> <key>");
	key_len = parse_key(cmd, argv[optind + 1], hex, key);
	if (key_len < 0)
		return EXIT_USAGE;
	fd = open_device(cmd, argv[optind]);
	if (fd < 0)
		return EXIT_FAIL;
	ret = fn(fd, key, key_len, &status);
	nvmekv_close(fd);
	/* a missing key is the answer of exist, not an error to report */
	if (ret == -ENOENT && fn == nvmekv_exist)
		return EXIT_NO_KEY;
	return ret ? device_error(cmd, argv[optind], ret, status) : EXIT_OK;
}

int main(int argc, char **argv)
{
	opterr = 0;	/* usage_error() says what is wrong, in one line */
	if (argc < 2)
		return usage_error(NULL, "missing command");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		help_main(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "store"))
		return cmd_store(argc - 1, argv + 1);
	if (!strcmp(argv[1], "retrieve"))
		return cmd_retrieve(argc - 1, argv + 1);
	if (!strcmp(argv[1], "delete"))
		return cmd_key_only(argc - 1, argv + 1, "delete", nvmekv_delete);
	if (!strcmp(argv[1], "exist"))
		return cmd_key_only(argc - 1, argv + 1, "exist", nvmekv_exist);
	return usage_error(NULL, "unknown command '%s'", argv[1]);
}
