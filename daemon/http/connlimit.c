/*
 * connlimit.c — the connection cap, the header deadline and the body
 * limit per route (connlimit.h), on top of evhttp_set_bevcb().
 *
 * evhttp asks us for each accepted connection's bufferevent before it
 * gives it the socket.  We keep a reference to it until the loop comes
 * back (the "settle" event, made active at once, so it runs before any
 * byte of the connection is read): by then it has its descriptor, which
 * is what the connection is known by from then on, and we watch its input
 * buffer.  Every block of bytes the socket gives is seen there before
 * evhttp parses it, which is enough to follow the requests: a header is
 * captured up to its blank line (at most CONN_HEAD_MAX bytes: evhttp
 * refuses longer ones itself), its request line names the route and so
 * the body limit, set on the evhttp connection before evhttp reads the
 * body, and a Content-Length body (the first, read as evhttp reads it) is
 * skipped to the next request.  A chunked body, or a framing header folded
 * over lines, ends the following: the connection keeps its last limit.
 *
 * A one-second tick drops connections evhttp has closed (their
 * descriptor is gone, or is another socket now) and shuts down those
 * whose header is overdue.
 *
 * A block that is one whole request, read while evhttp waits for a new
 * one, may be a feed hit that feed_fast.c answers from here.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "../../feeds/xmalloc.h"
#include "config.h"
#include "connlimit.h"
#include "daemon.h"
#include "feed_fast.h"
#include "log.h"

#define CONN_HEAD_MAX		(8 * 1024 + 4)	/* captured per header */
#define CONN_WARN_EVERY		60000		/* ms between cap warnings */

/* Body limits by route; the first row that matches wins. */
static const struct body_rule {
	const char	*br_method;	/* NULL: POST, PUT and PATCH */
	const char	*br_path;	/* ending in '/': a prefix */
	size_t		 br_max;
} body_rules[] = {
	/* Twice the API's own cap, so a body a little too large still gets
	 * the API's JSON 413 naming the limit; beyond that, evhttp's. */
	{ "POST", "/api/v1/postings", 512 * 1024 },	/* a group's posting */
	{ "PATCH", "/api/v1/postings/", 512 * 1024 },	/* an edit */
	{ "POST", "/hub", 64 * 1024 },			/* WebSub form */
	{ NULL, "/api/", 64 * 1024 },			/* the admin API */
};
#define BODY_DEFAULT_WITH	(64 * 1024)	/* POST/PUT/PATCH elsewhere */
#define BODY_DEFAULT_WITHOUT	0		/* GET, HEAD, DELETE ... */

enum conn_state {
	CS_HEAD,	/* waiting for or reading a request header */
	CS_BODY,	/* reading cs_left bytes of a body */
	CS_IDLE,	/* between requests (keep-alive) */
	CS_OPAQUE,	/* a chunked body: no longer followed */
};

struct conn {
	struct connlimit	*cs_cl;
	struct bufferevent	*cs_bev;	/* borrowed; valid while live */
	int			 cs_fd;
	int			 cs_live;
	dev_t			 cs_dev;
	ino_t			 cs_ino;
	enum conn_state		 cs_state;
	int64_t			 cs_since;	/* ms: state entered */
	uint64_t		 cs_left;	/* CS_BODY */
	char			*cs_head;	/* CS_HEAD capture */
	size_t			 cs_headlen;
	int			 cs_headcut;	/* capture overflowed */
	char			 cs_p1, cs_p2;	/* the last two bytes seen */
	struct feed_fast_conn	 cs_fast;	/* feed_fast.h */
};

struct connlimit {
	struct daemon		*cl_daemon;
	struct evhttp		*cl_http;
	struct event		*cl_settle;
	struct event		*cl_tick;
	struct event		*cl_evict;
	struct evconnlistener	*cl_listener;	/* borrowed from evhttp */
	struct conn		**cl_conns;	/* by fd; each allocated once */
	size_t			 cl_nconns;
	struct bufferevent	**cl_pending;	/* accepted, not settled */
	size_t			 cl_npending;
	size_t			 cl_pendcap;
	size_t			 cl_open;
	size_t			 cl_evicted;
	size_t			 cl_expired;
	int64_t			 cl_warned;	/* ms */
	rlim_t			 cl_nofile;	/* soft limit seen last */
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
path_matches(const char *rule, const char *path, size_t plen)
{
	size_t rlen = strlen(rule);

	if (rlen > 0 && rule[rlen - 1] == '/')
		return plen >= rlen && memcmp(path, rule, rlen) == 0;
	return plen == rlen && memcmp(path, rule, rlen) == 0;
}

size_t
connlimit_body_max(const char *method, size_t mlen, const char *path,
    size_t plen)
{
	const struct body_rule *br;
	size_t i, q;
	int with_body = (mlen == 4 && memcmp(method, "POST", 4) == 0) ||
	    (mlen == 3 && memcmp(method, "PUT", 3) == 0) ||
	    (mlen == 5 && memcmp(method, "PATCH", 5) == 0);

	for (q = 0; q < plen && path[q] != '?' && path[q] != '#'; q++)
		;
	for (i = 0; i < sizeof(body_rules) / sizeof(body_rules[0]); i++) {
		br = &body_rules[i];
		if (br->br_method != NULL ? strlen(br->br_method) != mlen ||
		    memcmp(br->br_method, method, mlen) != 0 : !with_body)
			continue;
		if (path_matches(br->br_path, path, q))
			return br->br_max;
	}
	return with_body ? BODY_DEFAULT_WITH : BODY_DEFAULT_WITHOUT;
}

/* The effective cap: the configured one, within the descriptor limit. */
static size_t
conn_cap(struct connlimit *cl)
{
	const struct config *cf = cl->cl_daemon->d_conf;
	int64_t want = cf && cf->cf_max_connections > 0 ?
	    cf->cf_max_connections : CONNLIMIT_DEFAULT_MAX, lowered;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur !=
	    RLIM_INFINITY) {
		/* Raise the soft limit toward what the cap needs. */
		if (rl.rlim_cur < (rlim_t)want + CONNLIMIT_FD_RESERVE &&
		    rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = (rlim_t)want + CONNLIMIT_FD_RESERVE;
			if (rl.rlim_max != RLIM_INFINITY &&
			    rl.rlim_cur > rl.rlim_max)
				rl.rlim_cur = rl.rlim_max;
			if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
				getrlimit(RLIMIT_NOFILE, &rl);
		}
		if (rl.rlim_cur < (rlim_t)want + CONNLIMIT_FD_RESERVE) {
			lowered = rl.rlim_cur > 2 * CONNLIMIT_FD_RESERVE ?
			    (int64_t)(rl.rlim_cur - CONNLIMIT_FD_RESERVE) :
			    (int64_t)(rl.rlim_cur / 2);
			if (rl.rlim_cur != cl->cl_nofile)
				log_warnx("%s: max_connections %lld lowered to "
				    "%lld by the descriptor limit %llu",
				    __func__, (long long)want,
				    (long long)lowered,
				    (unsigned long long)rl.rlim_cur);
			want = lowered;
		}
		cl->cl_nofile = rl.rlim_cur;
	}
	return want > 0 ? (size_t)want : 1;
}

/* 1 when fd is still the socket c was accepted as. */
static int
conn_same(const struct conn *c)
{
	struct stat sb;

	return fstat(c->cs_fd, &sb) == 0 && S_ISSOCK(sb.st_mode) &&
	    sb.st_dev == c->cs_dev && sb.st_ino == c->cs_ino;
}

static void
conn_forget(struct conn *c)
{
	if (!c->cs_live)
		return;
	c->cs_live = 0;
	c->cs_bev = NULL;
	free(c->cs_head);
	c->cs_head = NULL;
	c->cs_headlen = 0;
	c->cs_cl->cl_open--;
}

static void
conn_enter(struct conn *c, enum conn_state st)
{
	c->cs_state = st;
	c->cs_since = now_ms();
	c->cs_p1 = c->cs_p2 = 0;
	if (st != CS_HEAD) {
		free(c->cs_head);
		c->cs_head = NULL;
		c->cs_headlen = 0;
		c->cs_headcut = 0;
	}
}

/* Closes the connection under evhttp's feet: it sees EOF and frees it. */
static void
conn_close(struct conn *c)
{
	if (conn_same(c))
		shutdown(c->cs_fd, SHUT_RDWR);
	conn_forget(c);
}

/* Case-insensitive "name:" at the start of a header line. */
static const char *
header_value(const char *line, const char *end, const char *name)
{
	size_t n = strlen(name);

	if ((size_t)(end - line) <= n || strncasecmp(line, name, n) != 0 ||
	    line[n] != ':')
		return NULL;
	line += n + 1;
	while (line < end && (*line == ' ' || *line == '\t'))
		line++;
	return line;
}

/*
 * A Content-Length value (v to the end of its line) as evhttp reads it,
 * with strtoll(): blanks, a sign, digits, up to a NUL if any.  0 for a
 * value evhttp refuses (it answers 400 and closes); saturated when too
 * large (evhttp's 413).
 */
static uint64_t
content_length(const char *v, const char *eol)
{
	uint64_t length = 0;
	int negative = 0;
	size_t digits = 0;

	while (v < eol && (*v == ' ' || *v == '\t' || *v == '\v' ||
	    *v == '\f'))
		v++;
	if (v < eol && (*v == '+' || *v == '-'))
		negative = *v++ == '-';
	for (; v < eol && *v >= '0' && *v <= '9'; v++, digits++)
		length = length > UINT64_MAX / 16 ? UINT64_MAX :
		    length * 10 + (uint64_t)(*v - '0');
	while (v < eol && (*v == ' ' || *v == '\t' || *v == '\r'))
		v++;
	/* evhttp's value is a C string: a NUL ends it. */
	return (v != eol && *v != '\0') || digits == 0 || negative ? 0 :
	    length;
}

/* A Transfer-Encoding value naming chunked in any case (evhttp's test is
 * "chunked" alone; a value that names it among others is not followed
 * either). */
static int
names_chunked(const char *v, const char *eol)
{
	for (; eol - v >= 7; v++)
		if (strncasecmp(v, "chunked", 7) == 0)
			return 1;
	return 0;
}

/*
 * A complete header is in cs_head: its route sets the body limit of the
 * evhttp connection, and its framing says what comes next.
 */
static void
conn_header_done(struct conn *c)
{
	const char *p = c->cs_head, *end = p + c->cs_headlen, *eol, *sp,
	    *path, *v;
	struct evhttp_connection *evcon = NULL;
	uint64_t length = 0;
	int opaque = 0, has_length = 0, framing = 0;
	size_t max;

	while (p < end && (*p == '\r' || *p == '\n'))	/* stray CRLFs */
		p++;
	if ((eol = memchr(p, '\n', end - p)) == NULL || c->cs_headcut) {
		conn_enter(c, CS_OPAQUE);	/* evhttp refuses it anyway */
		return;
	}
	if ((sp = memchr(p, ' ', eol - p)) == NULL) {
		conn_enter(c, CS_OPAQUE);
		return;
	}
	path = sp + 1;
	for (v = path; v < eol && *v != ' ' && *v != '\r'; v++)
		;
	max = connlimit_body_max(p, sp - p, path, v - path);
	for (p = eol + 1; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', end - p)) == NULL)
			eol = end;
		/* A line folded into a framing header: not followed. */
		if ((*p == ' ' || *p == '\t') && framing)
			opaque = 1;
		framing = 0;
		/* evhttp takes the first, as strtoll() reads it. */
		if ((v = header_value(p, eol, "content-length")) != NULL) {
			framing = 1;
			if (!has_length)
				length = content_length(v, eol);
			has_length = 1;
		} else if ((v = header_value(p, eol, "transfer-encoding")) !=
		    NULL) {
			framing = 1;
			if (names_chunked(v, eol))
				opaque = 1;
		}
	}
	bufferevent_getcb(c->cs_bev, NULL, NULL, NULL, (void **)&evcon);
	if (evcon != NULL)
		evhttp_connection_set_max_body_size(evcon, (ev_ssize_t)max);
	if (opaque)
		conn_enter(c, CS_OPAQUE);
	else if (has_length && length > 0 && length <= max) {
		conn_enter(c, CS_BODY);
		c->cs_left = length;
	} else
		/* No body, or one evhttp will refuse (and then close). */
		conn_enter(c, CS_IDLE);
}

/* Takes up to len bytes of a header; how many were part of it. */
static size_t
conn_head_bytes(struct conn *c, const char *data, size_t len)
{
	size_t i, keep;
	int found = 0;

	for (i = 0; i < len && !found; i++) {
		/* The blank line: "\n\n" or "\n\r\n". */
		if (data[i] == '\n' && (c->cs_p1 == '\n' ||
		    (c->cs_p1 == '\r' && c->cs_p2 == '\n')))
			found = 1;
		c->cs_p2 = c->cs_p1;
		c->cs_p1 = data[i];
	}
	keep = i;
	if (!c->cs_headcut) {
		if (c->cs_headlen + keep > CONN_HEAD_MAX)
			c->cs_headcut = 1;
		else {
			c->cs_head = xreallocarray(c->cs_head, 1,
			    c->cs_headlen + keep);
			memcpy(c->cs_head + c->cs_headlen, data, keep);
			c->cs_headlen += keep;
		}
	}
	if (found)
		conn_header_done(c);
	return keep;
}

/*
 * The input is this block alone and one whole request, after a whole
 * request and its body (or none yet): evhttp has consumed everything
 * before it.  Whether evhttp waits for a request or writes a reply (it
 * reads then too, to see a close), feed_fast.c tells.  1: feed_fast.c has
 * answered it, and it is gone from the input.
 */
static int
conn_fast(struct conn *c, struct evbuffer *buf, size_t len)
{
	const char *data;

	/* A header too long to capture leaves cs_headlen 0: not new. */
	if (len < 20 || len > FEED_FAST_REQUEST_MAX || c->cs_headcut ||
	    !(c->cs_state == CS_IDLE ||
	    (c->cs_state == CS_HEAD && c->cs_headlen == 0)))
		return 0;
	if ((data = (const char *)evbuffer_pullup(buf, (ev_ssize_t)len)) ==
	    NULL || memcmp(data, "GET /feeds/all.", 15) != 0 ||
	    memcmp(data + len - 4, "\r\n\r\n", 4) != 0)
		return 0;
	if (!feed_fast_answer(c->cs_cl->cl_daemon, c->cs_bev, &c->cs_fast,
	    data, len))
		return 0;
	/* Calls conn_input() again, which sees nothing added. */
	evbuffer_drain(buf, len);
	conn_enter(c, CS_IDLE);
	return 1;
}

/* Every block of bytes the socket gives, before evhttp reads it. */
static void
conn_input(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct conn *c = arg;
	struct evbuffer_ptr pos;
	struct evbuffer_iovec vec[8];
	size_t total = evbuffer_get_length(buf), used, n, k;
	int nvec, i;

	if (!c->cs_live || info->n_added == 0 || info->n_added > total)
		return;
	if (total == info->n_added && conn_fast(c, buf, total))
		return;
	if (evbuffer_ptr_set(buf, &pos, total - info->n_added,
	    EVBUFFER_PTR_SET) == -1)
		return;
	while ((nvec = evbuffer_peek(buf, -1, &pos, vec, 8)) > 0) {
		for (i = 0, n = 0; i < nvec && i < 8; i++) {
			used = 0;
			while (used < vec[i].iov_len) {
				const char *d = (const char *)vec[i].iov_base +
				    used;
				size_t left = vec[i].iov_len - used;

				switch (c->cs_state) {
				case CS_IDLE:
					conn_enter(c, CS_HEAD);
					/* FALLTHROUGH */
				case CS_HEAD:
					k = conn_head_bytes(c, d, left);
					break;
				case CS_BODY:
					k = c->cs_left < left ?
					    (size_t)c->cs_left : left;
					c->cs_left -= k;
					if (c->cs_left == 0)
						conn_enter(c, CS_IDLE);
					break;
				default:
					k = left;
					break;
				}
				used += k;
			}
			n += vec[i].iov_len;
		}
		if (nvec <= 8 || evbuffer_ptr_set(buf, &pos, n,
		    EVBUFFER_PTR_ADD) == -1)
			break;
	}
}

static struct conn *
conn_slot(struct connlimit *cl, int fd)
{
	size_t n;

	if ((size_t)fd >= cl->cl_nconns) {
		n = (size_t)fd + 64;
		cl->cl_conns = xreallocarray(cl->cl_conns, n,
		    sizeof(*cl->cl_conns));
		memset(cl->cl_conns + cl->cl_nconns, 0,
		    (n - cl->cl_nconns) * sizeof(*cl->cl_conns));
		cl->cl_nconns = n;
	}
	if (cl->cl_conns[fd] == NULL) {
		cl->cl_conns[fd] = xcalloc(1, sizeof(struct conn));
		cl->cl_conns[fd]->cs_cl = cl;
		cl->cl_conns[fd]->cs_fd = fd;
	}
	return cl->cl_conns[fd];
}

/* Connections evhttp has closed since we last looked. */
static void
sweep(struct connlimit *cl)
{
	size_t i;

	for (i = 0; i < cl->cl_nconns; i++)
		if (cl->cl_conns[i] != NULL && cl->cl_conns[i]->cs_live &&
		    !conn_same(cl->cl_conns[i]))
			conn_forget(cl->cl_conns[i]);
}

/* The connection to close at the cap: the slowest header first. */
static struct conn *
victim(struct connlimit *cl)
{
	static const int rank[] = {
		[CS_HEAD] = 0, [CS_IDLE] = 1, [CS_OPAQUE] = 2, [CS_BODY] = 3,
	};
	struct conn *c, *best = NULL;
	size_t i;

	for (i = 0; i < cl->cl_nconns; i++) {
		if ((c = cl->cl_conns[i]) == NULL || !c->cs_live)
			continue;
		if (best == NULL || rank[c->cs_state] < rank[best->cs_state] ||
		    (rank[c->cs_state] == rank[best->cs_state] &&
		    c->cs_since < best->cs_since))
			best = c;
	}
	return best;
}

static void
settle(evutil_socket_t fd_unused, short what, void *arg)
{
	struct connlimit *cl = arg;
	struct bufferevent *bev;
	bufferevent_data_cb readcb;
	struct stat sb;
	struct conn *c;
	size_t i;
	int fd;

	for (i = 0; i < cl->cl_npending; i++) {
		bev = cl->cl_pending[i];
		fd = bufferevent_getfd(bev);
		readcb = NULL;
		bufferevent_getcb(bev, &readcb, NULL, NULL, NULL);
		/* No read callback: evhttp has already let it go. */
		if (fd >= 0 && readcb != NULL && fstat(fd, &sb) == 0 &&
		    S_ISSOCK(sb.st_mode)) {
			c = conn_slot(cl, fd);
			if (c->cs_live)		/* a stale entry */
				conn_forget(c);
			c->cs_live = 1;
			c->cs_bev = bev;
			c->cs_dev = sb.st_dev;
			c->cs_ino = sb.st_ino;
			c->cs_headcut = 0;
			conn_enter(c, CS_HEAD);
			cl->cl_open++;
			evbuffer_add_cb(bufferevent_get_input(bev), conn_input,
			    c);
		}
		/* evhttp holds its own reference while it uses it. */
		bufferevent_decref(bev);
	}
	cl->cl_npending = 0;
}

static void
tick(evutil_socket_t fd_unused, short what, void *arg)
{
	struct connlimit *cl = arg;
	int64_t now = now_ms();
	struct conn *c;
	size_t i;

	sweep(cl);
	for (i = 0; i < cl->cl_nconns; i++) {
		if ((c = cl->cl_conns[i]) == NULL || !c->cs_live ||
		    c->cs_state != CS_HEAD ||
		    now - c->cs_since < CONNLIMIT_HEADER_DEADLINE * 1000)
			continue;
		log_debug("%s: no request header on descriptor %d in %d s; "
		    "closed", __func__, c->cs_fd, CONNLIMIT_HEADER_DEADLINE);
		cl->cl_expired++;
		conn_close(c);
	}
}

/*
 * At the cap, accepting stops (new connections wait in the kernel's
 * queue) until this has run: after the connections just accepted have
 * been read, so that a client that sent its request at once is being
 * answered and is not the one to go.  The slowest are closed to leave
 * room for a batch, and accepting resumes.
 */
static void
evict(evutil_socket_t fd_unused, short what, void *arg)
{
	struct connlimit *cl = arg;
	size_t cap = conn_cap(cl), room = cap / 8 ? cap / 8 : 1, closed = 0;
	struct conn *c;
	int64_t now;

	sweep(cl);
	while (cl->cl_open + room > cap && (c = victim(cl)) != NULL) {
		conn_close(c);
		closed++;
	}
	cl->cl_evicted += closed;
	if (cl->cl_listener != NULL)
		evconnlistener_enable(cl->cl_listener);
	now = now_ms();
	if (closed > 0 && (cl->cl_warned == 0 || now - cl->cl_warned >=
	    CONN_WARN_EVERY)) {
		cl->cl_warned = now;
		log_warnx("%s: max_connections %zu reached: the slowest "
		    "connections are being closed (%zu so far)", __func__,
		    cap, cl->cl_evicted);
	}
}

/* evhttp_set_bevcb: one per accepted connection, before its socket. */
static struct bufferevent *
new_bev(struct event_base *base, void *arg)
{
	struct connlimit *cl = arg;
	struct bufferevent *bev;
	struct timeval zero = { 0, 0 };

	if (cl->cl_open + cl->cl_npending + 1 >= conn_cap(cl)) {
		/* This one is taken; the listener's loop stops after it. */
		if (cl->cl_listener != NULL)
			evconnlistener_disable(cl->cl_listener);
		evtimer_add(cl->cl_evict, &zero);
	}
	if ((bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE)) ==
	    NULL)
		return NULL;	/* evhttp makes its own */
	if (cl->cl_npending == cl->cl_pendcap) {
		cl->cl_pendcap = cl->cl_pendcap ? 2 * cl->cl_pendcap : 16;
		cl->cl_pending = xreallocarray(cl->cl_pending, cl->cl_pendcap,
		    sizeof(*cl->cl_pending));
	}
	bufferevent_incref(bev);
	cl->cl_pending[cl->cl_npending++] = bev;
	event_active(cl->cl_settle, EV_TIMEOUT, 0);
	return bev;
}

struct connlimit *
connlimit_new(struct evhttp *http, struct evhttp_bound_socket *sock,
    struct daemon *d)
{
	struct connlimit *cl = xcalloc(1, sizeof(*cl));
	struct timeval second = { 1, 0 };

	cl->cl_daemon = d;
	cl->cl_http = http;
	cl->cl_listener = sock ? evhttp_bound_socket_get_listener(sock) : NULL;
	if ((cl->cl_settle = event_new(d->d_base, -1, 0, settle, cl)) ==
	    NULL || (cl->cl_tick = event_new(d->d_base, -1, EV_PERSIST, tick,
	    cl)) == NULL || (cl->cl_evict = evtimer_new(d->d_base, evict,
	    cl)) == NULL || event_add(cl->cl_tick, &second) == -1) {
		log_warnx("%s: cannot set up its events", __func__);
		connlimit_free(cl);
		return NULL;
	}
	conn_cap(cl);
	evhttp_set_bevcb(http, new_bev, cl);
	return cl;
}

void
connlimit_free(struct connlimit *cl)
{
	size_t i;

	if (cl == NULL)
		return;
	if (cl->cl_http != NULL)
		evhttp_set_bevcb(cl->cl_http, NULL, NULL);
	if (cl->cl_settle != NULL)
		settle(-1, 0, cl);	/* drops the references it holds */
	for (i = 0; i < cl->cl_nconns; i++) {
		if (cl->cl_conns[i] == NULL)
			continue;
		/* evhttp_free() follows, and may drain what it frees. */
		if (cl->cl_conns[i]->cs_live && cl->cl_conns[i]->cs_bev !=
		    NULL && conn_same(cl->cl_conns[i])) {
			evbuffer_remove_cb(bufferevent_get_input(
			    cl->cl_conns[i]->cs_bev), conn_input,
			    cl->cl_conns[i]);
			feed_fast_release(cl->cl_conns[i]->cs_bev,
			    &cl->cl_conns[i]->cs_fast);
		}
		free(cl->cl_conns[i]->cs_head);
		free(cl->cl_conns[i]);
	}
	free(cl->cl_conns);
	free(cl->cl_pending);
	if (cl->cl_settle != NULL)
		event_free(cl->cl_settle);
	if (cl->cl_tick != NULL)
		event_free(cl->cl_tick);
	if (cl->cl_evict != NULL)
		event_free(cl->cl_evict);
	free(cl);
}

size_t
connlimit_open(struct connlimit *cl)
{
	sweep(cl);
	return cl->cl_open;
}

size_t
connlimit_evicted(const struct connlimit *cl)
{
	return cl->cl_evicted;
}

size_t
connlimit_expired(const struct connlimit *cl)
{
	return cl->cl_expired;
}
