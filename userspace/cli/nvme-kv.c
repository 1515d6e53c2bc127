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
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "nvmekv.h"

enum {
	EXIT_OK = 0,
	EXIT_NO_KEY = 1,
	EXIT_USAGE = 2,
	EXIT_KEY_EXISTS = 3,
	EXIT_FAIL = 4,
};

/* -o, --output-format, as in nvme-cli, plus hex */
enum format {
	FMT_NORMAL,	/* for people: a value's bytes as stored, keys as text */
	FMT_JSON,	/* one JSON object, made by json-c */
	FMT_BINARY,	/* raw bytes: a value, or struct nvme_kv_identify */
	FMT_HEX,	/* retrieve and list: hexadecimal */
};

/* formats a command takes (bit per enum format) */
#define FMTS_BASE	(1u << FMT_NORMAL | 1u << FMT_JSON)
#define FMTS_RETRIEVE	(FMTS_BASE | 1u << FMT_BINARY | 1u << FMT_HEX)
#define FMTS_LIST	(FMTS_BASE | 1u << FMT_HEX)
#define FMTS_IDENTIFY	(FMTS_BASE | 1u << FMT_BINARY)

static const char *const format_names[] = {
	[FMT_NORMAL] = "normal", [FMT_JSON] = "json",
	[FMT_BINARY] = "binary", [FMT_HEX] = "hex",
};

/* The options every command takes, as nvme-cli spells them */
struct common {
	enum format	fmt;
	unsigned int	nsid;		/* -n; 0 when not given */
	int		verbose;	/* -v */
	unsigned int	timeout_ms;	/* -t; 0: the driver's */
	/* the device the command runs on, after -n (resolve_device()) */
	char		dev[PATH_MAX];
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
		"Access an NVMe Key Value namespace (/dev/kv<ctrl>n<nsid>, or a\n"
		"controller /dev/nvme<ctrl> with -n <nsid>).\n\n"
		"Commands:\n"
		"  store     store a value under a key\n"
		"  retrieve  print the value stored under a key\n"
		"  delete    delete a key and its value\n"
		"  exist     tell, by exit status, whether a key exists\n"
		"  list      print the keys, from a start key on\n"
		"  identify  print the namespace's limits and utilisation\n"
		"  stats     print the driver's counters for the namespace\n\n"
		"Run '%s <command> --help' for the options of a command.\n"
		"Exit status: 0 success, 1 key does not exist, 2 bad usage,\n"
		"3 key exists (store --if-absent), 4 any other failure.\n",
		prog, prog);
}

#define HELP_KEY_HEX	"  -x, --key-hex              <key> is hexadecimal (e.g. 00ff10)\n"
#define HELP_COMMON \
	"  -n, --namespace-id=NSID    namespace NSID of the controller <device>\n" \
	"                             (/dev/nvme<ctrl>), or check <device>'s\n" \
	"  -v, --verbose              say on stderr what is sent and its status\n" \
	"  -h, --help                 this text\n"
#define HELP_TIMEOUT \
	"  -t, --timeout=MS           timeout of each NVMe command, in\n" \
	"                             milliseconds (default: the driver's)\n"
#define HELP_JSON	"  -o, --output-format=FMT    normal or json\n" HELP_COMMON
#define HELP_IO_JSON	"  -o, --output-format=FMT    normal or json\n" \
	HELP_TIMEOUT HELP_COMMON

static void help_store(FILE *f)
{
	fprintf(f,
		"Usage: %s store <device> <key> [<value>] [options]\n"
		"Store a value under a key.  The value is <value>, the contents\n"
		"of --value-file, or standard input when neither is given.\n"
		"Prints nothing unless -o json is given.\n\n"
		"  -f, --value-file=FILE      read the value from FILE ('-' for stdin)\n"
		HELP_KEY_HEX
		"  -e, --if-exists            store only if the key exists (SIKE)\n"
		"  -a, --if-absent            store only if the key does not exist (SINKE)\n"
		HELP_IO_JSON, prog);
}

static void help_retrieve(FILE *f)
{
	fprintf(f,
		"Usage: %s retrieve <device> <key> [options]\n"
		"Write the value stored under a key to standard output.\n\n"
		"  -f, --value-file=FILE      write the value to FILE instead\n"
		HELP_KEY_HEX
		"  -o, --output-format=FMT    normal or binary (the bytes as stored),\n"
		"                             hex or json\n"
		HELP_TIMEOUT HELP_COMMON, prog);
}

static void help_key_only(FILE *f, const char *cmd)
{
	fprintf(f,
		"Usage: %s %s <device> <key> [options]\n%s\n\n"
		HELP_KEY_HEX HELP_IO_JSON, prog, cmd,
		!strcmp(cmd, "delete") ?
		"Delete a key and its value; exit status 1 if the key does not exist." :
		"Exit status 0 if the key exists, 1 if it does not; with -o json\n"
		"\"exists\" says which.");
}

static void help_list(FILE *f)
{
	fprintf(f,
		"Usage: %s list <device> [options]\n"
		"Print the keys of the namespace in the controller's order (bytewise),\n"
		"one per line: as text when every byte is printable, else in hex.\n"
		"Takes as many List commands as the keys need.\n\n"
		"  -s, --start=KEY            start at KEY (included if it exists)\n"
		HELP_KEY_HEX
		"  -m, --max-keys=N           print at most N keys\n"
		"  -o, --output-format=FMT    normal, hex (every key in hex) or json\n"
		HELP_TIMEOUT HELP_COMMON, prog);
}

static void help_info(FILE *f, const char *cmd)
{
	if (!strcmp(cmd, "identify"))
		fprintf(f,
			"Usage: %s identify <device> [options]\n"
			"Print the namespace's key and value limits, capacity and\n"
			"utilisation from a fresh KV Identify Namespace.\n\n"
			"  -o, --output-format=FMT    normal, json or binary (struct\n"
			"                             nvme_kv_identify of <linux/nvme_kv.h>)\n"
			HELP_COMMON, prog);
	else
		fprintf(f,
			"Usage: %s stats <device> [options]\n"
			"Print every counter the driver keeps for the namespace\n"
			"(/sys/class/nvme-kv/<name>/stats/).\n\n" HELP_JSON, prog);
}

static int parse_format(const char *cmd, const char *arg, unsigned int allowed,
			enum format *fmt)
{
	unsigned int i;

	if (!strcmp(arg, "raw"))	/* the name 0.1 used for normal */
		arg = "normal";
	for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (strcmp(arg, format_names[i]))
			continue;
		if (!(allowed & 1u << i))
			return usage_error(cmd, "-o %s is not an output of %s",
					   arg, cmd);
		*fmt = i;
		return 0;
	}
	return usage_error(cmd, "unknown output format '%s'", arg);
}

/*
 * The options every command shares: -o, -n and -v.  Returns 1 when @c was
 * one of them, 0 when it was not, -1 after a usage message.
 */
static int common_opt(const char *cmd, int c, unsigned int formats,
		      struct common *co)
{
	unsigned long v;
	char *end;

	switch (c) {
	case 'o':
		return parse_format(cmd, optarg, formats, &co->fmt) ? -1 : 1;
	case 'n':
		errno = 0;
		v = strtoul(optarg, &end, 0);
		if (errno || !*optarg || *end || *optarg == '-' || !v ||
		    v >= 0xffffffffUL) {
			usage_error(cmd, "--namespace-id wants a namespace ID from 1 to 0xfffffffe, not '%s'",
				    optarg);
			return -1;
		}
		co->nsid = v;
		return 1;
	case 'v':
		co->verbose = 1;
		return 1;
	case 't':
		errno = 0;
		v = strtoul(optarg, &end, 0);
		if (errno || !*optarg || *end || *optarg == '-' ||
		    v > 0xffffffffUL) {
			usage_error(cmd, "--timeout wants milliseconds from 0 to 4294967295, not '%s'",
				    optarg);
			return -1;
		}
		co->timeout_ms = v;
		return 1;
	}
	return 0;
}

#define COMMON_SHORT	"o:n:vh"
/* the commands that send KV commands also take -t */
#define IO_SHORT	"t:" COMMON_SHORT
#define IO_LONG \
	{ "timeout", required_argument, NULL, 't' }, \
	COMMON_LONG
#define COMMON_LONG \
	{ "output-format", required_argument, NULL, 'o' }, \
	{ "namespace-id", required_argument, NULL, 'n' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "help", no_argument, NULL, 'h' }

/*
 * The device to open: @dev itself, or with -n the KV namespace of that ID
 * on the controller @dev (/dev/nvme<ctrl> -> /dev/kv<ctrl>n<nsid>).  Given
 * a KV namespace, -n must be its namespace ID.
 */
static int resolve_device(const char *cmd, const char *dev, struct common *co)
{
	unsigned int ctrl, nsid;
	char real[PATH_MAX], tail;
	const char *name;

	if (strlen(dev) >= sizeof(co->dev))
		return usage_error(cmd, "device path is too long");
	strcpy(co->dev, dev);
	if (!co->nsid)
		return 0;
	name = realpath(dev, real) ? real : dev;
	name = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	if (sscanf(name, "kv%un%u%c", &ctrl, &nsid, &tail) == 2) {
		if (nsid != co->nsid)
			return usage_error(cmd, "%s is namespace %u, not %u",
					   dev, nsid, co->nsid);
		return 0;
	}
	if (sscanf(name, "nvme%u%c", &ctrl, &tail) != 1)
		return usage_error(cmd, "-n wants a controller /dev/nvme<N> or a /dev/kv* device, not %s",
				   dev);
	snprintf(co->dev, sizeof(co->dev), "/dev/kv%un%u", ctrl, co->nsid);
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

/*
 * @name as a JSON string when every byte is printable ASCII (so the JSON
 * stays valid UTF-8 whatever the bytes), and @name_hex always if
 * @always_hex, else when @name was left out.  Returns 0 or -ENOMEM.
 */
static int json_add_text_or_hex(struct json_object *o, const char *name,
				const void *bytes, size_t len, int always_hex)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *b = bytes;
	struct json_object *v;
	char hex_name[32];
	char *hex;
	size_t i;

	if (printable(b, len)) {
		v = json_object_new_string_len((const char *)b, len);
		if (!v || json_object_object_add(o, name, v))
			goto nomem_put;
		if (!always_hex)
			return 0;
	}
	hex = malloc(2 * len + 1);
	if (!hex)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		hex[2 * i] = digits[b[i] >> 4];
		hex[2 * i + 1] = digits[b[i] & 15];
	}
	hex[2 * len] = 0;
	snprintf(hex_name, sizeof(hex_name), "%s_hex", name);
	v = json_object_new_string_len(hex, 2 * len);
	free(hex);
	if (!v || json_object_object_add(o, hex_name, v))
		goto nomem_put;
	return 0;
nomem_put:
	json_object_put(v);
	return -ENOMEM;
}

/* keys and values: "name" when printable, and "name_hex" always */
static int json_add_bytes(struct json_object *o, const char *name,
			  const void *bytes, size_t len)
{
	return json_add_text_or_hex(o, name, bytes, len, 1);
}

static int json_add_u64(struct json_object *o, const char *name,
			unsigned long long n)
{
	struct json_object *v = json_object_new_uint64(n);

	if (!v || json_object_object_add(o, name, v)) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static int json_add_bool(struct json_object *o, const char *name, int b)
{
	struct json_object *v = json_object_new_boolean(b);

	if (!v || json_object_object_add(o, name, v)) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

/* A new object with "device" (or, not printable, "device_hex"), or NULL */
static struct json_object *json_device(const char *dev)
{
	struct json_object *o = json_object_new_object();

	if (o && json_add_text_or_hex(o, "device", dev, strlen(dev), 0)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
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

/* Print @o (NULL: it could not be built) to @f and drop it. */
static int json_print(const char *cmd, FILE *f, struct json_object *o,
		      int err)
{
	const char *text;

	if (!o || err) {
		json_object_put(o);
		fprintf(stderr, "%s: %s: JSON output: %s\n", prog, cmd,
			strerror(ENOMEM));
		return EXIT_FAIL;
	}
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text)
		fprintf(f, "%s\n", text);
	json_object_put(o);
	if (!text) {
		fprintf(stderr, "%s: %s: JSON output: %s\n", prog, cmd,
			strerror(ENOMEM));
		return EXIT_FAIL;
	}
	return finish_output(cmd, f);
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

/* -v: what is sent, then what came back */
static void verbose_cmd(const struct common *co, const char *cmd,
			const unsigned char *key, size_t key_len,
			size_t value_len)
{
	if (!co->verbose)
		return;
	fprintf(stderr, "%s: %s: %s", prog, cmd, co->dev);
	if (key_len) {
		fprintf(stderr, " key ");
		if (printable(key, key_len))
			fprintf(stderr, "'%.*s'", (int)key_len, key);
		else
			put_hex(stderr, key, key_len);
		fprintf(stderr, " (%zu bytes)", key_len);
	}
	if (value_len)
		fprintf(stderr, ", value %zu bytes", value_len);
	if (co->timeout_ms)
		fprintf(stderr, ", timeout %u ms", co->timeout_ms);
	fputc('\n', stderr);
}

static void verbose_status(const struct common *co, const char *cmd, int err,
			   uint16_t status)
{
	if (!co->verbose)
		return;
	fprintf(stderr, "%s: %s: %s: NVMe status 0x%03x (%s), %s\n", prog, cmd,
		co->dev, status, status ? nvmekv_status_name(status) : "Success",
		err ? strerror(-err) : "no error");
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

static int open_device(const char *cmd, const char *dev,
		       const struct common *co)
{
	int fd = nvmekv_open(dev);

	nvmekv_set_timeout(co->timeout_ms);

	if (fd < 0)
		fprintf(stderr, "%s: %s: cannot open %s: %s\n", prog, cmd, dev,
			strerror(-fd));
	return fd;
}

static int bad_option(const char *cmd, char **argv)
{
	return usage_error(cmd, "unknown option or missing argument '%s'",
			   argv[optind - 1]);
}

static int cmd_store(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "value-file", required_argument, NULL, 'f' },
		{ "key-hex", no_argument, NULL, 'x' },
		{ "if-exists", no_argument, NULL, 'e' },
		{ "if-absent", no_argument, NULL, 'a' },
		IO_LONG,
		{ }
	};
	const char *file = NULL;
	unsigned char key[NVME_KV_KEY_MAX], *value = NULL;
	struct common co = { .fmt = FMT_NORMAL };
	struct json_object *o;
	unsigned int options = 0;
	int c, hex = 0, key_len, fd, ret, rc;
	size_t value_len;
	uint16_t status = 0;

	while ((c = getopt_long(argc, argv, "f:xea" IO_SHORT, opts,
				NULL)) != -1) {
		ret = common_opt("store", c, FMTS_BASE, &co);
		if (ret < 0)
			return EXIT_USAGE;
		if (ret)
			continue;
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
			return bad_option("store", argv);
		}
	}
	if (argc - optind < 2 || argc - optind > 3)
		return usage_error("store", "expects <device> <key> [<value>]");
	if (argc - optind == 3 && file)
		return usage_error("store", "give either <value> or --value-file, not both");
	if ((options & NVME_KV_STORE_SIKE) && (options & NVME_KV_STORE_SINKE))
		return usage_error("store", "--if-exists and --if-absent exclude each other");
	if (resolve_device("store", argv[optind], &co))
		return EXIT_USAGE;
	key_len = parse_key("store", argv[optind + 1], hex, key);
	if (key_len < 0)
		return EXIT_USAGE;

	if (argc - optind == 3) {
		value_len = strlen(argv[optind + 2]);
		value = malloc(value_len + 1);
		if (!value)
			return device_error("store", co.dev, -ENOMEM, 0);
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

	fd = open_device("store", co.dev, &co);
	if (fd < 0) {
		free(value);
		return EXIT_FAIL;
	}
	verbose_cmd(&co, "store", key, key_len, value_len);
	ret = nvmekv_store(fd, key, key_len, value, value_len, options, &status);
	verbose_status(&co, "store", ret, status);
	rc = ret ? device_error("store", co.dev, ret, status) : EXIT_OK;
	nvmekv_close(fd);
	free(value);
	/* store says nothing on stdout unless asked */
	if (rc == EXIT_OK && co.fmt == FMT_JSON) {
		o = json_device(co.dev);
		ret = o ? json_add_bytes(o, "key", key, key_len) |
			  json_add_u64(o, "value_len", value_len) |
			  json_add_bool(o, "stored", 1) : 0;
		rc = json_print("store", stdout, o, ret);
	}
	return rc;
}

static int cmd_retrieve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "value-file", required_argument, NULL, 'f' },
		{ "key-hex", no_argument, NULL, 'x' },
		IO_LONG,
		{ }
	};
	const char *out = NULL;
	unsigned char key[NVME_KV_KEY_MAX];
	struct common co = { .fmt = FMT_NORMAL };
	int c, hex = 0, key_len, fd, ret, rc = EXIT_OK;
	struct json_object *o;
	void *value;
	size_t value_len;
	uint16_t status = 0;
	FILE *f = stdout;

	while ((c = getopt_long(argc, argv, "f:x" IO_SHORT, opts,
				NULL)) != -1) {
		ret = common_opt("retrieve", c, FMTS_RETRIEVE, &co);
		if (ret < 0)
			return EXIT_USAGE;
		if (ret)
			continue;
		switch (c) {
		case 'f':
			out = optarg;
			break;
		case 'x':
			hex = 1;
			break;
		case 'h':
			help_retrieve(stdout);
			return EXIT_OK;
		default:
			return bad_option("retrieve", argv);
		}
	}
	if (argc - optind != 2)
		return usage_error("retrieve", "expects <device> <key>");
	if (resolve_device("retrieve", argv[optind], &co))
		return EXIT_USAGE;
	key_len = parse_key("retrieve", argv[optind + 1], hex, key);
	if (key_len < 0)
		return EXIT_USAGE;

	fd = open_device("retrieve", co.dev, &co);
	if (fd < 0)
		return EXIT_FAIL;
	verbose_cmd(&co, "retrieve", key, key_len, 0);
	ret = nvmekv_retrieve_alloc(fd, key, key_len, &value, &value_len, 0,
				    &status);
	verbose_status(&co, "retrieve", ret, status);
	nvmekv_close(fd);
	if (ret)
		return device_error("retrieve", co.dev, ret, status);

	if (out && strcmp(out, "-")) {
		f = fopen(out, "wb");
		if (!f) {
			fprintf(stderr, "%s: retrieve: cannot create %s: %s\n",
				prog, out, strerror(errno));
			free(value);
			return EXIT_FAIL;
		}
	}
	switch (co.fmt) {
	case FMT_NORMAL:
	case FMT_BINARY:
		fwrite(value, 1, value_len, f);
		rc = finish_output("retrieve", f);
		break;
	case FMT_HEX:
		put_hex(f, value, value_len);
		fputc('\n', f);
		rc = finish_output("retrieve", f);
		break;
	case FMT_JSON:
		o = json_device(co.dev);
		ret = o ? json_add_bytes(o, "key", key, key_len) |
			  json_add_u64(o, "value_len", value_len) |
			  json_add_bytes(o, "value", value, value_len) : 0;
		rc = json_print("retrieve", f, o, ret);
		break;
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
		IO_LONG,
		{ }
	};
	unsigned char key[NVME_KV_KEY_MAX];
	struct common co = { .fmt = FMT_NORMAL };
	int c, hex = 0, key_len, fd, ret, rc;
	int exist = fn == nvmekv_exist;
	struct json_object *o;
	uint16_t status = 0;

	while ((c = getopt_long(argc, argv, "x" IO_SHORT, opts,
				NULL)) != -1) {
		ret = common_opt(cmd, c, FMTS_BASE, &co);
		if (ret < 0)
			return EXIT_USAGE;
		if (ret)
			continue;
		switch (c) {
		case 'x':
			hex = 1;
			break;
		case 'h':
			help_key_only(stdout, cmd);
			return EXIT_OK;
		default:
			return bad_option(cmd, argv);
		}
	}
	if (argc - optind != 2)
		return usage_error(cmd, "expects <device> <key>");
	if (resolve_device(cmd, argv[optind], &co))
		return EXIT_USAGE;
	key_len = parse_key(cmd, argv[optind + 1], hex, key);
	if (key_len < 0)
		return EXIT_USAGE;
	fd = open_device(cmd, co.dev, &co);
	if (fd < 0)
		return EXIT_FAIL;
	verbose_cmd(&co, cmd, key, key_len, 0);
	ret = fn(fd, key, key_len, &status);
	verbose_status(&co, cmd, ret, status);
	nvmekv_close(fd);
	/* a missing key is the answer of exist, not an error to report */
	if (ret == -ENOENT && exist)
		rc = EXIT_NO_KEY;
	else
		rc = ret ? device_error(cmd, co.dev, ret, status) : EXIT_OK;
	/*
	 * exist -o json says whether the key exists whenever the device
	 * answered that; delete reports what it deleted
	 */
	if (co.fmt == FMT_JSON &&
	    (rc == EXIT_OK || (exist && rc == EXIT_NO_KEY))) {
		o = json_device(co.dev);
		ret = o ? json_add_bytes(o, "key", key, key_len) |
			  json_add_bool(o, exist ? "exists" : "deleted",
					rc == EXIT_OK) : 0;
		if (json_print(cmd, stdout, o, ret))
			rc = EXIT_FAIL;
	}
	return rc;
}

struct list_out {
	FILE			*f;
	enum format		fmt;
	struct json_object	*keys;	/* -o json: the array being filled */
	size_t			n;
};

static int list_one(const uint8_t *key, size_t key_len, void *arg)
{
	struct list_out *lo = arg;
	struct json_object *k;

	switch (lo->fmt) {
	case FMT_NORMAL:
		if (printable(key, key_len))
			fwrite(key, 1, key_len, lo->f);
		else
			put_hex(lo->f, key, key_len);
		fputc('\n', lo->f);
		break;
	case FMT_HEX:
		put_hex(lo->f, key, key_len);
		fputc('\n', lo->f);
		break;
	case FMT_JSON:
		k = json_object_new_object();
		if (!k || json_add_bytes(k, "key", key, key_len) ||
		    json_object_array_add(lo->keys, k)) {
			json_object_put(k);
			return -ENOMEM;
		}
		break;
	case FMT_BINARY:
		return -EINVAL;
	}
	lo->n++;
	return ferror(lo->f) ? -EIO : 0;
}

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "start", required_argument, NULL, 's' },
		{ "key-hex", no_argument, NULL, 'x' },
		{ "max-keys", required_argument, NULL, 'm' },
		IO_LONG,
		{ }
	};
	struct common co = { .fmt = FMT_NORMAL };
	struct list_out lo = { .f = stdout };
	unsigned char start[NVME_KV_KEY_MAX];
	const char *start_arg = NULL;
	struct json_object *o = NULL;
	unsigned long max = 0;
	int c, hex = 0, start_len = 0, fd, ret;
	uint16_t status = 0;
	char *end;

	while ((c = getopt_long(argc, argv, "s:xm:" IO_SHORT, opts,
				NULL)) != -1) {
		ret = common_opt("list", c, FMTS_LIST, &co);
		if (ret < 0)
			return EXIT_USAGE;
		if (ret)
			continue;
		switch (c) {
		case 's':
			start_arg = optarg;
			break;
		case 'x':
			hex = 1;
			break;
		case 'm':
			errno = 0;
			max = strtoul(optarg, &end, 10);
			if (errno || !*optarg || *end || *optarg == '-' || !max)
				return usage_error("list", "--max-keys wants a positive number, not '%s'",
						   optarg);
			break;
		case 'h':
			help_list(stdout);
			return EXIT_OK;
		default:
			return bad_option("list", argv);
		}
	}
	if (argc - optind != 1)
		return usage_error("list", "expects <device>");
	if (resolve_device("list", argv[optind], &co))
		return EXIT_USAGE;
	if (start_arg) {
		start_len = parse_key("list", start_arg, hex, start);
		if (start_len < 0)
			return EXIT_USAGE;
	}
	lo.fmt = co.fmt;
	if (co.fmt == FMT_JSON) {
		o = json_device(co.dev);
		lo.keys = json_object_new_array();
		if (!o || !lo.keys || json_object_object_add(o, "keys", lo.keys)) {
			json_object_put(lo.keys);
			return json_print("list", stdout, o, -ENOMEM);
		}
	}

	fd = open_device("list", co.dev, &co);
	if (fd < 0) {
		json_object_put(o);
		return EXIT_FAIL;
	}
	verbose_cmd(&co, "list", start, start_len, 0);
	/* as many List commands as it takes, each from the last key on */
	ret = nvmekv_list_all(fd, start, start_len, max, list_one, &lo,
			      &status);
	verbose_status(&co, "list", ret, status);
	nvmekv_close(fd);
	if (ret) {
		json_object_put(o);
		fflush(stdout);
		return device_error("list", co.dev, ret, status);
	}
	if (co.fmt == FMT_JSON)
		return json_print("list", stdout, o,
				  json_add_u64(o, "count", lo.n));
	return finish_output("list", stdout);
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

static int stat_file(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* stats: every counter in the namespace's stats/ directory, by name */
static int show_stats(const char *cmd, const struct common *co)
{
	char dir[PATH_MAX + 64], path[PATH_MAX + 384];
	struct json_object *o = NULL;
	struct dirent **names;
	unsigned long long v;
	int i, n, ret = 0, err = 0;
	FILE *f;

	ret = sysfs_dir(co->dev, dir, sizeof(dir));
	if (ret)
		return device_error(cmd, co->dev, ret, 0);
	strcat(dir, "/stats");
	n = scandir(dir, &names, stat_file, alphasort);
	if (n < 0)
		return device_error(cmd, dir, -errno, 0);
	if (co->fmt == FMT_JSON) {
		o = json_device(co->dev);
		if (!o)
			err = -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		f = fopen(path, "r");
		if (!f || fscanf(f, "%llu", &v) != 1) {
			if (!ret)
				ret = device_error(cmd, path, f ? -EIO : -errno, 0);
		} else if (co->fmt == FMT_JSON) {
			err |= o ? json_add_u64(o, names[i]->d_name, v) : 0;
		} else if (!ret) {
			printf("%-24s: %llu\n", names[i]->d_name, v);
		}
		if (f)
			fclose(f);
		free(names[i]);
	}
	free(names);
	if (ret) {
		json_object_put(o);
		return ret;
	}
	if (co->fmt == FMT_JSON)
		return json_print(cmd, stdout, o, err);
	return finish_output(cmd, stdout);
}

static int show_identify(const char *cmd, const struct common *co)
{
	struct nvme_kv_identify id;
	struct json_object *o;
	int fd, ret;

	fd = open_device(cmd, co->dev, co);
	if (fd < 0)
		return EXIT_FAIL;
	verbose_cmd(co, cmd, NULL, 0, 0);
	ret = nvmekv_identify(fd, &id);
	verbose_status(co, cmd, ret, 0);
	nvmekv_close(fd);
	if (ret)
		return device_error(cmd, co->dev, ret, 0);
	switch (co->fmt) {
	case FMT_JSON:
		o = json_device(co->dev);
		ret = o ? json_add_u64(o, "nsid", id.nsid) |
			  json_add_u64(o, "max_key_len", id.max_key_len) |
			  json_add_u64(o, "max_value_len", id.max_value_len) |
			  json_add_u64(o, "max_keys", id.max_keys) |
			  json_add_u64(o, "capacity", id.capacity) |
			  json_add_u64(o, "utilization", id.utilization) : 0;
		return json_print(cmd, stdout, o, ret);
	case FMT_BINARY:
		fwrite(&id, 1, sizeof(id), stdout);
		break;
	default:
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
		break;
	}
	return finish_output(cmd, stdout);
}

/* identify and stats: a device, nothing else */
static int cmd_info(int argc, char **argv, const char *cmd)
{
	static const struct option opts[] = {
		COMMON_LONG,
		{ }
	};
	int identify = !strcmp(cmd, "identify");
	struct common co = { .fmt = FMT_NORMAL };
	int c, ret;

	while ((c = getopt_long(argc, argv, COMMON_SHORT, opts, NULL)) != -1) {
		ret = common_opt(cmd, c, identify ? FMTS_IDENTIFY : FMTS_BASE,
				 &co);
		if (ret < 0)
			return EXIT_USAGE;
		if (ret)
			continue;
		if (c == 'h') {
			help_info(stdout, cmd);
			return EXIT_OK;
		}
		return bad_option(cmd, argv);
	}
	if (argc - optind != 1)
		return usage_error(cmd, "expects <device>");
	if (resolve_device(cmd, argv[optind], &co))
		return EXIT_USAGE;
	return identify ? show_identify(cmd, &co) : show_stats(cmd, &co);
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
