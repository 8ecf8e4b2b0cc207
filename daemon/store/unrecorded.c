/*
 * unrecorded.c — polls whose outcome the store could not write (a full
 * disk, a failing write), remembered in memory so that a source's health
 * says so: the row keeps the last outcome that was committed, and would
 * otherwise show a source as healthy whose new postings were all lost.
 *
 * One entry per source, replaced by each failed write and dropped by the
 * next one that commits (or when the source is deleted).  Readers of a
 * source's health (store_source_get(), store_source_list()) see it laid
 * over the row: the attempt, the reason, error code "store" (or the
 * fetch's own code when the fetch had failed too), and the counters; the
 * next write of the source's health adds the lost polls to its counters
 * (postings.c), so fetches and errors never go down.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

struct store_unrecorded {
	char			*su_source;
	int64_t			 su_attempt;
	int			 su_polls;	/* unrecorded since the last */
	char			*su_error;
	char			*su_error_code;
	struct store_unrecorded	*su_next;
};

static struct store_unrecorded **
find(struct store *st, const char *source)
{
	struct store_unrecorded **p;

	for (p = &st->st_unrecorded; *p != NULL; p = &(*p)->su_next)
		if (strcmp((*p)->su_source, source) == 0)
			break;
	return p;
}

void
store_unrecorded_note(struct store *st, const struct fetch_outcome *fo)
{
	struct store_unrecorded **p, *su;
	const char *why;

	if (fo->fo_source == NULL)
		return;
	if ((su = *(p = find(st, fo->fo_source))) == NULL) {
		su = *p = xcalloc(1, sizeof(*su));
		su->su_source = xstrdup(fo->fo_source);
	}
	free(su->su_error);
	free(su->su_error_code);
	why = st->st_io_failing ? st->st_io_error : "see the log";
	if (fo->fo_error != NULL) {
		xasprintf(&su->su_error, "%s (not recorded: the store cannot "
		    "write: %s)", fo->fo_error, why);
		su->su_error_code = xstrdup(fo->fo_error_code ?
		    fo->fo_error_code : "unknown");
	} else {
		xasprintf(&su->su_error, "the result could not be stored: "
		    "%s", why);
		su->su_error_code = xstrdup("store");
	}
	su->su_attempt = fo->fo_attempt;
	/* The pages of one poll count once. */
	if (!fo->fo_continued)
		su->su_polls++;
}

void
store_unrecorded_clear(struct store *st, const char *source)
{
	struct store_unrecorded **p, *su;

	if (source == NULL || (su = *(p = find(st, source))) == NULL)
		return;
	*p = su->su_next;
	free(su->su_source);
	free(su->su_error);
	free(su->su_error_code);
	free(su);
}

int
store_unrecorded_polls(struct store *st, const char *source)
{
	struct store_unrecorded *su;

	if (source == NULL || (su = *find(st, source)) == NULL)
		return 0;
	return su->su_polls;
}

void
store_unrecorded_free(struct store *st)
{
	while (st->st_unrecorded != NULL)
		store_unrecorded_clear(st, st->st_unrecorded->su_source);
}

void
store_unrecorded_apply(struct store *st, struct source_health *h)
{
	struct store_unrecorded *su;
	int polls;

	if ((su = *find(st, h->sh_name)) == NULL)
		return;
	polls = su->su_polls > 0 ? su->su_polls : 1;
	free(h->sh_error);
	free(h->sh_error_code);
	h->sh_error = xstrdup(su->su_error);
	h->sh_error_code = xstrdup(su->su_error_code);
	if (su->su_attempt > h->sh_last_attempt)
		h->sh_last_attempt = su->su_attempt;
	h->sh_failures += polls;
	h->sh_fetches += polls;
	h->sh_errors += polls;
}
