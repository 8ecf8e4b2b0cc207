/*
 * fuzz_dedup.c — the keys and similarities of deduplication (issue 4):
 * canonical URLs, comparison keys of titles and places, venues and
 * addresses, event days, and the comparison of two records made of the
 * input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dedup_key.h"
#include "lifecycle.h"
#include "similarity.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	struct sim_record a, b;
	struct sim_verdict v;
	struct dedup_when w;
	char *x, *y, *u, *again, *ka, *kb, *pa, *pb, *aa, *ab, *va, day[11];
	size_t town;

	/* "X\nY": two strings; else one, against itself. */
	if (nl) {
		x = strndup((const char *)data, (size_t)(nl - data));
		y = strndup((const char *)nl + 1, size - (size_t)(nl - data) -
		    1);
	} else {
		x = strndup((const char *)data, size);
		y = strdup(x);
	}
	/* A canonical URL is its own canonical URL. */
	if ((u = dedup_canonical_url(x)) != NULL) {
		again = dedup_canonical_url(u);
		if (again == NULL || strcmp(again, u) != 0)
			abort();
		(void)dedup_url_is_generic(u);
		free(again);
		free(u);
	}
	ka = dedup_title_key(x);
	kb = dedup_title_key(y);
	pa = dedup_place_key(x);
	pb = dedup_place_key(y);
	/* Where: a venue in parentheses, an address and its town. */
	va = dedup_title_venue(x);
	aa = dedup_address_key(x);
	ab = dedup_address_key(y);
	if (aa != NULL && ((town = dedup_address_town(aa)) > strlen(aa) ||
	    *aa == '\0'))
		abort();
	dedup_when_of(x, y, &w);
	if (w.dw_day != DEDUP_NO_DAY)
		dedup_day_format(w.dw_day, day);
	(void)lifecycle_close_time(x, y, x);
	(void)lifecycle_close_time(y, NULL, y);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.sr_source = "a";
	b.sr_source = "b";
	a.sr_title = ka;
	b.sr_title = kb;
	a.sr_place = pa != NULL ? pa : va;
	b.sr_place = pb;
	a.sr_address = aa;
	b.sr_address = ab;
	a.sr_when = w;
	b.sr_when = w;
	sim_compare(&a, &b, &sim_default_params, &v);
	if (v.sv_score < 0 || v.sv_score > 1)
		abort();
	if (sim_dice(x, y) > 1 || sim_overlap(x, y) > 1 || sim_lcs(x, y) > 1 ||
	    sim_place(x, y) > 1)
		abort();
	free(ka);
	free(kb);
	free(pa);
	free(pb);
	free(va);
	free(aa);
	free(ab);
	free(x);
	free(y);
	return 0;
}
