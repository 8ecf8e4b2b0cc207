/*
 * feed_fast.c — a hit of a public feed answered before evhttp parses the
 * request (feed_fast.h says when).  A hit through evhttp costs about five
 * times what nginx spends on the same static file (evhttp's request and
 * header objects, a printf per header, the query parsed and made
 * canonical again); here it is a scan of the request, one lookup and one
 * write.
 */
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "clock.h"
#include "daemon.h"
#include "feed_cache.h"
#include "feed_fast.h"
#include "feed_reply.h"
#include "store.h"

/* What a request header may be here. */
enum header_role {
	HEADER_ENCODING,	/* Accept-Encoding */
	HEADER_ETAGS,		/* If-None-Match */
	HEADER_KEPT,		/* the ones above are kept */
	HEADER_INERT = HEADER_KEPT,	/* changes nothing in the reply */
};

/* Any header not listed sends the request to evhttp: If-Modified-Since
 * (a date to parse), Connection, a body, Expect, X-Forwarded-For ... */
static const struct known_header {
	const char		*kh_name;
	enum header_role	 kh_role;
} known_headers[] = {
	{ "host", HEADER_INERT },
	{ "user-agent", HEADER_INERT },
	{ "accept", HEADER_INERT },
	{ "accept-language", HEADER_INERT },
	{ "accept-encoding", HEADER_ENCODING },
	{ "if-none-match", HEADER_ETAGS },
	{ "cache-control", HEADER_INERT },
	{ "pragma", HEADER_INERT },
	{ "referer", HEADER_INERT },
};

struct fast_request {
	const char	*fr_target;
	size_t		 fr_targetlen;
	/* The kept headers' values, trimmed as evhttp trims them; NULL:
	 * absent. */
	const char	*fr_value[HEADER_KEPT];
	char		 fr_values[HEADER_KEPT][512];
};

static const struct known_header *
known_header(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(known_headers) / sizeof(known_headers[0]); i++)
		if (strlen(known_headers[i].kh_name) == len &&
		    strncasecmp(known_headers[i].kh_name, name, len) == 0)
			return &known_headers[i];
	return NULL;
}

/* A byte evhttp would keep as it is in a header line. */
static int
plain_byte(unsigned char ch)
{
	return (ch >= 0x20 && ch != 0x7f) || ch == '\t';
}

/*
 * "GET TARGET HTTP/1.1" and known headers, every line ending in CRLF,
 * the last one empty.  -1: not one for here.
 */
static int
parse_request(const char *p, size_t len, struct fast_request *rq)
{
	const char *end = p + len, *eol, *colon, *v, *ve;
	const struct known_header *kh;
	size_t i;

	rq->fr_targetlen = 0;
	for (i = 0; i < HEADER_KEPT; i++)
		rq->fr_value[i] = NULL;
	if (len < 4 || memcmp(p, "GET ", 4) != 0)
		return -1;
	p += 4;
	rq->fr_target = p;
	while (p < end && *p > ' ' && *p < 0x7f)
		p++;
	rq->fr_targetlen = p - rq->fr_target;
	if (end - p < 11 || memcmp(p, " HTTP/1.1\r\n", 11) != 0)
		return -1;
	for (p += 11; p < end; p = eol + 2) {
		if ((eol = memchr(p, '\r', end - p)) == NULL ||
		    end - eol < 2 || eol[1] != '\n')
			return -1;
		if (eol == p)		/* the empty line: the end */
			return eol + 2 == end ? 0 : -1;
		for (colon = p; colon < eol && *colon != ':'; colon++)
			if (*colon <= ' ' || *colon >= 0x7f)
				return -1;
		if (colon == eol || colon == p ||
		    (kh = known_header(p, colon - p)) == NULL)
			return -1;
		for (v = colon + 1; v < eol; v++)
			if (!plain_byte((unsigned char)*v))
				return -1;
		if (kh->kh_role == HEADER_INERT)
			continue;
		/* evhttp would take the first; send a repeat there. */
		if (rq->fr_value[kh->kh_role] != NULL)
			return -1;
		for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		for (ve = eol; ve > v && (ve[-1] == ' ' || ve[-1] == '\t');
		    ve--)
			;
		if ((i = ve - v) >= sizeof(rq->fr_values[0]))
			return -1;
		memcpy(rq->fr_values[kh->kh_role], v, i);
		rq->fr_values[kh->kh_role][i] = '\0';
		rq->fr_value[kh->kh_role] = rq->fr_values[kh->kh_role];
	}
	return -1;
}

/* --- the rest of a reply, sent by the bufferevent ----------------- */

static void
give_back(struct bufferevent *bev, struct feed_fast_conn *ffc)
{
	bufferevent_setcb(bev, ffc->ffc_read, ffc->ffc_write, ffc->ffc_event,
	    ffc->ffc_arg);
}

static void
fast_read(struct bufferevent *bev, void *arg)
{
	struct feed_fast_conn *ffc = arg;

	/* evhttp may set its own callbacks, or free the connection. */
	if (ffc->ffc_read != NULL)
		ffc->ffc_read(bev, ffc->ffc_arg);
}

/* All out: evhttp reads the next request with writing off, as it was. */
static void
fast_write(struct bufferevent *bev, void *arg)
{
	struct feed_fast_conn *ffc = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) > 0)
		return;
	give_back(bev, ffc);
	bufferevent_disable(bev, EV_WRITE);
}

static void
fast_event(struct bufferevent *bev, short what, void *arg)
{
	struct feed_fast_conn *ffc = arg;

	give_back(bev, ffc);
	if (ffc->ffc_event != NULL)
		ffc->ffc_event(bev, what, ffc->ffc_arg);
}

/* The socket did not take it all: the bufferevent sends the rest. */
static void
send_rest(struct bufferevent *bev, struct feed_fast_conn *ffc)
{
	bufferevent_data_cb readcb, writecb;
	bufferevent_event_cb eventcb;
	void *arg;

	bufferevent_getcb(bev, &readcb, &writecb, &eventcb, &arg);
	if (readcb != fast_read) {
		ffc->ffc_read = readcb;
		ffc->ffc_write = writecb;
		ffc->ffc_event = eventcb;
		ffc->ffc_arg = arg;
		bufferevent_setcb(bev, fast_read, fast_write, fast_event, ffc);
	}
	bufferevent_enable(bev, EV_WRITE);
}

void
feed_fast_release(struct bufferevent *bev, struct feed_fast_conn *ffc)
{
	bufferevent_data_cb readcb;
	void *arg;

	bufferevent_getcb(bev, &readcb, NULL, NULL, &arg);
	if (readcb == fast_read && arg == ffc)
		give_back(bev, ffc);
}

/* --- the reply ------------------------------------------------------ */

/* The header with today's Date, in one piece. */
static int
add_head(struct evbuffer *out, struct feed_rep *fr, int gz, int not_modified,
    const char *date, size_t datelen)
{
	const struct feed_fast_head *h =
	    &fr->fr_fast[FEED_FAST_HEAD(not_modified, gz)];
	const char *head = h->ffh_text;
	size_t split = h->ffh_split, len = h->ffh_len;
	char block[2048];

	if (len + datelen > sizeof(block))
		return evbuffer_add(out, head, split) == -1 ||
		    evbuffer_add(out, date, datelen) == -1 ||
		    evbuffer_add(out, head + split, len - split) == -1 ? -1 : 0;
	memcpy(block, head, split);
	memcpy(block + split, date, datelen);
	memcpy(block + split + datelen, head + split, len - split);
	return evbuffer_add(out, block, len + datelen);
}

static void
release(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	feed_rep_unref(arg);
}

static int
add_body(struct evbuffer *out, struct feed_cache *fc, struct feed_rep *fr,
    int gz, int *file)
{
	struct evbuffer_file_segment *seg;

	/* The bufferevent's output drains to its socket: sendfile(). */
	if ((seg = feed_cache_segment(fc, fr, gz)) != NULL) {
		*file = 1;
		return evbuffer_add_file_segment(out, seg, 0, -1);
	}
	*file = 0;
	feed_rep_ref(fr);
	if (evbuffer_add_reference(out, gz ? fr->fr_gz : fr->fr_body,
	    gz ? fr->fr_gzlen : fr->fr_len, release, fr) == -1) {
		feed_rep_unref(fr);
		return -1;
	}
	return 0;
}

int
feed_fast_answer(struct daemon *d, struct bufferevent *bev,
    struct feed_fast_conn *ffc, const char *req, size_t len)
{
	struct feed_cache *fc = d->d_feed_cache;
	struct fast_request rq;
	struct evbuffer *out = bufferevent_get_output(bev);
	struct feed_rep *fr;
	bufferevent_data_cb readcb = NULL;
	const char *date;
	size_t datelen;
	int gz, file = 0, not_modified;

	/*
	 * evhttp writing a reply of its own reads with no callback (to see
	 * a close) and waits for its write-done callback: a hit then would
	 * go out with or ahead of that reply, take the callbacks and leave
	 * evhttp waiting for good.  Only while it waits for a request.
	 */
	bufferevent_getcb(bev, &readcb, NULL, NULL, NULL);
	if (readcb == NULL ||
	    (readcb != fast_read && evbuffer_get_length(out) > 0))
		return 0;
	if (fc == NULL || parse_request(req, len, &rq) == -1)
		return 0;
	/* Only a target evhttp and feed_query.c took before has an alias. */
	if ((fr = feed_cache_by_alias(fc, rq.fr_target, rq.fr_targetlen,
	    d->d_conf_generation)) == NULL)
		return 0;
	/* Anything to check again (feed_revalidate()) is evhttp's. */
	if (fr->fr_generation != store_generation(d->d_store) ||
	    clock_now(d->d_clock) >= fr->fr_expires)
		return 0;
	if (feed_reply_tune(bev) == -1)
		return 0;
	gz = fr->fr_gzlen > 0 && rq.fr_value[HEADER_ENCODING] != NULL &&
	    feed_accepts_gzip(rq.fr_value[HEADER_ENCODING]);
	not_modified = rq.fr_value[HEADER_ETAGS] != NULL &&
	    feed_etag_listed(rq.fr_value[HEADER_ETAGS],
	    gz ? fr->fr_etag_gz : fr->fr_etag);
	feed_reply_fast_head(fr, gz, not_modified);
	date = feed_cache_date(fc, &datelen);
	if (add_head(out, fr, gz, not_modified, date, datelen) == -1 ||
	    (!not_modified && add_body(out, fc, fr, gz, &file) == -1)) {
		/* Part of a reply may be queued: the connection cannot go
		 * on.  evhttp sees the end and frees it. */
		shutdown(bufferevent_getfd(bev), SHUT_RDWR);
		return 1;
	}
	feed_cache_stats(fc)->fcs_hits++;
	if (feed_reply_send_now(bev, file) > 0)
		send_rest(bev, ffc);
	return 1;
}
