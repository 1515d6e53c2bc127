// SPDX-License-Identifier: GPL-2.0
/*
 * nvme-kv: command-line access to NVMe Key Value namespaces.
 *
 *   nvme-kv store    <device> <key> [<value>] [options]
 *   nvme-kv retrieve <device> <key> [options]
 *   nvme-kv delete   <device> <key> [options]
 *   nvme-kv exist    <device> <key> [options]
 *   nvme-kv list     <device> [options]
 *   nvme-kv identify <device> [options]
 *   nvme-kv stats    <device> [options]
 *
 * Exit status: 0 success, 1 the key does not exist, 2 bad usage,
 * 3 the key exists (store --if-absent), 4 any other failure.
 * See nvme-kv(1).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
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

/* -o, --output-format */
enum format {
	FMT_NORMAL,	/* raw value bytes; list: one key per line */
	FMT_HEX,	/* hexadecimal */
	FMT_JSON,	/* one JSON object */
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
		"Usage: %s <command> <device> [arguments] [options]\n"
		"Access an NVMe Key Value namespace (/dev/kv<ctrl>n<nsid>).\n\n"
		"Commands:\n"
		"  store     store a value under a key\n"
		"  retrieve  print the value stored under a key\n"
		"  delete    delete a key and its value\n"
		"  exist     tell, by exit status, whether a key exists\n"
		"  list      print the keys, from a start key on\n"
		"  identify  print the namespace's limits and utilisation\n"
		"  stats     print the driver's command counters\n\n"
		"Run '%s <command> --help' for the options of a command.\n"
		"Exit status: 0 success, 1 key does not exist, 2 bad usage,\n"
		"3 key exists (store --if-absent), 4 any other failure.\n",
		prog, prog);
}

#define HELP_KEY_HEX	"  -x, --key-hex              <key> is hexadecimal (e.g. 00ff10)\n"
#define HELP_JSON	"  -o, --output-format=FMT    normal or json\n"
#define HELP_HELP	"  -h, --help                 this text\n"

static void help_store(FILE *f)
{
	fprintf(f,
		"Usage: %s store <device> <key> [<value>] [options]\n"
		"Store a value under a key.  The value is <value>, the contents\n"
		"of --value-file, or standard input when neither is given.\n\n"
		"  -f, --value-file=FILE      read the value from FILE ('-' for stdin)\n"
		HELP_KEY_HEX
		"  -e, --if-exists            store only if the key exists (SIKE)\n"
		"  -a, --if-absent            store only if the key does not exist (SINKE)\n"
		HELP_JSON HELP_HELP, prog);
}

static void help_retrieve(FILE *f)
{
	fprintf(f,
		"Usage: %s retrieve <device> <key> [options]\n"
		"Write the value stored under a key to standard output.\n\n"
		"  -f, --value-file=FILE      write the value to FILE instead\n"
		HELP_KEY_HEX
		"  -o, --output-format=FMT    normal (the bytes as stored), hex or json\n"
		HELP_HELP, prog);
}

static void help_key_only(FILE *f, const char *cmd)
{
	fprintf(f,
		"Usage: %s %s <device> <key> [options]\n%s\n\n"
		HELP_KEY_HEX HELP_JSON HELP_HELP, prog, cmd,
		!strcmp(cmd, "delete") ?
		"Delete a key and its value; exit status 1 if the key does not exist." :
		"Exit status 0 if the key exists, 1 if it does not.");
}

static void help_list(FILE *f)
{
	fprintf(f,
		"Usage: %s list <device> [options]\n"
		"Print the keys of the namespace in the controller's order (bytewise),\n"
		"one per line: as text when every byte is printable, else in hex.\n\n"
		"  -s, --start=KEY            start at KEY (included if it exists)\n"
		HELP_KEY_HEX
		"  -n, --max-keys=N           print at most N keys\n"
		"  -o, --output-format=FMT    normal, hex (every key in hex) or json\n"
		HELP_HELP, prog);
}

static void help_info(FILE *f, const char *cmd)
{
	fprintf(f,
		"Usage: %s %s <device> [options]\n%s\n\n" HELP_JSON HELP_HELP,
		prog, cmd, !strcmp(cmd, "identify") ?
		"Print the namespace's key and value limits, capacity and utilisation\n"
		"from a fresh KV Identify Namespace." :
		"Print the driver's counters for the namespace: commands sent by\n"
		"opcode, failed commands, value bytes written and read.");
}

static int parse_format(const char *cmd, const char *arg, int allow_hex,
			enum format *fmt)
{
	if (!strcmp(arg, "normal") || !strcmp(arg, "raw"))
		*fmt = FMT_NORMAL;
	else if (!strcmp(arg, "json"))
		*fmt = FMT_JSON;
	else if (allow_hex && !strcmp(arg, "hex"))
		*fmt = FMT_HEX;
	else
		return usage_error(cmd, "unknown output format '%s'", arg);
	return 0;
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

			if (!strchr("0123456789abcdefABCDEF", arg[2 * i]) ||
			    !strchr("0123456789abcdefABCDEF", arg[2 * i + 1]) ||
			    sscanf(arg + 2 * i, "%2x", &b) != 1) {
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

static int printable(const unsigned char *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] < 0x20 || b[i] > 0x7e)
			return 0;
	return 1;
}

static void put_hex(FILE *f, const unsigned char *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", b[i]);
}

/* A JSON string of printable ASCII bytes */
static void put_json_string(FILE *f, const unsigned char *b, size_t len)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		if (b[i] == '"' || b[i] == '\\')
			fputc('\\', f);
		fputc(b[i], f);
	}
	fputc('"', f);
}

/* "name": "text", "name_hex": "..." -- the text only when printable */
static void put_json_bytes(FILE *f, const char *name, const unsigned char *b,
			   size_t len)
{
	if (printable(b, len)) {
		fprintf(f, "\"%s\": ", name);
		put_json_string(f, b, len);
		fprintf(f, ", ");
	}
	fprintf(f, "\"%s_hex\": \"", name);
	put_hex(f, b, len);
	fprintf(f, "\"");
}

static void put_json_device(FILE *f, const char *dev)
{
	fprintf(f, "{\"device\": ");
	put_json_string(f, (const unsigned char *)dev, strlen(dev));
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

static int finish_output(const char *cmd, FILE *f)
{
	if (fflush(f) || ferror(f)) {
		fprintf(stderr, "%s: %s: write failed: %s\n", prog, cmd,
			strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int cmd_store(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "value-file", required_argument, NULL, 'f' },
		{ "key-hex", no_argument, NULL, 'x' },
		{ "if-exists", no_argument, NULL, 'e' },
		{ "if-absent", no_argument, NULL, 'a' },
		{ "output-format", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const char *file = NULL, *dev;
	unsigned char key[NVME_KV_KEY_MAX], *value = NULL;
	enum format fmt = FMT_NORMAL;
	unsigned int options = 0;
	int c, hex = 0, key_len, fd, ret, rc;
	size_t value_len;
	uint16_t status;

	while ((c = getopt_long(argc, argv, "f:xeao:h", opts, NULL)) != -1) {
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
		case 'o':
			if (parse_format("store", optarg, 0, &fmt))
				return EXIT_USAGE;
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
	if (rc == EXIT_OK && fmt == FMT_JSON) {
		put_json_device(stdout, dev);
		fprintf(stdout, ", ");
		put_json_bytes(stdout, "key", key, key_len);
		fprintf(stdout, ", \"value_len\": %zu, \"stored\": true}\n",
			value_len);
		rc = finish_output("store", stdout);
	}
	return rc;
}

static int cmd_retrieve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "value-file", required_argument, NULL, 'f' },
		{ "key-hex", no_argument, NULL, 'x' },
		{ "output-format", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const char *out = NULL, *dev;
	unsigned char key[NVME_KV_KEY_MAX];
	int c, hex = 0, key_len, fd, ret, rc = EXIT_OK;
	enum format fmt = FMT_NORMAL;
	void *value;
	size_t value_len;
	uint16_t status;
	FILE *f = stdout;

	while ((c = getopt_long(argc, argv, "f:xo:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			out = optarg;
			break;
		case 'x':
			hex = 1;
			break;
		case 'o':
			if (parse_format("retrieve", optarg, 1, &fmt))
				return EXIT_USAGE;
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
	switch (fmt) {
	case FMT_NORMAL:
		fwrite(value, 1, value_len, f);
		break;
	case FMT_HEX:
		put_hex(f, value, value_len);
		fputc('\n', f);
		break;
	case FMT_JSON:
		put_json_device(f, dev);
		fprintf(f, ", ");
		put_json_bytes(f, "key", key, key_len);
		fprintf(f, ", \"value_len\": %zu, ", value_len);
		put_json_bytes(f, "value", value, value_len);
		fprintf(f, "}\n");
		break;
	}
	rc = finish_output("retrieve", f);
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
		{ "output-format", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	unsigned char key[NVME_KV_KEY_MAX];
	enum format fmt = FMT_NORMAL;
	int c, hex = 0, key_len, fd, ret, rc;
	uint16_t status;

	while ((c = getopt_long(argc, argv, "xo:h", opts, NULL)) != -1) {
		switch (c) {
		case 'x':
			hex = 1;
			break;
		case 'o':
			if (parse_format(cmd, optarg, 0, &fmt))
				return EXIT_USAGE;
			break;
		case 'h':
			help_key_only(stdout, cmd);
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
		rc = EXIT_NO_KEY;
	else
		rc = ret ? device_error(cmd, argv[optind], ret, status) : EXIT_OK;
	if (fmt == FMT_JSON && (rc == EXIT_OK || fn == nvmekv_exist)) {
		put_json_device(stdout, argv[optind]);
		fprintf(stdout, ", ");
		put_json_bytes(stdout, "key", key, key_len);
		if (fn == nvmekv_exist && (rc == EXIT_OK || rc == EXIT_NO_KEY))
			fprintf(stdout, ", \"exists\": %s}\n",
				rc == EXIT_OK ? "true" : "false");
		else if (fn == nvmekv_delete)
			fprintf(stdout, ", \"deleted\": true}\n");
		else
			fprintf(stdout, "}\n");
		if (finish_output(cmd, stdout))
			rc = EXIT_FAIL;
	}
	return rc;
}

struct list_out {
	FILE		*f;
	enum format	fmt;
	size_t		n;
};

static int list_one(const uint8_t *key, size_t key_len, void *arg)
{
	struct list_out *o = arg;

	switch (o->fmt) {
	case FMT_NORMAL:
		if (printable(key, key_len))
			fwrite(key, 1, key_len, o->f);
		else
			put_hex(o->f, key, key_len);
		fputc('\n', o->f);
		break;
	case FMT_HEX:
		put_hex(o->f, key, key_len);
		fputc('\n', o->f);
		break;
	case FMT_JSON:
		fprintf(o->f, "%s\n    {", o->n ? "," : "");
		put_json_bytes(o->f, "key", key, key_len);
		fprintf(o->f, "}");
		break;
	}
	o->n++;
	return ferror(o->f) ? -EIO : 0;
}

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "start", required_argument, NULL, 's' },
		{ "key-hex", no_argument, NULL, 'x' },
		{ "max-keys", required_argument, NULL, 'n' },
		{ "output-format", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct list_out o = { .f = stdout, .fmt = FMT_NORMAL };
	unsigned char start[NVME_KV_KEY_MAX];
	const char *start_arg = NULL, *dev;
	unsigned long max = 0;
	int c, hex = 0, start_len = 0, fd, ret, rc;
	uint16_t status;
	char *end;

	while ((c = getopt_long(argc, argv, "s:xn:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			start_arg = optarg;
			break;
		case 'x':
			hex = 1;
			break;
		case 'n':
			errno = 0;
			max = strtoul(optarg, &end, 10);
			if (errno || !*optarg || *end || *optarg == '-' || !max)
				return usage_error("list", "--max-keys wants a positive number, not '%s'",
						   optarg);
			break;
		case 'o':
			if (parse_format("list", optarg, 1, &o.fmt))
				return EXIT_USAGE;
			break;
		case 'h':
			help_list(stdout);
			return EXIT_OK;
		default:
			return usage_error("list", "unknown option or missing argument '%s'",
					   argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return usage_error("list", "expects <device>");
	dev = argv[optind];
	if (start_arg) {
		start_len = parse_key("list", start_arg, hex, start);
		if (start_len < 0)
			return EXIT_USAGE;
	}

	fd = open_device("list", dev);
	if (fd < 0)
		return EXIT_FAIL;
	if (o.fmt == FMT_JSON) {
		put_json_device(stdout, dev);
		fprintf(stdout, ", \"keys\": [");
	}
	ret = nvmekv_list_all(fd, start, start_len, max, list_one, &o,
			      &status);
	nvmekv_close(fd);
	if (o.fmt == FMT_JSON)
		fprintf(stdout, "%s], \"count\": %zu}\n", o.n ? "\n  " : "",
			o.n);
	rc = finish_output("list", stdout);
	if (ret)
		return device_error("list", dev, ret, status);
	return rc;
}

/* The sysfs directory of a /dev/kv* path: /sys/class/nvme-kv/<name> */
static int sysfs_dir(const char *dev, char *dir, size_t len)
{
	char real[PATH_MAX];
	const char *name;

	if (!realpath(dev, real))
		return -errno;
	name = strrchr(real, '/');
	name = name ? name + 1 : real;
	if (strncmp(name, "kv", 2))
		return -ENODEV;
	snprintf(dir, len, "/sys/class/nvme-kv/%s", name);
	return access(dir, R_OK) ? -ENODEV : 0;
}

static const char *const stat_names[] = {
	"store", "retrieve", "delete", "exist", "list", "errors",
	"bytes_written", "bytes_read",
};

static int cmd_info(int argc, char **argv, const char *cmd)
{
	static const struct option opts[] = {
		{ "output-format", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	enum format fmt = FMT_NORMAL;
	struct nvme_kv_identify id;
	char dir[PATH_MAX + 64], path[PATH_MAX + 128];
	unsigned long long v[sizeof(stat_names) / sizeof(stat_names[0])];
	const char *dev;
	unsigned int i;
	int c, fd, ret;
	FILE *f;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (parse_format(cmd, optarg, 0, &fmt))
				return EXIT_USAGE;
			break;
		case 'h':
			help_info(stdout, cmd);
			return EXIT_OK;
		default:
			return usage_error(cmd, "unknown option or missing argument '%s'",
					   argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return usage_error(cmd, "expects <device>");
	dev = argv[optind];

	if (!strcmp(cmd, "identify")) {
		fd = open_device(cmd, dev);
		if (fd < 0)
			return EXIT_FAIL;
		ret = nvmekv_identify(fd, &id);
		nvmekv_close(fd);
		if (ret)
			return device_error(cmd, dev, ret, 0);
		if (fmt == FMT_JSON) {
			put_json_device(stdout, dev);
			printf(", \"nsid\": %u, \"max_key_len\": %u, \"max_value_len\": %u, \"max_keys\": %u, \"capacity\": %llu, \"utilization\": %llu}\n",
			       id.nsid, id.max_key_len, id.max_value_len,
			       id.max_keys, (unsigned long long)id.capacity,
			       (unsigned long long)id.utilization);
		} else {
			printf("nsid          : %u\n"
			       "max_key_len   : %u\n"
			       "max_value_len : %u\n"
			       "max_keys      : %u%s\n"
			       "capacity      : %llu\n"
			       "utilization   : %llu\n",
			       id.nsid, id.max_key_len, id.max_value_len,
			       id.max_keys, id.max_keys ? "" : " (no limit indicated)",
			       (unsigned long long)id.capacity,
			       (unsigned long long)id.utilization);
		}
		return finish_output(cmd, stdout);
	}

	ret = sysfs_dir(dev, dir, sizeof(dir));
	if (ret)
		return device_error(cmd, dev, ret, 0);
	for (i = 0; i < sizeof(stat_names) / sizeof(stat_names[0]); i++) {
		snprintf(path, sizeof(path), "%s/stats/%s", dir, stat_names[i]);
		f = fopen(path, "r");
		if (!f || fscanf(f, "%llu", &v[i]) != 1) {
			ret = f ? -EIO : -errno;
			if (f)
				fclose(f);
			return device_error(cmd, path, ret, 0);
		}
		fclose(f);
	}
	if (fmt == FMT_JSON)
		put_json_device(stdout, dev);
	for (i = 0; i < sizeof(stat_names) / sizeof(stat_names[0]); i++) {
		if (fmt == FMT_JSON)
			printf(", \"%s\": %llu", stat_names[i], v[i]);
		else
			printf("%-14s: %llu\n", stat_names[i], v[i]);
	}
	if (fmt == FMT_JSON)
		printf("}\n");
	return finish_output(cmd, stdout);
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
	if (!strcmp(argv[1], "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(argv[1], "identify"))
		return cmd_info(argc - 1, argv + 1, "identify");
	if (!strcmp(argv[1], "stats"))
		return cmd_info(argc - 1, argv + 1, "stats");
	return usage_error(NULL, "unknown command '%s'", argv[1]);
}
