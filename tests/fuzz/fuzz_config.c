/*
 * fuzz_config.c — the configuration file end to end: config_load() on a
 * file holding the input (the INI reader, every key's parser and range,
 * sections, relative paths, the checks across keys), in a private
 * temporary directory that also holds a small municipality table,
 * "m.csv", for `municipalities = m.csv` to load.
 *
 * config_load() reports errors on stderr, as it does for `tsunagud -n`:
 * run the fuzzer with -close_fd_mask=2 to keep the terminal readable.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char table[] =
    "lgcode,pref,city,pid,cid,url\n"
    "230006,愛知県,,23,,https://www.pref.aichi.jp/\n"
    "232106,愛知県,刈谷市,23,210,https://www.city.kariya.lg.jp/\n"
    "231011,愛知県,名古屋市 千種区,23,101,https://www.city.nagoya.jp/\n";

static char conf_path[256];

static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

static void
setup(void)
{
	char dir[] = "/tmp/tsunagu-fuzz-config-XXXXXX", path[256];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	snprintf(path, sizeof(path), "%s/m.csv", dir);
	write_file(path, table, sizeof(table) - 1);
	snprintf(path, sizeof(path), "%s/admin.token", dir);
	write_file(path, "0123456789abcdef0123456789abcdef\n", 33);
	snprintf(conf_path, sizeof(conf_path), "%s/tsunagu.conf", dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cf;

	if (conf_path[0] == '\0')
		setup();
	write_file(conf_path, data, size);
	if ((cf = config_load(conf_path)) != NULL) {
		config_source(cf, "kariya-city");
		config_free(cf);
	}
	return 0;
}
