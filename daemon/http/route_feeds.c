/*
 * route_feeds.c — GET /feeds/all.EXT (every published posting, filtered
 * by the query) and GET /feeds/sub/NAME.EXT (a subscriber's filter; its
 * token when private), EXT one of atom, rss, json, ics, csv.
 *
 * A request is parsed into its canonical form (feed_query.c), looked up
 * in the cache, revalidated against the store's changes (feed_render.c),
 * rendered when missing or stale, and sent (feed_reply.c).  Both routes
 * share one handler: the path says which feed.  The request target of a
 * public feed is remembered as an alias of its key, by which feed_fast.c
 * answers the next hits before evhttp parses them.
 */
#include <string.h>

#include <event2/http.h>

#include "daemon.h"
#include "feed_cache.h"
#include "feed_query.h"
#include "feed_render.h"
#include "feed_reply.h"
#include "http.h"
#include "reply.h"

static void
remember_target(struct http_request *hr, const struct feed_request *fq)
{
	struct daemon *d = hr->hr_daemon;
	const char *target = evhttp_request_get_uri(hr->hr_req);

	/* Subscriber feeds stay here: a private one checks its token. */
	if (fq->fq_sub == NULL && target != NULL &&
	    strncmp(target, "/feeds/all.", 11) == 0)
		feed_cache_alias(d->d_feed_cache, target, strlen(target),
		    fq->fq_key, d->d_conf_generation);
}

static void
feeds_get(struct http_request *hr)
{
	struct daemon *d = hr->hr_daemon;
	struct feed_request fq;
	struct feed_rep *fr;
	const char *state;
	char err[512];
	int status;

	if (feed_request_build(d, hr->hr_path, &hr->hr_query, &fq, &status,
	    err, sizeof(err)) == -1) {
		reply_error(hr, status, "%s", err);
		return;
	}
	if ((fr = feed_get(d, &fq, &state)) == NULL)
		reply_error(hr, 500, "the feed cannot be made; see the log");
	else {
		feed_reply(hr, d->d_feed_cache, fr, state);
		feed_rep_unref(fr);
		remember_target(hr, &fq);
	}
	feed_request_clear(&fq);
}

const struct route route_feeds = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/feeds/*",
	.rt_handler = feeds_get,
	.rt_role = AUTH_NONE,
};

const struct route route_feeds_sub = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/feeds/sub/*",
	.rt_handler = feeds_get,
	.rt_role = AUTH_NONE,
};
