/* route_feeds.c — GET /feeds/all.{atom,json}: the published postings. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "../../feeds/writer.h"
#include "../../feeds/xmalloc.h"
#include "config.h"
#include "daemon.h"
#include "http.h"
#include "reply.h"
#include "store.h"

#define FEED_MAX_LIMIT	10000
#define FEED_MAX_BYTES	(512 * 1024 * 1024)

typedef int (*feed_writer)(const struct feed_meta *, struct posting *const *,
    size_t, struct buf *);

static const struct feed_type {
	const char	*ft_ext;
	const char	*ft_content_type;
	feed_writer	 ft_write;
} feed_types[] = {
	{ "atom", "application/atom+xml; charset=utf-8", atom_write },
	{ "json", "application/feed+json; charset=utf-8", jsonfeed_write },
	{ NULL, NULL, NULL }
};

/* The query keys this route knows; anything else is refused, not ignored. */
static const char *const feed_params[] = { "limit", "after", NULL };

/* "after=1767225600.p0123": the keyset cursor of the next page. */
static int
parse_cursor(const char *s, struct posting_query *pq)
{
	char *end;
	long long t;

	errno = 0;
	t = strtoll(s, &end, 10);
	if (errno || end == s || *end != '.' || end[1] == '\0')
		return -1;
	pq->pq_after_modified = t;
	pq->pq_after_id = end + 1;
	return 0;
}

static int
parse_query(struct http_request *hr, struct posting_query *pq)
{
	const struct config *cf = hr->hr_daemon->d_conf;
	struct evkeyval *kv;
	const char *const *p;
	const char *v;
	char *end;
	long n;

	TAILQ_FOREACH(kv, &hr->hr_query, next) {
		for (p = feed_params; *p; p++)
			if (strcmp(*p, kv->key) == 0)
				break;
		if (*p == NULL) {
			reply_error(hr, 400, "unknown query parameter '%s'",
			    kv->key);
			return -1;
		}
	}
	pq->pq_limit = cf->cf_feed_limit;
	if ((v = http_query(hr, "limit")) != NULL) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || *v == '\0' || *end != '\0' || n < 1) {
			reply_error(hr, 400, "limit must be a number from 1 "
			    "to %d", FEED_MAX_LIMIT);
			return -1;
		}
		pq->pq_limit = n > FEED_MAX_LIMIT ? FEED_MAX_LIMIT : n;
	}
	if ((v = http_query(hr, "after")) != NULL &&
	    parse_cursor(v, pq) == -1) {
		reply_error(hr, 400, "after: not a cursor from a next link");
		return -1;
	}
	return 0;
}

/* Local postings name this instance as their origin. */
static void
fill_origin(struct posting *p, const char *instance)
{
	if (p->pst_origin_instance == NULL) {
		posting_set(&p->pst_origin_instance, instance);
		posting_set(&p->pst_origin_id, p->pst_id);
	}
}

static void
feeds_get(struct http_request *hr)
{
	struct daemon *d = hr->hr_daemon;
	const struct feed_type *ft;
	struct posting_query pq = { 0 };
	struct posting_list list;
	struct feed_meta fm = { 0 };
	char *self = NULL, *next = NULL, *title = NULL;
	const char *dot = strrchr(hr->hr_args[0], '.');
	struct buf body;
	size_t i;

	posting_list_init(&list);
	buf_init(&body, FEED_MAX_BYTES);
	if (dot == NULL || (size_t)(dot - hr->hr_args[0]) != 3 ||
	    strncmp(hr->hr_args[0], "all", 3) != 0) {
		reply_error(hr, 404, "no such feed");
		goto done;
	}
	for (ft = feed_types; ft->ft_ext; ft++)
		if (strcmp(ft->ft_ext, dot + 1) == 0)
			break;
	if (ft->ft_ext == NULL) {
		reply_error(hr, 404, "no feed format '%s'", dot + 1);
		goto done;
	}
	if (parse_query(hr, &pq) == -1)
		goto done;
	/* One more than asked tells whether a next page exists. */
	pq.pq_limit++;
	if (store_postings_query(d->d_store, &pq, &list) == -1) {
		reply_error(hr, 500, "the store failed; see the log");
		goto done;
	}
	pq.pq_limit--;
	if (list.pl_len > pq.pq_limit) {
		struct posting *last = list.pl_items[pq.pq_limit - 1];

		xasprintf(&next, "%s/feeds/all.%s?after=%" PRId64 ".%s&limit=%zu",
		    d->d_base_url, ft->ft_ext, last->pst_modified, last->pst_id,
		    pq.pq_limit);
		posting_free(list.pl_items[--list.pl_len]);
	}
	/* Query parameters in a canonical order: the self URL is the topic. */
	if (pq.pq_after_id)
		xasprintf(&self, "%s/feeds/all.%s?after=%" PRId64 ".%s&limit=%zu",
		    d->d_base_url, ft->ft_ext, pq.pq_after_modified,
		    pq.pq_after_id, pq.pq_limit);
	else if (http_query(hr, "limit"))
		xasprintf(&self, "%s/feeds/all.%s?limit=%zu", d->d_base_url,
		    ft->ft_ext, pq.pq_limit);
	else
		xasprintf(&self, "%s/feeds/all.%s", d->d_base_url, ft->ft_ext);
	xasprintf(&title, "tsunagu %s: all postings", d->d_conf->cf_instance);
	fm.fm_title = title;
	fm.fm_self_url = self;
	fm.fm_home_url = d->d_base_url;
	fm.fm_next_url = next;
	fm.fm_instance = d->d_conf->cf_instance;
	for (i = 0; i < list.pl_len; i++) {
		fill_origin(list.pl_items[i], d->d_conf->cf_instance);
		if (list.pl_items[i]->pst_modified > fm.fm_updated)
			fm.fm_updated = list.pl_items[i]->pst_modified;
	}
	if (fm.fm_updated == 0)
		fm.fm_updated = d->d_started;
	if (ft->ft_write(&fm, list.pl_items, list.pl_len, &body) == -1) {
		reply_error(hr, 500, "the feed is too large to write");
		goto done;
	}
	{
		char link[2048];

		snprintf(link, sizeof(link), "<%s>; rel=\"self\"", self);
		reply_header(hr, "Link", link);
	}
	reply_representation(hr, ft->ft_content_type, &body, fm.fm_updated);
done:
	buf_free(&body);
	posting_list_clear(&list);
	free(self);
	free(next);
	free(title);
}

const struct route route_feeds = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/feeds/*",
	.rt_handler = feeds_get,
	.rt_role = AUTH_NONE,
};
