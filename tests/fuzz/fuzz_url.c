/* fuzz_url.c — resolving links against a base (xml:base, feed links). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char *base, *ref, *out;

	/* "BASE\nREF", or a REF against a fixed base. */
	if (nl) {
		base = strndup((const char *)data, nl - data);
		ref = strndup((const char *)nl + 1, size - (nl - data) - 1);
	} else {
		base = strdup("https://example.jp/a/b/feed.xml");
		ref = strndup((const char *)data, size);
	}
	out = url_resolve(base, ref, 1);
	free(out);
	out = url_resolve(base, ref, 0);
	free(out);
	free(base);
	free(ref);
	return 0;
}
