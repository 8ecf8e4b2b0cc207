/*
 * feed_reply.c — sending a cached feed representation: validators,
 * conditional GET (RFC 9110 13.1), the gzip copy for clients that take it,
 * and the bytes by reference, so a hit copies nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "../../feeds/buf.h"
#include "../../feeds/date.h"
#include "../../feeds/xmalloc.h"
#include "feed_cache.h"
#include "feed_reply.h"
#include "http.h"

#define FEED_MAX_SINGLE_WRITE	(4 * 1024 * 1024)

/* One element of a comma-separated header list, spaces trimmed. */
static const char *
next_element(const char *p, const char **start, size_t *len)
{
	const char *end;

	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	if (*p == '\0')
		return NULL;
	end = p + strcspn(p, ",");
	*start = p;
	*len = end - p;
	while (*len > 0 && (p[*len - 1] == ' ' || p[*len - 1] == '\t'))
		(*len)--;
	return end;
}

/* Accept-Encoding names gzip (or "*") with a q above 0. */
int
feed_accepts_gzip(const char *ae)
{
	const char *p = ae, *el, *semi, *q;
	size_t len, name;

	if (ae == NULL)
		return 0;
	while ((p = next_element(p, &el, &len)) != NULL) {
		semi = memchr(el, ';', len);
		name = semi ? (size_t)(semi - el) : len;
		while (name > 0 && el[name - 1] == ' ')
			name--;
		if (!((name == 4 && strncasecmp(el, "gzip", 4) == 0) ||
		    (name == 6 && strncasecmp(el, "x-gzip", 6) == 0) ||
		    (name == 1 && *el == '*')))
			continue;
		if (semi != NULL && (q = strstr(semi, "q=")) != NULL &&
		    q < el + len && strtod(q + 2, NULL) <= 0.0)
			continue;
		return 1;
	}
	return 0;
}

/* If-None-Match lists tag ("*", or weak comparison: W/ is ignored). */
int
feed_etag_listed(const char *inm, const char *tag)
{
	const char *p = inm, *el;
	size_t len, n = strlen(tag);

	while ((p = next_element(p, &el, &len)) != NULL) {
		if (len == 1 && *el == '*')
			return 1;
		if (len > 2 && el[0] == 'W' && el[1] == '/') {
			el += 2;
			len -= 2;
		}
		if (len == n && memcmp(el, tag, n) == 0)
			return 1;
	}
	return 0;
}

static void
header(struct evkeyvalq *out, const char *name, const char *value)
{
	evhttp_add_header(out, name, value);
}

/*
 * Tuned for bodies that are already in memory.  A body written in pieces
 * must not wait for the client's delayed ACK (Nagle): without TCP_NODELAY
 * a keep-alive client stalls 40 ms on every feed that does not fit one
 * segment.  And a bufferevent writes 16 KiB per loop turn by default; a
 * feed goes out in as few writes as the socket takes.
 */
int
feed_reply_tune(struct bufferevent *bev)
{
	evutil_socket_t fd = bufferevent_getfd(bev);
	int one = 1;

	if (fd < 0)
		return -1;
	/* Once per connection: the write size marks it done. */
	if (bufferevent_get_max_single_write(bev) != FEED_MAX_SINGLE_WRITE) {
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
		(void)bufferevent_set_max_single_write(bev,
		    FEED_MAX_SINGLE_WRITE);
	}
	return 0;
}

/* The request's connection, tuned; NULL: no socket. */
static struct bufferevent *
tune_connection(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev;

	if (evcon == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL ||
	    feed_reply_tune(bev) == -1)
		return NULL;
	return bev;
}

/* Uncorks the socket once the reply has left the output buffer. */
static void
uncork_when_sent(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	int fd = (int)(intptr_t)arg, zero = 0;

	(void)info;
	if (evbuffer_get_length(buf) > 0)
		return;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_CORK, &zero, sizeof(zero));
	evbuffer_remove_cb(buf, uncork_when_sent, arg);
}

/*
 * Writes the reply queued in bev's output now, in the turn that read the
 * request, instead of waiting for the socket to be reported writable: a
 * cache hit then costs one read and one write, and one epoll_ctl() at
 * most (the interest evhttp drops and adds back around each request is
 * merged in libevent's changelist, main.c).  What the socket does not
 * take stays queued; the bytes left are returned.
 *
 * cork: the body is a file segment, sent by sendfile() after the header's
 * writev().  As nginx does with tcp_nopush, the socket is corked until
 * the whole reply is out, so that the header does not leave in a packet
 * of its own and sendfile() fills whole segments.
 */
size_t
feed_reply_send_now(struct bufferevent *bev, int cork)
{
	struct evbuffer *out = bufferevent_get_output(bev);
	evutil_socket_t fd = bufferevent_getfd(bev);
	int n, one = 1;

	if (fd < 0 || evbuffer_get_length(out) == 0)
		return evbuffer_get_length(out);
	if (cork && setsockopt(fd, IPPROTO_TCP, TCP_CORK, &one,
	    sizeof(one)) == 0 &&
	    evbuffer_add_cb(out, uncork_when_sent, (void *)(intptr_t)fd) ==
	    NULL) {
		cork = 0;
		(void)setsockopt(fd, IPPROTO_TCP, TCP_CORK, &cork,
		    sizeof(cork));
	}
	/* A bufferevent freezes the front of its output: only it drains. */
	evbuffer_unfreeze(out, 1);
	do
		n = evbuffer_write(out, fd);
	while (n > 0 && evbuffer_get_length(out) > 0);
	evbuffer_freeze(out, 1);
	return evbuffer_get_length(out);
}

/*
 * evhttp's reply: what the socket does not take, the bufferevent sends as
 * before.  Once all is out, evhttp's own write-done callback runs,
 * deferred to the loop so that it does not free the request under the
 * handler still on the stack.
 */
static void
send_now(struct bufferevent *bev, int cork)
{
	if (feed_reply_send_now(bev, cork) == 0)
		bufferevent_trigger(bev, EV_WRITE, BEV_TRIG_DEFER_CALLBACKS);
}

void
feed_reply_fast_head(struct feed_rep *fr, int gz, int not_modified)
{
	struct feed_fast_head *h;
	struct buf b;

	if (fr->fr_fast == NULL)
		fr->fr_fast = xcalloc(FEED_FAST_HEADS, sizeof(*fr->fr_fast));
	h = &fr->fr_fast[FEED_FAST_HEAD(not_modified, gz)];
	if (h->ffh_text != NULL)
		return;
	/* As feed_reply() and evhttp write them, in the same order. */
	buf_init(&b, SIZE_MAX);
	buf_printf(&b, "HTTP/1.1 %s\r\nETag: %s\r\nLast-Modified: %s\r\n"
	    "Cache-Control: %s\r\nVary: Accept-Encoding\r\nLink: %s\r\n"
	    "X-Tsunagu-Cache: hit\r\n",
	    not_modified ? "304 Not Modified" : "200 OK",
	    gz ? fr->fr_etag_gz : fr->fr_etag, fr->fr_last_modified_http,
	    fr->fr_private ? "private, max-age=60" : "public, max-age=60",
	    fr->fr_link);
	if (!not_modified)
		buf_printf(&b, "Content-Type: %s\r\n%s", fr->fr_content_type,
		    gz ? "Content-Encoding: gzip\r\n" : "");
	buf_printf(&b, "Date: ");
	h->ffh_split = b.len;
	if (not_modified)
		buf_printf(&b, "\r\n\r\n");
	else
		buf_printf(&b, "\r\nContent-Length: %zu\r\n\r\n",
		    gz ? fr->fr_gzlen : fr->fr_len);
	h->ffh_text = buf_release(&b, &h->ffh_len);
}

static void
release(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	feed_rep_unref(arg);
}

void
feed_reply(struct http_request *hr, struct feed_cache *fc,
    struct feed_rep *fr, const char *state)
{
	struct evhttp_request *req = hr->hr_req;
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	const char *inm = evhttp_find_header(in, "If-None-Match");
	const char *ims = evhttp_find_header(in, "If-Modified-Since");
	int gz = fr->fr_gzlen > 0 &&
	    feed_accepts_gzip(evhttp_find_header(in, "Accept-Encoding"));
	const char *tag = gz ? fr->fr_etag_gz : fr->fr_etag;
	struct evbuffer_file_segment *seg = NULL;
	struct bufferevent *bev = tune_connection(req);
	struct evbuffer *body;
	char length[32];
	int64_t since;

	header(out, "ETag", tag);
	header(out, "Last-Modified", fr->fr_last_modified_http);
	header(out, "Cache-Control", fr->fr_private ?
	    "private, max-age=60" : "public, max-age=60");
	header(out, "Vary", "Accept-Encoding");
	header(out, "Link", fr->fr_link);
	header(out, "X-Tsunagu-Cache", state);
	/* If-Modified-Since counts only without If-None-Match. */
	if (inm != NULL ? feed_etag_listed(inm, tag) : ims != NULL &&
	    date_parse_rfc822(ims, &since) == 0 &&
	    fr->fr_last_modified <= since) {
		/* Where evhttp would write its own, formatted per reply. */
		header(out, "Date", feed_cache_date(fc, NULL));
		evhttp_send_reply(req, 304, NULL, NULL);
		if (bev != NULL)
			send_now(bev, 0);
		return;
	}
	header(out, "Content-Type", fr->fr_content_type);
	if (gz)
		header(out, "Content-Encoding", "gzip");
	if ((body = evbuffer_new()) == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	if (hr->hr_method == EVHTTP_REQ_HEAD) {
		snprintf(length, sizeof(length), "%zu",
		    gz ? fr->fr_gzlen : fr->fr_len);
		header(out, "Content-Length", length);
	} else if ((seg = feed_cache_segment(fc, fr, gz)) != NULL) {
		/* sendfile(): the segment counts its own references.  libevent
		 * keeps a segment a file only in a buffer bound for a socket
		 * (else it maps it), and evhttp moves this one there whole. */
		evbuffer_set_flags(body, EVBUFFER_FLAG_DRAINS_TO_FD);
		if (evbuffer_add_file_segment(body, seg, 0, -1) == -1) {
			evbuffer_free(body);
			evhttp_send_error(req, 500, NULL);
			return;
		}
	} else {
		feed_rep_ref(fr);
		if (evbuffer_add_reference(body, gz ? fr->fr_gz : fr->fr_body,
		    gz ? fr->fr_gzlen : fr->fr_len, release, fr) == -1) {
			feed_rep_unref(fr);
			evbuffer_free(body);
			evhttp_send_error(req, 500, NULL);
			return;
		}
	}
	header(out, "Date", feed_cache_date(fc, NULL));
	evhttp_send_reply(req, 200, NULL, body);
	evbuffer_free(body);
	if (bev != NULL)
		send_now(bev, seg != NULL);
}
