/*
 * route_feeds.c — GET /feeds/all.EXT (every published posting, filtered
 * by the query) and GET /feeds/sub/NAME.EXT (a subscriber's filter; its
 * token when private), EXT one of atom, rss, json, ics, csv.
 *
 * A request is parsed into its canonical form (feed_query.c), looked up
 * in the cache, revalidated against the store's changes (feed_render.c),
 * rendered when missing or stale, and sent (feed_reply.c).
 */
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "../../feeds/xmalloc.h"
#include "config.h"
#include "daemon.h"
#include "feed_cache.h"
#include "feed_filter.h"
#include "feed_query.h"
#include "feed_render.h"
#include "feed_reply.h"
#include "http.h"
#include "reply.h"
#include "subscriber_feed.h"

static struct feed_cache *
cache_of(struct daemon *d)
{
	if (d->d_feed_cache == NULL)
		d->d_feed_cache = feed_cache_new(d->d_conf->cf_feed_cache_size);
	else
		/* A reload may have changed the bound. */
		feed_cache_set_max(d->d_feed_cache,
		    d->d_conf->cf_feed_cache_size);
	return d->d_feed_cache;
}

/* "NAME.EXT" → the format; *name (to free) gets NAME. */
static const struct feed_format *
split_name(struct http_request *hr, const char *segment, char **name)
{
	const struct feed_format *ff;
	const char *dot = strrchr(segment, '.');

	*name = NULL;
	if (dot == NULL || dot == segment) {
		reply_error(hr, 404, "no such feed");
		return NULL;
	}
	if ((ff = feed_format_find(dot + 1)) == NULL) {
		reply_error(hr, 404, "no feed format '%s'", dot + 1);
		return NULL;
	}
	*name = xstrndup(segment, dot - segment);
	return ff;
}

static void
serve(struct http_request *hr, const char *path, const struct feed_format *ff,
    const struct subscriber_feed *sf)
{
	struct daemon *d = hr->hr_daemon;
	struct feed_cache *fc = cache_of(d);
	struct feed_cache_stats *stats = feed_cache_stats(fc);
	struct feed_request fq;
	struct feed_rep *fr;
	int rc, fresh;

	if (feed_request_parse(hr, path, ff, sf, &fq) == -1)
		return;
	if ((fr = feed_cache_get(fc, fq.fq_key)) != NULL) {
		fresh = fr->fr_generation == store_generation(d->d_store);
		rc = feed_revalidate(d, fr, &fq);
		if (rc == -1) {
			reply_error(hr, 500, "the store failed; see the log");
			goto done;
		}
		if (rc == 1) {
			if (fresh)
				stats->fcs_hits++;
			else
				stats->fcs_revalidated++;
			feed_reply(hr, fc, fr, fresh ? "hit" : "revalidated");
			goto done;
		}
		feed_cache_remove(fc, fr);
	}
	if ((fr = feed_render(d, &fq)) == NULL) {
		reply_error(hr, 500, "the feed cannot be made; see the log");
		goto done;
	}
	stats->fcs_renders++;
	feed_cache_put(fc, fr);
	feed_reply(hr, fc, fr, "miss");
	feed_rep_unref(fr);
 done:
	feed_request_clear(&fq);
}

static void
feeds_all(struct http_request *hr)
{
	const struct feed_format *ff;
	char *name;

	if ((ff = split_name(hr, hr->hr_args[0], &name)) == NULL)
		return;
	if (strcmp(name, "all") != 0)
		reply_error(hr, 404, "no such feed: /feeds/%s.%s (subscriber "
		    "feeds are /feeds/sub/NAME.%s)", name, ff->ff_ext,
		    ff->ff_ext);
	else
		serve(hr, "/feeds/all", ff, NULL);
	free(name);
}

static void
feeds_sub(struct http_request *hr)
{
	const struct feed_format *ff;
	struct subscriber_feed sf;
	struct buf path;
	char *name;

	buf_init(&path, 4096);
	if ((ff = split_name(hr, hr->hr_args[0], &name)) == NULL)
		return;
	if (subscriber_feed_lookup(hr->hr_daemon, name, &sf) != 0) {
		reply_error(hr, 404, "no subscriber '%s'", name);
		goto done;
	}
	switch (subscriber_feed_authorize(hr->hr_daemon, &sf,
	    http_query(hr, "token"))) {
	case 0:
		break;
	case 1:
		reply_error(hr, 401, "this feed is private: add its token "
		    "as ?token=");
		goto done;
	default:
		reply_error(hr, 500, "the feed's token cannot be read; see "
		    "the log");
		goto done;
	}
	buf_init(&path, 4096);
	buf_puts(&path, "/feeds/sub/");
	if (feed_filter_encode(&path, sf.sf_name) == -1) {
		reply_error(hr, 414, "the subscriber's name is too long");
		goto done;
	}
	serve(hr, path.data, ff, &sf);
 done:
	buf_free(&path);
	free(name);
}

const struct route route_feeds = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/feeds/*",
	.rt_handler = feeds_all,
	.rt_role = AUTH_NONE,
};

const struct route route_feeds_sub = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/feeds/sub/*",
	.rt_handler = feeds_sub,
	.rt_role = AUTH_NONE,
};
