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

/* "after=1767225600.4711": the keyset cursor of the next page, the
 * date_modified and the change order (seq) of the page's last posting. */
static int
parse_cursor(const char *s, struct feed_request *fq)
{
	char *end, *end2;
	long long t, seq;

	errno = 0;
	t = strtoll(s, &end, 10);
	if (errno || end == s || *end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	seq = strtoll(end + 1, &end2, 10);
	if (errno || *end2 != '\0' || seq < 1)
		return -1;
	fq->fq_after_modified = t;
	fq->fq_after_seq = seq;
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

/* Every parameter, once each for the page keys; -1 with a reason. */
static int
read_params(const struct evkeyvalq *query, int sub, struct feed_request *fq,
    char *err, size_t errlen)
{
	struct evkeyval *kv;
	int tokens = 0;

	TAILQ_FOREACH(kv, query, next) {
		if (feed_filter_is_key(kv->key)) {
			if (sub) {
				snprintf(err, errlen, "'%s': a subscriber's "
				    "feed is filtered by the subscriber's "
				    "filter only", kv->key);
				return -1;
			}
			if (feed_filter_add(&fq->fq_filter, kv->key,
			    kv->value, err, errlen) == -1)
				return -1;
		} else if (strcmp(kv->key, "limit") == 0) {
			if (fq->fq_limit_given ||
			    parse_limit(kv->value, fq) == -1) {
				snprintf(err, errlen, "limit must be one number "
				    "from 1 to %d", FEED_MAX_LIMIT);
				return -1;
			}
		} else if (strcmp(kv->key, "after") == 0) {
			if (fq->fq_after_seq > 0 ||
			    parse_cursor(kv->value, fq) == -1) {
				snprintf(err, errlen, "after: not a cursor from "
				    "a next link");
				return -1;
			}
		} else if (strcmp(kv->key, "token") == 0 && sub) {
			if (tokens++ > 0) {
				snprintf(err, errlen, "token: given twice");
				return -1;
			}
			/* A public feed's URL does not carry one. */
			if (fq->fq_private)
				fq->fq_token = xstrdup(kv->value);
		} else {
			snprintf(err, errlen, "unknown query parameter '%s'",
			    kv->key);
			return -1;
		}
	}
	return feed_filter_finish(&fq->fq_filter, err, errlen);
}

/* The query string: filters, then after, limit and token. */
static int
page_query(const struct feed_request *fq, struct buf *b, int64_t after_mod,
    int64_t after_seq, int with_limit)
{
	int rc = 0;

	if (fq->fq_sub == NULL)
		rc |= feed_filter_canonical(&fq->fq_filter, b);
	if (after_seq > 0)
		rc |= buf_printf(b, "%safter=%" PRId64 ".%" PRId64,
		    b->len ? "&" : "", after_mod, after_seq);
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
    int64_t after_seq, int with_limit)
{
	struct buf q;
	char *url = NULL;

	buf_init(&q, FEED_URL_MAX);
	if (page_query(fq, &q, after_mod, after_seq, with_limit) == 0)
		xasprintf(&url, "%s%s%s", fq->fq_doc_url, q.len ? "?" : "",
		    q.len ? q.data : "");
	buf_free(&q);
	return url;
}

char *
feed_request_next_url(const struct feed_request *fq, int64_t modified,
    int64_t seq)
{
	return page_url(fq, modified, seq, 1);
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

/* The first token parameter (before read_params() has checked). */
static const char *
token_param(const struct evkeyvalq *query)
{
	struct evkeyval *kv;

	TAILQ_FOREACH(kv, query, next)
		if (strcmp(kv->key, "token") == 0)
			return kv->value;
	return NULL;
}

/*
 * "/feeds/all.EXT" or "/feeds/sub/NAME.EXT": the format and, for a
 * subscriber's feed, the subscriber; *status on -1.
 */
static int
resolve_path(struct daemon *d, const char *path, const struct evkeyvalq *query,
    struct feed_request *fq, struct subscriber_feed *sf, int *status,
    char *err, size_t errlen)
{
	const char *seg, *dot;
	char *name;
	int sub;

	if (strncmp(path, "/feeds/", 7) != 0)
		goto none;
	seg = path + 7;
	if ((sub = strncmp(seg, "sub/", 4) == 0))
		seg += 4;
	dot = strrchr(seg, '.');
	if (dot == NULL || dot == seg || strchr(seg, '/') != NULL)
		goto none;
	if ((fq->fq_format = feed_format_find(dot + 1)) == NULL) {
		*status = 404;
		snprintf(err, errlen, "no feed format '%s'", dot + 1);
		return -1;
	}
	name = xstrndup(seg, dot - seg);
	if (!sub) {
		if (strcmp(name, "all") != 0) {
			*status = 404;
			snprintf(err, errlen, "no such feed: %s (subscriber "
			    "feeds are /feeds/sub/NAME.%s)", path, dot + 1);
			free(name);
			return -1;
		}
		free(name);
		return 0;
	}
	switch (subscriber_feed_lookup(d, name, sf)) {
	case 0:
		break;
	case 1:
		*status = 404;
		snprintf(err, errlen, "no subscriber '%s'", name);
		free(name);
		return -1;
	default:
		*status = 500;
		snprintf(err, errlen, "the store failed; see the log");
		free(name);
		return -1;
	}
	free(name);
	fq->fq_sub = xstrdup(sf->sf_name);
	fq->fq_private = sf->sf_private;
	switch (subscriber_feed_authorize(d, sf, token_param(query))) {
	case 0:
		return 0;
	case 1:
		*status = 401;
		snprintf(err, errlen, "this feed is private: add its token as "
		    "?token=");
		return -1;
	default:
		*status = 500;
		snprintf(err, errlen, "the feed's token cannot be read; see "
		    "the log");
		return -1;
	}
 none:
	*status = 404;
	snprintf(err, errlen, "no such feed: %s", path);
	return -1;
}

int
feed_request_build(struct daemon *d, const char *path,
    const struct evkeyvalq *query, struct feed_request *fq, int *status,
    char *err, size_t errlen)
{
	struct subscriber_feed sf;
	struct buf doc;

	memset(fq, 0, sizeof(*fq));
	memset(&sf, 0, sizeof(sf));
	fq->fq_limit = (size_t)d->d_conf->cf_feed_limit;
	if (resolve_path(d, path, query, fq, &sf, status, err, errlen) == -1)
		goto fail;
	*status = 400;
	if (read_params(query, fq->fq_sub != NULL, fq, err, errlen) == -1)
		goto fail;
	if (sf.sf_filter != NULL && feed_filter_parse_stored(&fq->fq_filter,
	    sf.sf_filter, err, errlen) == -1) {
		/* config.c checks filters: only a bug gets here. */
		*status = 500;
		goto fail;
	}
	/* The path as the URL writes it: a subscriber's name encoded. */
	buf_init(&doc, FEED_URL_MAX);
	buf_puts(&doc, d->d_base_url);
	if (fq->fq_sub != NULL) {
		buf_puts(&doc, "/feeds/sub/");
		feed_filter_encode(&doc, fq->fq_sub);
	} else
		buf_puts(&doc, "/feeds/all");
	if (buf_printf(&doc, ".%s", fq->fq_format->ff_ext) == -1) {
		buf_free(&doc);
		*status = 414;
		snprintf(err, errlen, "the feed's URL is too long");
		goto fail;
	}
	fq->fq_doc_url = buf_release(&doc, NULL);
	/* With a cursor the URL says the page size too, as next links do. */
	fq->fq_self = page_url(fq, fq->fq_after_modified, fq->fq_after_seq,
	    fq->fq_limit_given || fq->fq_after_seq > 0);
	if (fq->fq_self == NULL || make_key(d, fq) == -1) {
		*status = 414;
		snprintf(err, errlen, "the feed's URL is too long");
		goto fail;
	}
	subscriber_feed_clear(&sf);
	return 0;
 fail:
	subscriber_feed_clear(&sf);
	feed_request_clear(fq);
	return -1;
}

int
feed_request_from_url(struct daemon *d, const char *url,
    struct feed_request *fq, int *status, char *err, size_t errlen)
{
	size_t baselen = strlen(d->d_base_url), pathlen = 0;
	const char *rest, *q;
	char *rawpath = NULL, *path = NULL;
	struct evkeyvalq query;
	int rc = -1;

	memset(fq, 0, sizeof(*fq));
	TAILQ_INIT(&query);
	*status = 404;
	if (strncmp(url, d->d_base_url, baselen) != 0 || url[baselen] != '/') {
		snprintf(err, errlen, "not a feed of this instance (%s)",
		    d->d_base_url);
		return -1;
	}
	rest = url + baselen;
	q = strchr(rest, '?');
	rawpath = xstrndup(rest, q ? (size_t)(q - rest) : strlen(rest));
	if (strchr(rawpath, '#') != NULL ||
	    (path = evhttp_uridecode(rawpath, 0, &pathlen)) == NULL ||
	    strlen(path) != pathlen) {
		snprintf(err, errlen, "a malformed path");
		goto done;
	}
	if (q != NULL && (strchr(q, '#') != NULL ||
	    evhttp_parse_query_str(q + 1, &query) == -1)) {
		*status = 400;
		snprintf(err, errlen, "a malformed query");
		goto done;
	}
	rc = feed_request_build(d, path, &query, fq, status, err, errlen);
 done:
	evhttp_clear_headers(&query);
	free(rawpath);
	free(path);
	return rc;
}

void
feed_request_clear(struct feed_request *fq)
{
	feed_filter_clear(&fq->fq_filter);
	free(fq->fq_sub);
	free(fq->fq_token);
	free(fq->fq_doc_url);
	free(fq->fq_self);
	free(fq->fq_key);
	memset(fq, 0, sizeof(*fq));
}
