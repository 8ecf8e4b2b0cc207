/* feed_query.c — query parameters of a feed request, its canonical URL. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "../../feeds/xmalloc.h"
#include "config.h"
#include "daemon.h"
#include "feed_filter.h"
#include "feed_query.h"
#include "http.h"
#include "reply.h"
#include "subscriber_feed.h"

#define FEED_URL_MAX	(64 * 1024)

static const struct feed_format feed_formats[] = {
	{ "atom", "application/atom+xml; charset=utf-8", atom_write },
	{ "rss", "application/rss+xml; charset=utf-8", rss_write },
	{ "json", "application/feed+json; charset=utf-8", jsonfeed_write },
	{ "ics", "text/calendar; charset=utf-8", ical_write },
	{ "csv", "text/csv; charset=utf-8; header=present", csv_write },
	{ NULL, NULL, NULL },
};

const struct feed_format *
feed_format_find(const char *ext)
{
	const struct feed_format *ff;

	for (ff = feed_formats; ff->ff_ext != NULL; ff++)
		if (strcmp(ff->ff_ext, ext) == 0)
			return ff;
	return NULL;
}

/* "after=1767225600.p0123": the keyset cursor of the next page. */
static int
parse_cursor(const char *s, struct feed_request *fq)
{
	char *end;
	long long t;

	errno = 0;
	t = strtoll(s, &end, 10);
	if (errno || end == s || *end != '.' || end[1] == '\0' ||
	    strlen(end + 1) > 200)
		return -1;
	fq->fq_after_modified = t;
	fq->fq_after_id = xstrdup(end + 1);
	return 0;
}

static int
parse_limit(const char *v, struct feed_request *fq)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *v == '\0' || *end != '\0' || n < 1)
		return -1;
	fq->fq_limit = n > FEED_MAX_LIMIT ? FEED_MAX_LIMIT : (size_t)n;
	fq->fq_limit_given = 1;
	return 0;
}

/* Every parameter, once each for the page keys; -1 after a reply. */
static int
read_params(struct http_request *hr, int sub, struct feed_request *fq)
{
	struct evkeyval *kv;
	char err[256];
	int tokens = 0;

	TAILQ_FOREACH(kv, &hr->hr_query, next) {
		if (feed_filter_is_key(kv->key)) {
			if (sub) {
				reply_error(hr, 400, "'%s': a subscriber's "
				    "feed is filtered by the subscriber's "
				    "filter only", kv->key);
				return -1;
			}
			if (feed_filter_add(&fq->fq_filter, kv->key,
			    kv->value, err, sizeof(err)) == -1) {
				reply_error(hr, 400, "%s", err);
				return -1;
			}
		} else if (strcmp(kv->key, "limit") == 0) {
			if (fq->fq_limit_given ||
			    parse_limit(kv->value, fq) == -1) {
				reply_error(hr, 400, "limit must be one number "
				    "from 1 to %d", FEED_MAX_LIMIT);
				return -1;
			}
		} else if (strcmp(kv->key, "after") == 0) {
			if (fq->fq_after_id != NULL ||
			    parse_cursor(kv->value, fq) == -1) {
				reply_error(hr, 400, "after: not a cursor from "
				    "a next link");
				return -1;
			}
		} else if (strcmp(kv->key, "token") == 0 && sub) {
			if (tokens++ > 0) {
				reply_error(hr, 400, "token: given twice");
				return -1;
			}
			/* A public feed's URL does not carry one. */
			if (fq->fq_private)
				fq->fq_token = xstrdup(kv->value);
		} else {
			reply_error(hr, 400, "unknown query parameter '%s'",
			    kv->key);
			return -1;
		}
	}
	if (feed_filter_finish(&fq->fq_filter, err, sizeof(err)) == -1) {
		reply_error(hr, 400, "%s", err);
		return -1;
	}
	return 0;
}

/* The query string: filters, then after, limit and token. */
static int
page_query(const struct feed_request *fq, struct buf *b, int64_t after_mod,
    const char *after_id, int with_limit)
{
	int rc = 0;

	if (fq->fq_sub == NULL)
		rc |= feed_filter_canonical(&fq->fq_filter, b);
	if (after_id != NULL) {
		rc |= buf_printf(b, "%safter=%" PRId64 ".", b->len ? "&" : "",
		    after_mod);
		rc |= feed_filter_encode(b, after_id);
	}
	if (with_limit)
		rc |= buf_printf(b, "%slimit=%zu", b->len ? "&" : "",
		    fq->fq_limit);
	if (fq->fq_token != NULL) {
		rc |= buf_printf(b, "%stoken=", b->len ? "&" : "");
		rc |= feed_filter_encode(b, fq->fq_token);
	}
	return rc == 0 ? 0 : -1;
}

static char *
page_url(const struct feed_request *fq, int64_t after_mod,
    const char *after_id, int with_limit)
{
	struct buf q;
	char *url = NULL;

	buf_init(&q, FEED_URL_MAX);
	if (page_query(fq, &q, after_mod, after_id, with_limit) == 0)
		xasprintf(&url, "%s%s%s", fq->fq_doc_url, q.len ? "?" : "",
		    q.len ? q.data : "");
	buf_free(&q);
	return url;
}

char *
feed_request_next_url(const struct feed_request *fq, int64_t modified,
    const char *id)
{
	return page_url(fq, modified, id, 1);
}

/*
 * What the document depends on besides its postings: the format, the
 * page, the filter (a subscriber's is not in its URL), the configuration
 * it shows.  The self URL carries base_url.
 */
static int
make_key(struct daemon *d, struct feed_request *fq)
{
	struct buf k;
	int rc = 0;

	buf_init(&k, FEED_URL_MAX * 2);
	rc |= buf_printf(&k, "%s\n%zu\n%d\n%s\n", fq->fq_format->ff_ext,
	    fq->fq_limit, d->d_hub_enabled, d->d_conf->cf_instance);
	rc |= feed_filter_canonical(&fq->fq_filter, &k);
	rc |= buf_printf(&k, "\n%s", fq->fq_self);
	if (rc == 0)
		fq->fq_key = buf_release(&k, NULL);
	buf_free(&k);
	return rc == 0 ? 0 : -1;
}

int
feed_request_parse(struct http_request *hr, const char *path_no_ext,
    const struct feed_format *ff, const struct subscriber_feed *sf,
    struct feed_request *fq)
{
	struct daemon *d = hr->hr_daemon;
	char err[256];

	memset(fq, 0, sizeof(*fq));
	fq->fq_format = ff;
	fq->fq_limit = (size_t)d->d_conf->cf_feed_limit;
	if (sf != NULL) {
		fq->fq_sub = sf->sf_name;
		fq->fq_private = sf->sf_private;
	}
	if (read_params(hr, sf != NULL, fq) == -1)
		goto fail;
	if (sf != NULL && sf->sf_filter != NULL &&
	    feed_filter_parse_line(&fq->fq_filter, sf->sf_filter, err,
	    sizeof(err)) == -1) {
		/* config.c checks filters: only a bug gets here. */
		reply_error(hr, 500, "the subscriber's filter does not parse");
		goto fail;
	}
	xasprintf(&fq->fq_doc_url, "%s%s.%s", d->d_base_url, path_no_ext,
	    ff->ff_ext);
	/* With a cursor the URL says the page size too, as next links do. */
	fq->fq_self = page_url(fq, fq->fq_after_modified, fq->fq_after_id,
	    fq->fq_limit_given || fq->fq_after_id != NULL);
	if (fq->fq_self == NULL || make_key(d, fq) == -1) {
		reply_error(hr, 414, "the feed's URL is too long");
		goto fail;
	}
	return 0;
 fail:
	feed_request_clear(fq);
	return -1;
}

void
feed_request_clear(struct feed_request *fq)
{
	feed_filter_clear(&fq->fq_filter);
	free(fq->fq_after_id);
	free(fq->fq_token);
	free(fq->fq_doc_url);
	free(fq->fq_self);
	free(fq->fq_key);
	memset(fq, 0, sizeof(*fq));
}
