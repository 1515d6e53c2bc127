// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nvme-cli plugin "kv": nvme kv store | retrieve | delete | exist | list |
 * id-ns on a KV namespace's generic char device (/dev/ngXnY), with I/O and
 * admin passthrough commands.  Wire fields come from nvme-kv's
 * uapi/linux/nvme_kv.h, copied next to this file by scripts/nvme-cli.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "common.h"
#include "nvme.h"
#include "libnvme.h"
#include "nvme_kv.h"

#define CREATE_CMD
#include "kv-nvme.h"

static const char *opt_nsid = "namespace ID (default: the device's)";
static const char *opt_key = "key, 1 to 16 bytes of text";
static const char *opt_key_hex = "key in hexadecimal instead";
static const char *opt_fmt = "output format: normal or json";

/* the key from --key or --key-hex; returns its length or -1 */
static int kv_parse_key(const char *text, const char *hex, __u8 *key,
			int allow_empty)
{
	size_t len, i;
	unsigned int b;

	if (text && hex) {
		fprintf(stderr, "give --key or --key-hex, not both\n");
		return -1;
	}
	if (hex) {
		len = strlen(hex);
		if (len % 2 || len / 2 > NVME_KV_KEY_MAX) {
			fprintf(stderr, "--key-hex needs 2 to 32 hex digits, in pairs\n");
			return -1;
		}
		for (i = 0; i < len / 2; i++) {
			if (!strchr("0123456789abcdefABCDEF", hex[2 * i]) ||
			    !strchr("0123456789abcdefABCDEF", hex[2 * i + 1]) ||
			    sscanf(hex + 2 * i, "%2x", &b) != 1) {
				fprintf(stderr, "--key-hex '%s' has a non-hex digit\n", hex);
				return -1;
			}
			key[i] = b;
		}
		len /= 2;
	} else {
		len = text ? strlen(text) : 0;
		if (len > NVME_KV_KEY_MAX) {
			fprintf(stderr, "key is %zu bytes; keys are 1 to 16 bytes\n", len);
			return -1;
		}
		if (len)
			memcpy(key, text, len);
	}
	if (!len && !allow_empty) {
		fprintf(stderr, "a key is required (--key or --key-hex)\n");
		return -1;
	}
	return len;
}

static int kv_json(const char *fmt)
{
	if (!strcmp(fmt, "json"))
		return 1;
	if (strcmp(fmt, "normal")) {
		fprintf(stderr, "unknown output format '%s'\n", fmt);
		return -1;
	}
	return 0;
}

/* the namespace ID: --namespace-id, else the one the device belongs to */
static int kv_nsid(struct nvme_dev *dev, __u32 *nsid)
{
	if (*nsid)
		return 0;
	if (nvme_get_nsid(dev_fd(dev), nsid) < 0) {
		perror("get-namespace-id");
		return -1;
	}
	return 0;
}

/*
 * Send one KV I/O command.  Returns 0, the NVMe status (SCT << 8 | SC) when
 * the controller failed it, or -1 with errno set.
 */
static int kv_io(struct nvme_dev *dev, __u8 opcode, __u32 nsid,
		 const __u8 *key, __u8 key_len, __u8 options, void *buf,
		 __u32 len, __u32 *result)
{
	struct nvme_passthru_cmd64 cmd;
	__u8 sqe[NVME_KV_SQE_BYTES] = { 0 };
	int ret;

	nvme_kv_sqe_set_key(sqe, key, key_len);
	nvme_kv_put_le32(sqe + NVME_KV_SQE_SIZE, len);
	sqe[NVME_KV_SQE_OPTIONS] = options;

	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = opcode;
	cmd.nsid = nsid;
	cmd.cdw2 = nvme_kv_get_le32(sqe + 8);
	cmd.cdw3 = nvme_kv_get_le32(sqe + 12);
	cmd.cdw10 = nvme_kv_get_le32(sqe + 40);
	cmd.cdw11 = nvme_kv_get_le32(sqe + 44);
	cmd.cdw14 = nvme_kv_get_le32(sqe + 56);
	cmd.cdw15 = nvme_kv_get_le32(sqe + 60);
	cmd.addr = (__u64)(uintptr_t)buf;
	cmd.data_len = len;
	ret = ioctl(dev_fd(dev), NVME_IOCTL_IO64_CMD, &cmd);
	if (result)
		*result = (__u32)cmd.result;
	return ret > 0 ? ret & 0x7ff : ret;
}

static const char *kv_status_name(int status)
{
	/* the KV codes arrive with SCT 0h or 1h (uapi/linux/nvme_kv.h) */
	if (((status >> 8) & 0x7) > 1)
		return "NVMe error";
	switch (status & 0xff) {
	case NVME_KV_SC_CAPACITY_EXCEEDED:
		return "Capacity Exceeded";
	case NVME_KV_SC_NS_NOT_READY:
		return "Namespace Not Ready";
	case NVME_KV_SC_RESERVATION_CONFLICT:
		return "Reservation Conflict";
	case NVME_KV_SC_FORMAT_IN_PROGRESS:
		return "Format In Progress";
	case NVME_KV_SC_INVALID_VALUE_SIZE:
		return "Invalid Value Size";
	case NVME_KV_SC_INVALID_KEY_SIZE:
		return "Invalid Key Size";
	case NVME_KV_SC_KEY_NOT_EXISTS:
		return "Key Does Not Exist";
	case NVME_KV_SC_UNRECOVERED_ERROR:
		return "Unrecovered Error";
	case NVME_KV_SC_KEY_EXISTS:
		return "Key Exists";
	case NVME_KV_SC_INVALID_OPCODE:
		return "Invalid Command Opcode";
	case NVME_KV_SC_INVALID_FIELD:
		return "Invalid Field in Command";
	default:
		return "NVMe error";
	}
}

static int kv_report(const char *cmd, int ret)
{
	if (ret < 0)
		fprintf(stderr, "kv %s: %s\n", cmd, strerror(errno));
	else if (ret > 0)
		fprintf(stderr, "kv %s: %s (NVMe status 0x%03x)\n", cmd,
			kv_status_name(ret), ret);
	return ret;
}

static void kv_json_fstring(FILE *f, const __u8 *b, size_t len)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		if (b[i] < 0x20 || b[i] > 0x7e)
			fprintf(f, "\\u%04x", b[i]);
		else if (b[i] == '"' || b[i] == '\\')
			fprintf(f, "\\%c", b[i]);
		else
			fputc(b[i], f);
	}
	fputc('"', f);
}

static void kv_json_string(const __u8 *b, size_t len)
{
	kv_json_fstring(stdout, b, len);
}

static int kv_store(int argc, char **argv, struct command *cmd,
		    struct plugin *plugin)
{
	const char *desc = "Store a value under a key in a KV namespace.";
	struct nvme_dev *dev;
	__u8 key[NVME_KV_KEY_MAX];
	void *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int key_len, fd = -1, err;

	struct config {
		__u32	namespace_id;
		char	*key;
		char	*key_hex;
		char	*value;
		char	*value_file;
		bool	if_exists;
		bool	if_absent;
	};
	struct config cfg = { 0 };

	OPT_ARGS(opts) = {
		OPT_UINT("namespace-id", 'n', &cfg.namespace_id, opt_nsid),
		OPT_STR("key", 'k', &cfg.key, opt_key),
		OPT_STR("key-hex", 'x', &cfg.key_hex, opt_key_hex),
		OPT_STR("value", 'v', &cfg.value, "the value, as text"),
		OPT_FILE("value-file", 'f', &cfg.value_file, "read the value from this file"),
		OPT_FLAG("if-exists", 'e', &cfg.if_exists, "store only if the key exists"),
		OPT_FLAG("if-absent", 'a', &cfg.if_absent, "store only if the key does not exist"),
		OPT_END()
	};

	err = parse_and_open(&dev, argc, argv, desc, opts);
	if (err)
		return err;
	err = -EINVAL;
	key_len = kv_parse_key(cfg.key, cfg.key_hex, key, 0);
	if (key_len < 0)
		goto close_dev;
	if (!!cfg.value + !!cfg.value_file != 1) {
		fprintf(stderr, "give exactly one of --value and --value-file\n");
		goto close_dev;
	}
	if (cfg.if_exists && cfg.if_absent) {
		fprintf(stderr, "--if-exists and --if-absent exclude each other\n");
		goto close_dev;
	}
	if (cfg.value) {
		len = strlen(cfg.value);
		buf = strdup(cfg.value);
		if (!buf)
			goto close_dev;
	} else {
		fd = strcmp(cfg.value_file, "-") ? open(cfg.value_file, O_RDONLY) : 0;
		if (fd < 0) {
			perror(cfg.value_file);
			goto close_dev;
		}
		do {
			if (len == cap) {
				void *nb = realloc(buf, cap = cap ? 2 * cap : 65536);

				if (!nb)
					goto free_buf;
				buf = nb;
			}
			n = read(fd, (char *)buf + len, cap - len);
			if (n < 0) {
				perror(cfg.value_file);
				goto free_buf;
			}
			len += n;
		} while (n > 0);
	}
	if (kv_nsid(dev, &cfg.namespace_id))
		goto free_buf;
	err = kv_io(dev, NVME_KV_CMD_STORE, cfg.namespace_id, key, key_len,
		    (cfg.if_exists ? NVME_KV_STORE_SIKE : 0) |
		    (cfg.if_absent ? NVME_KV_STORE_SINKE : 0), buf, len, NULL);
	if (!kv_report("store", err))
		printf("kv store: %zu bytes stored\n", len);
free_buf:
	if (fd > 0)
		close(fd);
	free(buf);
close_dev:
	dev_close(dev);
	return err;
}

static int kv_retrieve(int argc, char **argv, struct command *cmd,
		       struct plugin *plugin)
{
	const char *desc = "Retrieve the value stored under a key; the whole value is read, whatever its size.";
	struct nvme_dev *dev;
	__u8 key[NVME_KV_KEY_MAX];
	__u32 size = 4096, full = 0;
	void *buf = NULL;
	FILE *f = stdout;
	int key_len, json, err;

	struct config {
		__u32	namespace_id;
		char	*key;
		char	*key_hex;
		char	*value_file;
		char	*output_format;
	};
	struct config cfg = { .output_format = "normal" };

	OPT_ARGS(opts) = {
		OPT_UINT("namespace-id", 'n', &cfg.namespace_id, opt_nsid),
		OPT_STR("key", 'k', &cfg.key, opt_key),
		OPT_STR("key-hex", 'x', &cfg.key_hex, opt_key_hex),
		OPT_FILE("value-file", 'f', &cfg.value_file, "write the value to this file"),
		OPT_FMT("output-format", 'o', &cfg.output_format, "normal (the bytes) or json"),
		OPT_END()
	};

	err = parse_and_open(&dev, argc, argv, desc, opts);
	if (err)
		return err;
	err = -EINVAL;
	key_len = kv_parse_key(cfg.key, cfg.key_hex, key, 0);
	json = kv_json(cfg.output_format);
	if (key_len < 0 || json < 0 || kv_nsid(dev, &cfg.namespace_id))
		goto close_dev;

	/* the first Retrieve tells the size; a larger value is read again */
	for (;;) {
		void *nb = realloc(buf, size ? size : 1);

		if (!nb) {
			err = -ENOMEM;
			goto free_buf;
		}
		buf = nb;
		err = kv_io(dev, NVME_KV_CMD_RETRIEVE, cfg.namespace_id, key,
			    key_len, 0, buf, size, &full);
		if (kv_report("retrieve", err))
			goto free_buf;
		if (full <= size)
			break;
		size = full;
	}
	if (cfg.value_file && strcmp(cfg.value_file, "-")) {
		f = fopen(cfg.value_file, "wb");
		if (!f) {
			perror(cfg.value_file);
			err = -errno;
			goto free_buf;
		}
	}
	if (json) {
		fprintf(f, "{\"key\": ");
		kv_json_fstring(f, key, key_len);
		fprintf(f, ", \"value_len\": %u, \"value\": ", full);
		kv_json_fstring(f, buf, full);
		fprintf(f, "}\n");
	} else if (fwrite(buf, 1, full, f) != full) {
		perror("write");
		err = -EIO;
	}
	if (f != stdout)
		fclose(f);
free_buf:
	free(buf);
close_dev:
	dev_close(dev);
	return err;
}

static int kv_key_cmd(int argc, char **argv, __u8 opcode, const char *name,
		      const char *desc)
{
	struct nvme_dev *dev;
	__u8 key[NVME_KV_KEY_MAX];
	int key_len, json, err;

	struct config {
		__u32	namespace_id;
		char	*key;
		char	*key_hex;
		char	*output_format;
	};
	struct config cfg = { .output_format = "normal" };

	OPT_ARGS(opts) = {
		OPT_UINT("namespace-id", 'n', &cfg.namespace_id, opt_nsid),
		OPT_STR("key", 'k', &cfg.key, opt_key),
		OPT_STR("key-hex", 'x', &cfg.key_hex, opt_key_hex),
		OPT_FMT("output-format", 'o', &cfg.output_format, opt_fmt),
		OPT_END()
	};

	err = parse_and_open(&dev, argc, argv, desc, opts);
	if (err)
		return err;
	err = -EINVAL;
	key_len = kv_parse_key(cfg.key, cfg.key_hex, key, 0);
	json = kv_json(cfg.output_format);
	if (key_len < 0 || json < 0 || kv_nsid(dev, &cfg.namespace_id))
		goto close_dev;
	err = kv_io(dev, opcode, cfg.namespace_id, key, key_len, 0, NULL, 0,
		    NULL);
	if (opcode == NVME_KV_CMD_EXIST && (err == 0 || err == NVME_KV_SC_KEY_NOT_EXISTS)) {
		if (json) {
			printf("{\"key\": ");
			kv_json_string(key, key_len);
			printf(", \"exists\": %s}\n", err ? "false" : "true");
		} else {
			printf("kv exist: key %s\n", err ? "does not exist" : "exists");
		}
	} else if (!kv_report(name, err)) {
		printf("kv %s: done\n", name);
	}
close_dev:
	dev_close(dev);
	return err;
}

static int kv_delete(int argc, char **argv, struct command *cmd,
		     struct plugin *plugin)
{
	return kv_key_cmd(argc, argv, NVME_KV_CMD_DELETE, "delete",
			  "Delete a key and its value from a KV namespace.");
}

static int kv_exist(int argc, char **argv, struct command *cmd,
		    struct plugin *plugin)
{
	return kv_key_cmd(argc, argv, NVME_KV_CMD_EXIST, "exist",
			  "Tell whether a key exists; exits non-zero if it does not.");
}

static int kv_list(int argc, char **argv, struct command *cmd,
		   struct plugin *plugin)
{
	const char *desc = "List keys in the controller's order, from a start key on (included if it exists), with one List command.";
	struct nvme_dev *dev;
	__u8 key[NVME_KV_KEY_MAX], *buf = NULL;
	__u32 count, i, pos = 4, kl;
	int key_len, json, err;

	struct config {
		__u32	namespace_id;
		char	*start_key;
		char	*start_key_hex;
		__u32	buffer_size;
		char	*output_format;
	};
	struct config cfg = { .buffer_size = 65536, .output_format = "normal" };

	OPT_ARGS(opts) = {
		OPT_UINT("namespace-id", 'n', &cfg.namespace_id, opt_nsid),
		OPT_STR("start-key", 'k', &cfg.start_key, "start key (default: the first key)"),
		OPT_STR("start-key-hex", 'x', &cfg.start_key_hex, "start key in hexadecimal"),
		OPT_UINT("buffer-size", 'b', &cfg.buffer_size, "host buffer size in bytes (default 65536)"),
		OPT_FMT("output-format", 'o', &cfg.output_format, opt_fmt),
		OPT_END()
	};

	err = parse_and_open(&dev, argc, argv, desc, opts);
	if (err)
		return err;
	err = -EINVAL;
	key_len = kv_parse_key(cfg.start_key, cfg.start_key_hex, key, 1);
	json = kv_json(cfg.output_format);
	if (key_len < 0 || json < 0 || kv_nsid(dev, &cfg.namespace_id))
		goto close_dev;
	if (cfg.buffer_size < 4 || cfg.buffer_size > (1U << 24)) {
		fprintf(stderr, "--buffer-size must be 4 to 16777216\n");
		goto close_dev;
	}
	buf = calloc(1, cfg.buffer_size);
	if (!buf) {
		err = -ENOMEM;
		goto close_dev;
	}
	err = kv_io(dev, NVME_KV_CMD_LIST, cfg.namespace_id, key, key_len, 0,
		    buf, cfg.buffer_size, NULL);
	if (kv_report("list", err))
		goto free_buf;
	count = nvme_kv_get_le32(buf);
	if (json)
		printf("{\"keys\": [");
	for (i = 0; i < count; i++) {
		if (pos + 2 > cfg.buffer_size)
			break;
		kl = buf[pos] | buf[pos + 1] << 8;
		if (!kl || kl > NVME_KV_KEY_MAX || pos + 2 + kl > cfg.buffer_size) {
			fprintf(stderr, "kv list: malformed entry %u\n", i);
			err = -EBADMSG;
			break;
		}
		if (json) {
			printf("%s", i ? ", " : "");
			kv_json_string(buf + pos + 2, kl);
		} else {
			fwrite(buf + pos + 2, 1, kl, stdout);
			putchar('\n');
		}
		pos += 2 + kl + (4 - (2 + kl) % 4) % 4;
	}
	if (json)
		printf("], \"count\": %u}\n", i);
free_buf:
	free(buf);
close_dev:
	dev_close(dev);
	return err;
}

static int kv_id_ns(int argc, char **argv, struct command *cmd,
		    struct plugin *plugin)
{
	const char *desc = "Send a KV Identify Namespace (CNS 05h, CSI 01h) and show its fields.";
	struct nvme_passthru_cmd admin;
	struct nvme_kv_id_ns *id;
	struct nvme_dev *dev;
	int json, err, i;

	struct config {
		__u32	namespace_id;
		char	*output_format;
	};
	struct config cfg = { .output_format = "normal" };

	OPT_ARGS(opts) = {
		OPT_UINT("namespace-id", 'n', &cfg.namespace_id, opt_nsid),
		OPT_FMT("output-format", 'o', &cfg.output_format, opt_fmt),
		OPT_END()
	};

	err = parse_and_open(&dev, argc, argv, desc, opts);
	if (err)
		return err;
	err = -EINVAL;
	json = kv_json(cfg.output_format);
	if (json < 0 || kv_nsid(dev, &cfg.namespace_id))
		goto close_dev;
	id = calloc(1, sizeof(*id));
	if (!id) {
		err = -ENOMEM;
		goto close_dev;
	}
	memset(&admin, 0, sizeof(admin));
	admin.opcode = 0x06;	/* Identify */
	admin.nsid = cfg.namespace_id;
	admin.addr = (__u64)(uintptr_t)id;
	admin.data_len = sizeof(*id);
	admin.cdw10 = 0x05;	/* CNS 05h: I/O command set specific namespace */
	admin.cdw11 = (__u32)NVME_KV_CSI << 24;
	err = ioctl(dev_fd(dev), NVME_IOCTL_ADMIN_CMD, &admin);
	if (err > 0)
		err &= 0x7ff;
	if (kv_report("id-ns", err))
		goto free_id;
	if (json) {
		printf("{\"nsze\": %llu, \"nuse\": %llu, \"nkvf\": %u, \"kvf\": [",
		       (unsigned long long)le64_to_cpu(id->nsze),
		       (unsigned long long)le64_to_cpu(id->nuse), id->nkvf);
		for (i = 0; i <= id->nkvf && i < 16; i++)
			printf("%s{\"kvkml\": %u, \"kvvml\": %u, \"mnks\": %u}",
			       i ? ", " : "", le16_to_cpu(id->kvf[i].kvkml),
			       le32_to_cpu(id->kvf[i].kvvml),
			       le32_to_cpu(id->kvf[i].mnks));
		printf("]}\n");
	} else {
		printf("NVMe KV Identify Namespace %u:\n", cfg.namespace_id);
		printf("nsze    : %llu\n", (unsigned long long)le64_to_cpu(id->nsze));
		printf("nuse    : %llu\n", (unsigned long long)le64_to_cpu(id->nuse));
		printf("nkvf    : %u\n", id->nkvf);
		for (i = 0; i <= id->nkvf && i < 16; i++)
			printf("kvf %2d  : kvkml:%u kvvml:%u mnks:%u\n", i,
			       le16_to_cpu(id->kvf[i].kvkml),
			       le32_to_cpu(id->kvf[i].kvvml),
			       le32_to_cpu(id->kvf[i].mnks));
	}
free_id:
	free(id);
close_dev:
	dev_close(dev);
	return err;
}
