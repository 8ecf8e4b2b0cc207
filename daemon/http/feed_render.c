/* feed_render.c — rendering a feed page, revalidating a rendered one. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../feeds/date.h"
#include "../../feeds/xmalloc.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "feed_cache.h"
#include "feed_query.h"
#include "feed_render.h"
#include "log.h"
#include "store.h"

/* More changed postings than this since a check: render again. */
#define REVALIDATE_MAX_CHANGES	4096

/*
 * WebSub topics are the first pages of feeds that are not private
 * (hub_topic.h): only those name the hub.
 */
static int
names_hub(struct daemon *d, const struct feed_request *fq)
{
	return d->d_hub_enabled && !fq->fq_private && fq->fq_after_seq == 0;
}

static char *
link_header(struct daemon *d, const struct feed_request *fq,
    const char *next)
{
	struct buf b;

	buf_init(&b, SIZE_MAX);
	buf_printf(&b, "<%s>; rel=\"self\"", fq->fq_self);
	if (next != NULL)
		buf_printf(&b, ", <%s>; rel=\"next\"", next);
	if (names_hub(d, fq))
		buf_printf(&b, ", <%s/hub>; rel=\"hub\"", d->d_base_url);
	return buf_release(&b, NULL);
}

/* When the first tombstone on the page leaves the feed (it is shown
 * while date_modified >= now - POSTING_TOMBSTONE_SECONDS). */
static int64_t
tombstone_expiry(struct posting *const *ps, size_t n)
{
	int64_t when = INT64_MAX, t;
	size_t i;

	for (i = 0; i < n; i++) {
		if (ps[i]->pst_status != POSTING_WITHDRAWN)
			continue;
		t = ps[i]->pst_modified + POSTING_TOMBSTONE_SECONDS + 1;
		if (t < when)
			when = t;
	}
	return when;
}

static void
remember(struct feed_rep *fr, const struct posting_list *list)
{
	char **ids;
	size_t i;

	ids = xcalloc(list->pl_len ? list->pl_len : 1, sizeof(*ids));
	for (i = 0; i < list->pl_len; i++)
		ids[i] = xstrdup(list->pl_items[i]->pst_id ?
		    list->pl_items[i]->pst_id : "");
	feed_rep_set_ids(fr, ids, list->pl_len);
	fr->fr_expires = tombstone_expiry(list->pl_items, list->pl_len);
}

static char *
feed_title(struct daemon *d, const struct feed_request *fq)
{
	char *title;

	if (fq->fq_sub != NULL)
		xasprintf(&title, "tsunagu %s: %s", d->d_conf->cf_instance,
		    fq->fq_sub);
	else
		xasprintf(&title, "tsunagu %s: all postings",
		    d->d_conf->cf_instance);
	return title;
}

struct feed_rep *
feed_render(struct daemon *d, const struct feed_request *fq)
{
	struct posting_query pq;
	struct posting_list list;
	struct feed_meta fm;
	struct feed_rep *fr = NULL;
	struct posting *last, *after;
	char *next = NULL, *title = NULL, *hub = NULL, *body;
	int64_t generation, seq;
	struct buf b;
	size_t i, len;

	posting_list_init(&list);
	buf_init(&b, FEED_MAX_BYTES);
	generation = store_generation(d->d_store);
	if ((seq = store_change_seq(d->d_store)) == -1)
		goto fail;
	memset(&pq, 0, sizeof(pq));
	pq.pq_filter = &fq->fq_filter;
	/* One more than asked tells whether a next page exists. */
	pq.pq_limit = fq->fq_limit + 1;
	pq.pq_after_modified = fq->fq_after_modified;
	pq.pq_after_seq = fq->fq_after_seq;
	pq.pq_now = clock_now(d->d_clock);
	if (store_postings_query(d->d_store, &pq, &list) == -1)
		goto fail;
	fr = feed_rep_new();
	/* The ids include the posting after the page, if any. */
	remember(fr, &list);
	if (list.pl_len > fq->fq_limit) {
		last = list.pl_items[fq->fq_limit - 1];
		after = list.pl_items[fq->fq_limit];
		next = feed_request_next_url(fq, last->pst_modified,
		    last->pst_seq);
		fr->fr_has_next = 1;
		fr->fr_next_modified = after->pst_modified;
		fr->fr_next_seq = after->pst_seq;
		posting_free(list.pl_items[--list.pl_len]);
	}
	title = feed_title(d, fq);
	if (names_hub(d, fq))
		xasprintf(&hub, "%s/hub", d->d_base_url);
	memset(&fm, 0, sizeof(fm));
	fm.fm_title = title;
	fm.fm_self_url = fq->fq_self;
	fm.fm_home_url = d->d_base_url;
	fm.fm_hub_url = hub;
	fm.fm_next_url = next;
	fm.fm_instance = d->d_conf->cf_instance;
	for (i = 0; i < list.pl_len; i++) {
		posting_fill_origin(list.pl_items[i], d->d_conf->cf_instance);
		if (list.pl_items[i]->pst_modified > fm.fm_updated)
			fm.fm_updated = list.pl_items[i]->pst_modified;
	}
	if (fm.fm_updated == 0)
		fm.fm_updated = d->d_started;
	if (fq->fq_format->ff_write(&fm, list.pl_items, list.pl_len,
	    &b) == -1) {
		log_warnx("%s: %s: the feed does not fit %d MiB", __func__,
		    fq->fq_self, FEED_MAX_BYTES >> 20);
		goto fail;
	}
	fr->fr_key = xstrdup(fq->fq_key);
	fr->fr_content_type = fq->fq_format->ff_content_type;
	fr->fr_last_modified = fm.fm_updated;
	date_format_http(fr->fr_last_modified, fr->fr_last_modified_http);
	fr->fr_private = fq->fq_private;
	fr->fr_link = link_header(d, fq, next);
	fr->fr_generation = generation;
	fr->fr_seq = seq;
	body = buf_release(&b, &len);
	feed_rep_seal(fr, body, len, FEED_GZIP_MIN);
	goto done;
 fail:
	feed_rep_unref(fr);
	fr = NULL;
 done:
	buf_free(&b);
	posting_list_clear(&list);
	free(next);
	free(title);
	free(hub);
	return fr;
}

int
feed_revalidate(struct daemon *d, struct feed_rep *fr,
    const struct feed_request *fq)
{
	struct posting_query pq;
	struct posting_list hit;
	int64_t generation, seq;
	char **ids = NULL;
	size_t n = 0, i;
	int rc;

	if (clock_now(d->d_clock) >= fr->fr_expires)
		return 0;
	generation = store_generation(d->d_store);
	if (generation == fr->fr_generation)
		return 1;
	if ((seq = store_change_seq(d->d_store)) == -1)
		return -1;
	rc = store_changes_since(d->d_store, fr->fr_seq,
	    REVALIDATE_MAX_CHANGES, &ids, &n);
	if (rc != 0)
		return rc == 1 ? 0 : -1;
	for (i = 0; i < n; i++)
		if (feed_rep_has_id(fr, ids[i]))
			break;
	store_ids_free(ids, n);
	if (i < n)
		return 0;		/* a posting on the page changed */
	if (n > 0) {
		/* Could a changed posting enter the page (or come between
		 * the page and the posting after it)? */
		memset(&pq, 0, sizeof(pq));
		pq.pq_filter = &fq->fq_filter;
		pq.pq_limit = 1;
		pq.pq_after_modified = fq->fq_after_modified;
		pq.pq_after_seq = fq->fq_after_seq;
		if (fr->fr_has_next) {
			pq.pq_above_modified = fr->fr_next_modified;
			pq.pq_above_seq = fr->fr_next_seq;
		}
		pq.pq_now = clock_now(d->d_clock);
		pq.pq_changed_after = fr->fr_seq;
		posting_list_init(&hit);
		if (store_postings_query(d->d_store, &pq, &hit) == -1)
			return -1;
		n = hit.pl_len;
		posting_list_clear(&hit);
		if (n > 0)
			return 0;
	}
	fr->fr_generation = generation;
	fr->fr_seq = seq;
	return 1;
}

struct feed_cache *
feed_cache_of(struct daemon *d)
{
	if (d->d_feed_cache == NULL)
		d->d_feed_cache = feed_cache_new(d->d_conf->cf_feed_cache_size);
	else
		/* A reload may have changed the bound. */
		feed_cache_set_max(d->d_feed_cache,
		    d->d_conf->cf_feed_cache_size);
	return d->d_feed_cache;
}

struct feed_rep *
feed_get(struct daemon *d, const struct feed_request *fq, const char **state)
{
	struct feed_cache *fc = feed_cache_of(d);
	struct feed_cache_stats *stats = feed_cache_stats(fc);
	struct feed_rep *fr;
	int rc, fresh;

	if ((fr = feed_cache_get(fc, fq->fq_key)) != NULL) {
		fresh = fr->fr_generation == store_generation(d->d_store);
		if ((rc = feed_revalidate(d, fr, fq)) == -1)
			return NULL;
		if (rc == 1) {
			if (fresh)
				stats->fcs_hits++;
			else
				stats->fcs_revalidated++;
			*state = fresh ? "hit" : "revalidated";
			feed_rep_ref(fr);
			return fr;
		}
		feed_cache_remove(fc, fr);
	}
	if ((fr = feed_render(d, fq)) == NULL)
		return NULL;
	stats->fcs_renders++;
	feed_cache_put(fc, fr);
	*state = "miss";
	return fr;
}
