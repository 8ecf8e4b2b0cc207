/* fuzz_ini.c — the configuration file reader. */
#include <stddef.h>
#include <stdint.h>

#include "ini.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
accept_every_item(const struct ini_item *it, void *arg, char *err,
    size_t errlen)
{
	(void)it;
	(void)arg;
	(void)err;
	(void)errlen;
	return 0;
}

static void
ignore(const char *msg, void *arg)
{
	(void)msg;
	(void)arg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ini_parse((const char *)data, size, "fuzz.conf", accept_every_item,
	    ignore, NULL);
	return 0;
}
