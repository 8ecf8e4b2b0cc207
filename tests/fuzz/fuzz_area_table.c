/*
 * fuzz_area_table.c — the municipality table a configuration names
 * (area_table.h: the localgovjp CSV), then lookups of a few addresses in
 * whatever table was read: a prefecture, a ward, a shared name, and the
 * input's own last line as an address.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "area_table.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const texts[] = {
		"愛知県刈谷市若松町2丁目", "名古屋市中村区名駅1丁目", "府中市",
		"愛知県", "", "刈谷",
	};
	struct area_table *t;
	const uint8_t *nl;
	char err[256], code[7], *tail;
	size_t i;

	if ((t = area_table_parse((const char *)data, size, "fuzz.csv", err,
	    sizeof(err))) == NULL)
		return 0;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if (area_table_find(t, texts[i], NULL, code) == 0)
			area_table_name(t, code);
		area_table_find(t, texts[i], "23", code);
	}
	nl = size > 0 ? memchr(data, '\n', size) : NULL;
	tail = nl ? strndup((const char *)nl + 1, size - (nl - data) - 1) :
	    strdup("");
	if (area_table_find(t, tail, "232106", code) == 0)
		area_table_name(t, code);
	area_table_count(t);
	free(tail);
	area_table_free(t);
	return 0;
}
