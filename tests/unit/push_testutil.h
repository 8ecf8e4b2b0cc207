/*
 * push_testutil.h — a daemon in-process for the webhook, outbox and hub
 * tests: a manual clock (schedules run without sleeping), a real SQLite
 * file, a real event loop, and a scripted receiver (evhttp on 127.0.0.1
 * port 0) that records every request and answers from a script.
 *
 * Every function is static: each test program gets its own copy.
 */
#ifndef TSUNAGU_TEST_PUSH_TESTUTIL_H
#define TSUNAGU_TEST_PUSH_TESTUTIL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "auth.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "feed_cache.h"
#include "fetch.h"
#include "hub.h"
#include "netguard.h"
#include "outbox.h"
#include "store.h"
#include "webhook.h"

#define T0		1800000000000LL		/* ms: 2027-01-15 */
#define MAX_REQS	256
#define MAX_SCRIPT	64
#define MAX_HELD	32
#define KAT_SECRET	"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

/* One answer of the receiver's script. */
struct answer {
	int		 status;
	int		 retry_after;	/* seconds, 0: none */
	const char	*location;
	int		 hold;		/* do not answer until released */
};

/* One request the receiver got. */
struct req {
	char	 method[8];
	char	 path[512];
	char	 link[512];
	char	 xsig[160];
	char	 id[64];
	char	 ts[32];
	char	 sig[160];
	char	 ctype[64];
	char	*body;
	int64_t	 at;			/* the manual clock, ms */
	int	 status;		/* what it answered, 0: held */
};

struct receiver {
	struct clock		*rv_clock;
	struct answer		 rv_script[MAX_SCRIPT];
	int			 rv_nscript;
	int			 rv_next;	/* script position */
	int			 rv_default;	/* after the script */
	struct req		 rv_reqs[MAX_REQS];
	int			 rv_nreqs;
	struct evhttp_request	*rv_held[MAX_HELD];
	struct evhttp_connection *rv_held_conn[MAX_HELD];
	int			 rv_nheld;
	int			 rv_max_held;
	/* A GET with hub.challenge (WebSub verification): answered with
	 * rv_verify (200 default) and the challenge, or "wrong" when
	 * rv_verify_wrong. */
	int			 rv_verify;
	int			 rv_verify_wrong;
};

struct fixture {
	struct event_base	*base;
	struct evhttp		*http;
	int			 port;
	struct receiver		 rv;
	struct daemon		 d;
	char			 dir[64];
	int			 entries;	/* postings made so far */
};

static __attribute__((unused)) const char *
hdr(struct evhttp_request *req, const char *name)
{
	const char *v = evhttp_find_header(
	    evhttp_request_get_input_headers(req), name);

	return v ? v : "";
}

/* WebSub intent verification: echo hub.challenge (or not). */
static __attribute__((unused)) int
receiver_verify(struct receiver *rv, struct evhttp_request *req,
    struct req *r)
{
	struct evkeyvalq q;
	struct evbuffer *out;
	const char *challenge, *query;

	query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	TAILQ_INIT(&q);
	if (query == NULL || evhttp_parse_query_str(query, &q) == -1 ||
	    (challenge = evhttp_find_header(&q, "hub.challenge")) == NULL) {
		evhttp_clear_headers(&q);
		return 0;
	}
	r->status = rv->rv_verify ? rv->rv_verify : 200;
	r->body = strdup("");
	out = evbuffer_new();
	evbuffer_add_printf(out, "%s", rv->rv_verify_wrong ? "wrong" :
	    challenge);
	evhttp_send_reply(req, r->status, "Verify", out);
	evbuffer_free(out);
	evhttp_clear_headers(&q);
	return 1;
}

/* A held request whose client went away is freed by evhttp: forget it. */
static __attribute__((unused)) void
held_closed(struct evhttp_connection *evcon, void *arg)
{
	struct receiver *rv = arg;
	int i, j;

	for (i = j = 0; i < rv->rv_nheld; i++) {
		if (rv->rv_held_conn[i] == evcon)
			continue;
		rv->rv_held[j] = rv->rv_held[i];
		rv->rv_held_conn[j++] = rv->rv_held_conn[i];
	}
	rv->rv_nheld = j;
}

static __attribute__((unused)) void
receiver_cb(struct evhttp_request *req, void *arg)
{
	struct receiver *rv = arg;
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	struct answer a = { .status = rv->rv_default };
	struct req *r;
	size_t len;
	char n[16];

	assert_true(rv->rv_nreqs < MAX_REQS);
	r = &rv->rv_reqs[rv->rv_nreqs++];
	snprintf(r->method, sizeof(r->method), "%s",
	    evhttp_request_get_command(req) == EVHTTP_REQ_GET ? "GET" : "POST");
	snprintf(r->path, sizeof(r->path), "%s", evhttp_request_get_uri(req));
	snprintf(r->link, sizeof(r->link), "%s", hdr(req, "Link"));
	snprintf(r->xsig, sizeof(r->xsig), "%s", hdr(req, "X-Hub-Signature"));
	r->at = clock_now_ms(rv->rv_clock);
	if (evhttp_request_get_command(req) == EVHTTP_REQ_GET &&
	    receiver_verify(rv, req, r))
		return;
	if (rv->rv_next < rv->rv_nscript)
		a = rv->rv_script[rv->rv_next++];
	snprintf(r->id, sizeof(r->id), "%s", hdr(req, "webhook-id"));
	snprintf(r->ts, sizeof(r->ts), "%s", hdr(req, "webhook-timestamp"));
	snprintf(r->sig, sizeof(r->sig), "%s", hdr(req, "webhook-signature"));
	snprintf(r->ctype, sizeof(r->ctype), "%s", hdr(req, "Content-Type"));
	len = evbuffer_get_length(in);
	r->body = calloc(1, len + 1);
	evbuffer_remove(in, r->body, len);
	if (a.hold) {
		assert_true(rv->rv_nheld < MAX_HELD);
		rv->rv_held_conn[rv->rv_nheld] =
		    evhttp_request_get_connection(req);
		evhttp_connection_set_closecb(rv->rv_held_conn[rv->rv_nheld],
		    held_closed, rv);
		rv->rv_held[rv->rv_nheld++] = req;
		if (rv->rv_nheld > rv->rv_max_held)
			rv->rv_max_held = rv->rv_nheld;
		return;
	}
	r->status = a.status;
	if (a.retry_after > 0) {
		snprintf(n, sizeof(n), "%d", a.retry_after);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", n);
	}
	if (a.location != NULL)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Location", a.location);
	evhttp_send_reply(req, a.status, "Scripted", NULL);
}

/* Answers every held request with status. */
static __attribute__((unused)) void
receiver_release(struct receiver *rv, int status)
{
	struct evhttp_request *held[MAX_HELD];
	int i, n = rv->rv_nheld;

	memcpy(held, rv->rv_held, sizeof(held));
	for (i = 0; i < n; i++)
		evhttp_connection_set_closecb(rv->rv_held_conn[i], NULL, NULL);
	rv->rv_nheld = 0;
	for (i = 0; i < n; i++)
		evhttp_send_reply(held[i], status, "Released", NULL);
}

static __attribute__((unused)) void
script(struct fixture *fx, int n, ...)
{
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		assert_true(fx->rv.rv_nscript < MAX_SCRIPT);
		fx->rv.rv_script[fx->rv.rv_nscript++] =
		    va_arg(ap, struct answer);
	}
	va_end(ap);
}

static __attribute__((unused)) int
in_flight(struct fixture *fx)
{
	return (fx->d.d_webhook ? webhook_in_flight(fx->d.d_webhook) : 0) +
	    (fx->d.d_hub ? hub_in_flight(fx->d.d_hub) : 0);
}

/* Runs the loop until nothing is in flight and nothing is ready now
 * (bounded: a stuck request fails the test, never hangs it). */
static __attribute__((unused)) void
pump(struct fixture *fx)
{
	int i;

	for (i = 0; i < 20000; i++) {
		event_base_loop(fx->base, EVLOOP_NONBLOCK);
		if (in_flight(fx) == 0)
			break;
		if (fx->rv.rv_nheld > 0 && fx->rv.rv_nheld >= in_flight(fx))
			break;	/* what is in flight is held */
		event_base_loop(fx->base, EVLOOP_ONCE);
	}
	/* Whatever the last answers made ready (fills, kicks). */
	for (i = 0; i < 4; i++)
		event_base_loop(fx->base, EVLOOP_NONBLOCK);
	if (in_flight(fx) > 0 && fx->rv.rv_nheld < in_flight(fx))
		pump(fx);
}

static __attribute__((unused)) void
advance(struct fixture *fx, int64_t ms)
{
	clock_manual_advance(fx->d.d_clock, ms);
	pump(fx);
}

/* [daemon] and [subscriber acme] with extra lines; more sections after. */
static __attribute__((unused)) void
fixture_setup(struct fixture *fx, const char *daemon_extra,
    const char *sub_extra, const char *more)
{
	struct evhttp_bound_socket *sock;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char path[128], *text;
	struct config *cf;
	FILE *f;

	fx->base = event_base_new();
	fx->http = evhttp_new(fx->base);
	fx->rv.rv_default = 204;
	evhttp_set_gencb(fx->http, receiver_cb, &fx->rv);
	sock = evhttp_bind_socket_with_handle(fx->http, "127.0.0.1", 0);
	assert_non_null(sock);
	getsockname(evhttp_bound_socket_get_fd(sock), (struct sockaddr *)&sin,
	    &len);
	fx->port = ntohs(sin.sin_port);

	strcpy(fx->dir, "/tmp/tsunagu-push-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(path, sizeof(path), "%s/t.conf", fx->dir);
	assert_true(asprintf(&text,
	    "[daemon]\ninstance = test\nallow_networks = 127.0.0.0/8\n"
	    "connect_timeout = 5\nwebhook_timeout = 5\n%s\n"
	    "[source city]\nurl = http://127.0.0.1:%d/rss.xml\nkind = city\n"
	    "interval = 86400\n"
	    "[subscriber acme]\nwebhook = http://127.0.0.1:%d/hook/acme\n"
	    "secret = " KAT_SECRET "\n%s\n%s", daemon_extra ? daemon_extra : "",
	    fx->port, fx->port, sub_extra ? sub_extra : "",
	    more ? more : "") > 0);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	free(text);
	cf = config_load(path);
	assert_non_null(cf);

	fx->rv.rv_clock = fx->d.d_clock = clock_manual_new(T0);
	fx->d.d_base = fx->base;
	assert_int_equal(store_open(cf->cf_database, &fx->d.d_store), 0);
	fx->d.d_guard = netguard_new();
	assert_int_equal(daemon_apply_config(&fx->d, cf), 0);
	fx->d.d_base_url = strdup("http://127.0.0.1:8080");
	fx->d.d_webhook = webhook_new(&fx->d);
	assert_non_null(fx->d.d_webhook);
	webhook_seed(fx->d.d_webhook, 42);
	fx->d.d_outbox = outbox_new(&fx->d);
	assert_non_null(fx->d.d_outbox);
	pump(fx);
}

static __attribute__((unused)) void
fixture_teardown(struct fixture *fx)
{
	char cmd[128];
	int i;

	hub_free(fx->d.d_hub);
	outbox_free(fx->d.d_outbox);
	webhook_free(fx->d.d_webhook);
	feed_cache_free(fx->d.d_feed_cache);
	receiver_release(&fx->rv, 204);
	store_close(fx->d.d_store);
	netguard_free(fx->d.d_guard);
	auth_free(fx->d.d_auth);
	config_free(fx->d.d_conf);
	free(fx->d.d_base_url);
	clock_free(fx->d.d_clock);
	evhttp_free(fx->http);
	event_base_free(fx->base);
	for (i = 0; i < fx->rv.rv_nreqs; i++)
		free(fx->rv.rv_reqs[i].body);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
}

static __attribute__((unused)) struct posting *
make_entry(const char *guid, const char *title, const char *area)
{
	struct posting *p = posting_new();
	char link[128];

	snprintf(link, sizeof(link), "https://example.org/ev/%s", guid);
	posting_set(&p->pst_guid, guid);
	posting_set(&p->pst_link, link);
	posting_set(&p->pst_title, title);
	posting_set(&p->pst_area, area);
	posting_set(&p->pst_start, "2027-02-01T10:00:00+09:00");
	p->pst_published = T0 / 1000;
	return p;
}

/* The source "city" now carries these entries (one fetch). */
static __attribute__((unused)) void
fetch_entries(struct fixture *fx, struct posting **ps, size_t n)
{
	struct posting_list pl;
	int64_t now = clock_now(fx->d.d_clock);
	struct fetch_outcome fo = {
		.fo_source = "city",
		.fo_attempt = now,
		.fo_http_status = 200,
		.fo_next_poll = now + 86400,
	};
	size_t i;

	posting_list_init(&pl);
	for (i = 0; i < n; i++)
		posting_list_push(&pl, ps[i]);
	fo.fo_entries = &pl;
	assert_int_equal(store_record_fetch(fx->d.d_store, &fo, NULL), 0);
	posting_list_clear(&pl);
}

/* One new posting on the source, which already carries earlier ones. */
static __attribute__((unused)) void
new_posting(struct fixture *fx, const char *area)
{
	struct posting *ps[64];
	char guid[32], title[64];
	int i;

	assert_true(fx->entries < 64);
	fx->entries++;
	for (i = 0; i < fx->entries; i++) {
		snprintf(guid, sizeof(guid), "e%d", i + 1);
		snprintf(title, sizeof(title), "募集 %d", i + 1);
		ps[i] = make_entry(guid, title, area);
	}
	fetch_entries(fx, ps, (size_t)fx->entries);
}

/* The delivery with this index (1-based, in creation order). */
static __attribute__((unused)) void
delivery_n(struct fixture *fx, int64_t id, struct delivery *dl)
{
	assert_int_equal(store_delivery_get(fx->d.d_store, id, dl), 0);
}

#endif
