/*
 * websub.c — subscribing to the hubs of sources, answering their
 * verifications, taking their pushes in, renewing leases, and handing a
 * source back to polling when pushes cannot be trusted.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/http.h>
#include <openssl/rand.h>

#include "../feeds/feed.h"
#include "../feeds/link_header.h"
#include "../feeds/xmalloc.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "fetch.h"
#include "log.h"
#include "poller.h"
#include "sign.h"
#include "store.h"
#include "websub.h"

#define WEBSUB_MAX_RESPONSE	(16 * 1024)
/* Unsubscriptions remembered for the hub's verification, at most. */
#define WEBSUB_MAX_LEAVING	256

/*
 * An unsubscription asked for a source that may be gone from the store
 * by the time the hub verifies it (a deleted source): the intent is
 * kept here for WEBSUB_VERIFY_WAIT.
 */
struct leaving {
	char			*lv_source;
	char			*lv_topic;
	int64_t			 lv_until;
	TAILQ_ENTRY(leaving)	 lv_entry;
};

struct websub {
	struct daemon		*ws_daemon;
	struct fetcher		*ws_fetcher;
	struct timer		*ws_timer;
	int			 ws_in_flight;
	struct websub_stats	 ws_stats;
	TAILQ_HEAD(, leaving)	 ws_leaving;	/* oldest first */
	int			 ws_nleaving;
};

/* A subscription request in flight. */
struct ask {
	struct websub	*ak_websub;
	char		*ak_source;
	int		 ak_subscribe;
};

static void	arm(struct websub *);

static int64_t
now_s(struct websub *ws)
{
	return clock_now(ws->ws_daemon->d_clock);
}

/* Why a source lets go of its hub while it stays (websub_sync()). */
static const char why_off[] = "websub = off for the source";
static const char why_paused[] = "the source is paused";

/*
 * NULL when the source takes part, else why not: [source] websub = off
 * in the file, or a paused source.  Sources of the API take part.
 */
static const char *
unwanted(struct websub *ws, const char *source)
{
	const struct source_conf *src;
	struct source_health sh;
	int paused;

	src = config_source(ws->ws_daemon->d_conf, source);
	if (src != NULL && !src->src_websub)
		return why_off;
	if (store_source_get(ws->ws_daemon->d_store, source, &sh) != 0)
		return "the source is gone";
	paused = sh.sh_paused;
	source_health_free(&sh);
	return paused ? why_paused : NULL;
}

static int
wanted(struct websub *ws, const char *source)
{
	return unwanted(ws, source) == NULL;
}

/* --- unsubscriptions in flight ------------------------------------------ */

static void
leaving_free(struct websub *ws, struct leaving *lv)
{
	TAILQ_REMOVE(&ws->ws_leaving, lv, lv_entry);
	ws->ws_nleaving--;
	free(lv->lv_source);
	free(lv->lv_topic);
	free(lv);
}

static void
leaving_add(struct websub *ws, const char *source, const char *topic)
{
	struct leaving *lv, *next;
	int64_t now = now_s(ws);

	for (lv = TAILQ_FIRST(&ws->ws_leaving); lv != NULL; lv = next) {
		next = TAILQ_NEXT(lv, lv_entry);
		if (lv->lv_until <= now || (strcmp(lv->lv_source, source) == 0 &&
		    strcmp(lv->lv_topic, topic) == 0))
			leaving_free(ws, lv);
	}
	if (ws->ws_nleaving >= WEBSUB_MAX_LEAVING)
		leaving_free(ws, TAILQ_FIRST(&ws->ws_leaving));
	lv = xcalloc(1, sizeof(*lv));
	lv->lv_source = xstrdup(source);
	lv->lv_topic = xstrdup(topic);
	lv->lv_until = now + WEBSUB_VERIFY_WAIT;
	TAILQ_INSERT_TAIL(&ws->ws_leaving, lv, lv_entry);
	ws->ws_nleaving++;
}

/* Subscribing again: an older unsubscription is not ours any more. */
static void
leaving_drop(struct websub *ws, const char *source)
{
	struct leaving *lv, *next;

	for (lv = TAILQ_FIRST(&ws->ws_leaving); lv != NULL; lv = next) {
		next = TAILQ_NEXT(lv, lv_entry);
		if (strcmp(lv->lv_source, source) == 0)
			leaving_free(ws, lv);
	}
}

static int
is_leaving(struct websub *ws, const char *source, const char *topic)
{
	struct leaving *lv;
	int64_t now = now_s(ws);

	TAILQ_FOREACH(lv, &ws->ws_leaving, lv_entry)
		if (lv->lv_until > now && strcmp(lv->lv_source, source) == 0 &&
		    strcmp(lv->lv_topic, topic) == 0)
			return 1;
	return 0;
}

static void
set_failed(struct websub *ws, struct websub_sub *row, const char *why)
{
	free(row->ws_state);
	row->ws_state = xstrdup(WEBSUB_FAILED);
	free(row->ws_error);
	row->ws_error = xstrdup(why);
	row->ws_requested = now_s(ws);
	store_websub_put(ws->ws_daemon->d_store, row);
	ws->ws_stats.wss_fallbacks++;
	log_warnx("source %s: WebSub: %s; polling takes over again",
	    row->ws_source, why);
	/* A poll now catches up on what pushes may have missed; the ones
	 * after it follow the source's own interval again. */
	if (ws->ws_daemon->d_poller != NULL)
		poller_fetch_now(ws->ws_daemon->d_poller, row->ws_source);
}

static void
ask_done(const struct fetch_result *fr, void *arg)
{
	struct ask *ak = arg;
	struct websub *ws = ak->ak_websub;
	struct websub_sub row;
	char why[300];

	ws->ws_in_flight--;
	if (fr->fr_error == FETCH_ERR_ABORTED)
		goto done;
	if (fr->fr_error == FETCH_OK && fr->fr_status >= 200 &&
	    fr->fr_status <= 299) {
		log_info("source %s: WebSub: the hub took the %s request (%ld)",
		    ak->ak_source, ak->ak_subscribe ? "subscription" :
		    "unsubscription", fr->fr_status);
		goto done;
	}
	if (!ak->ak_subscribe)
		goto done;
	if (fr->fr_error != FETCH_OK)
		snprintf(why, sizeof(why), "the hub could not be asked: %s",
		    fr->fr_errmsg);
	else
		snprintf(why, sizeof(why), "the hub refused the subscription "
		    "(HTTP %ld)", fr->fr_status);
	if (store_websub_get(ws->ws_daemon->d_store, ak->ak_source,
	    &row) == 0) {
		if (strcmp(row.ws_state, WEBSUB_SUBSCRIBING) == 0)
			set_failed(ws, &row, why);
		websub_sub_free(&row);
	}
 done:
	free(ak->ak_source);
	free(ak);
}

/* POSTs hub.mode for row to its hub (row as stored already). */
static int
ask(struct websub *ws, const struct websub_sub *row, int subscribe)
{
	struct daemon *d = ws->ws_daemon;
	const struct config *cf = d->d_conf;
	struct fetch_request fq = { 0 };
	const char *headers[] = {
		"Content-Type: application/x-www-form-urlencoded", NULL };
	char *topic, *callback, *cb, *secret, *body, *name;
	struct ask *ak;
	int rc;

	name = evhttp_encode_uri(row->ws_source);
	xasprintf(&callback, "%s/websub/%s", d->d_base_url, name);
	free(name);
	topic = evhttp_encode_uri(row->ws_topic);
	cb = evhttp_encode_uri(callback);
	secret = evhttp_encode_uri(row->ws_secret);
	if (subscribe)
		xasprintf(&body, "hub.mode=subscribe&hub.topic=%s&"
		    "hub.callback=%s&hub.secret=%s&hub.lease_seconds=%d",
		    topic, cb, secret, WEBSUB_LEASE_ASKED);
	else
		xasprintf(&body, "hub.mode=unsubscribe&hub.topic=%s&"
		    "hub.callback=%s", topic, cb);
	ak = xcalloc(1, sizeof(*ak));
	ak->ak_websub = ws;
	ak->ak_source = xstrdup(row->ws_source);
	ak->ak_subscribe = subscribe;
	fq.fq_url = row->ws_hub;
	fq.fq_user_agent = cf->cf_user_agent;
	fq.fq_max_body = WEBSUB_MAX_RESPONSE;
	fq.fq_connect_timeout_ms = cf->cf_connect_timeout * 1000;
	fq.fq_timeout_ms = cf->cf_fetch_timeout * 1000;
	fq.fq_max_redirects = 0;
	fq.fq_guard = d->d_guard;
	fq.fq_method = "POST";
	fq.fq_body = body;
	fq.fq_body_len = strlen(body);
	fq.fq_headers = headers;
	if ((rc = fetch_start(ws->ws_fetcher, &fq, ask_done, ak)) == 0)
		ws->ws_in_flight++;
	else {
		free(ak->ak_source);
		free(ak);
	}
	memset(secret, 0, strlen(secret));
	memset(body, 0, strlen(body));
	free(topic);
	free(cb);
	free(secret);
	free(body);
	free(callback);
	return rc;
}

static void
subscribe(struct websub *ws, struct websub_sub *row, const char *source,
    const char *hub, const char *topic)
{
	unsigned char raw[24];
	char secret[2 * sizeof(raw) + 1], *hub_copy, *topic_copy;
	size_t i;

	/* The same hub and topic keep their secret: a push on its way is
	 * not refused because a renewal crossed it. */
	if (row->ws_secret == NULL || row->ws_hub == NULL ||
	    strcmp(row->ws_hub, hub) != 0 || strcmp(row->ws_topic, topic) != 0) {
		if (RAND_bytes(raw, sizeof(raw)) != 1)
			return;
		for (i = 0; i < sizeof(raw); i++)
			snprintf(secret + 2 * i, 3, "%02x", raw[i]);
		free(row->ws_secret);
		row->ws_secret = xstrdup(secret);
	}
	/* hub and topic may be the row's own (a renewal): copy first. */
	hub_copy = xstrdup(hub);
	topic_copy = xstrdup(topic);
	if (row->ws_source == NULL)
		row->ws_source = xstrdup(source);
	free(row->ws_hub);
	row->ws_hub = hub_copy;
	free(row->ws_topic);
	row->ws_topic = topic_copy;
	/* An active subscription renewing stays active meanwhile. */
	if (row->ws_state == NULL || strcmp(row->ws_state, WEBSUB_ACTIVE)) {
		free(row->ws_state);
		row->ws_state = xstrdup(WEBSUB_SUBSCRIBING);
	}
	free(row->ws_error);
	row->ws_error = NULL;
	row->ws_requested = now_s(ws);
	if (store_websub_put(ws->ws_daemon->d_store, row) != 0)
		return;
	leaving_drop(ws, row->ws_source);
	log_info("source %s: WebSub: subscribing at %s", row->ws_source,
	    row->ws_hub);
	ask(ws, row, 1);
	arm(ws);
}

/*
 * Lets go of row's subscription when it has one (active, or asked for):
 * hub.mode=unsubscribe, and the intent kept for the verification even if
 * the row goes (a deleted source).  0, or 1 when there was none.
 */
static int
unsubscribe(struct websub *ws, struct websub_sub *row, const char *why)
{
	if (strcmp(row->ws_state, WEBSUB_ACTIVE) != 0 &&
	    strcmp(row->ws_state, WEBSUB_SUBSCRIBING) != 0)
		return 1;
	free(row->ws_state);
	row->ws_state = xstrdup(WEBSUB_UNSUBSCRIBED);
	row->ws_requested = now_s(ws);
	/* Kept: websub_sync() subscribes again when the reason ends. */
	free(row->ws_error);
	row->ws_error = xstrdup(why);
	/* Gone from the store already or not, the hub is asked. */
	store_websub_put(ws->ws_daemon->d_store, row);
	log_info("source %s: WebSub: unsubscribing at %s: %s",
	    row->ws_source, row->ws_hub, why);
	leaving_add(ws, row->ws_source, row->ws_topic);
	ask(ws, row, 0);
	arm(ws);
	return 0;
}

void
websub_forget(struct websub *ws, const char *source, const char *why)
{
	struct websub_sub row;

	if (ws == NULL ||
	    store_websub_get(ws->ws_daemon->d_store, source, &row) != 0)
		return;
	unsubscribe(ws, &row, why);
	websub_sub_free(&row);
}

void
websub_sync(struct websub *ws)
{
	struct websub_sub *rows, *r;
	const char *why;
	size_t n, i;

	if (ws == NULL ||
	    store_websub_list(ws->ws_daemon->d_store, &rows, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		r = &rows[i];
		if ((why = unwanted(ws, r->ws_source)) != NULL)
			unsubscribe(ws, r, why);
		/* Let go of for a reason that has ended (resumed, websub
		 * on again): the hub and topic the last poll found.  A
		 * 304 poll would not say them again. */
		else if (strcmp(r->ws_state, WEBSUB_UNSUBSCRIBED) == 0 &&
		    r->ws_error != NULL && (strcmp(r->ws_error, why_off) == 0 ||
		    strcmp(r->ws_error, why_paused) == 0))
			subscribe(ws, r, r->ws_source, r->ws_hub, r->ws_topic);
	}
	store_websub_list_free(rows, n);
}

void
websub_discover(const struct fetch_result *fr, const struct feed *feed,
    const char *url, char **hub, char **self)
{
	const char *base;

	/* WebSub 4: the Link header first, then the document's links. */
	base = fr->fr_effective_url ? fr->fr_effective_url : url;
	*hub = link_header_find(fr->fr_link, "hub", base);
	*self = link_header_find(fr->fr_link, "self", base);
	if (*hub == NULL && feed->fd_hub != NULL)
		*hub = xstrdup(feed->fd_hub);
	if (*self == NULL)
		*self = xstrdup(feed->fd_self ? feed->fd_self : url);
}

void
websub_seen(struct websub *ws, const char *source, const char *hub,
    const char *topic, int changes)
{
	struct websub_sub row;
	int64_t now;
	char why[160];
	int rc, same;

	if (ws == NULL)
		return;
	now = now_s(ws);
	if ((rc = store_websub_get(ws->ws_daemon->d_store, source, &row)) == -1)
		return;
	same = rc == 0 && hub != NULL && strcmp(row.ws_hub, hub) == 0 &&
	    strcmp(row.ws_topic, topic) == 0;
	if (hub == NULL || !wanted(ws, source)) {
		/* No hub any more, or not wanted: let go of it. */
		if (rc == 0)
			unsubscribe(ws, &row, hub == NULL ?
			    "the source names no hub any more" :
			    unwanted(ws, source));
		goto done;
	}
	if (same && strcmp(row.ws_state, WEBSUB_ACTIVE) == 0) {
		if (changes > 0) {
			snprintf(why, sizeof(why), "a poll found %d changes "
			    "the hub did not push", changes);
			set_failed(ws, &row, why);
		}
		goto done;
	}
	if (same && strcmp(row.ws_state, WEBSUB_SUBSCRIBING) == 0 &&
	    now - row.ws_requested < WEBSUB_VERIFY_WAIT)
		goto done;
	/* A failure waits a day; an unsubscription of ours does not. */
	if (same && strcmp(row.ws_state, WEBSUB_FAILED) == 0 &&
	    now - row.ws_requested < WEBSUB_RETRY)
		goto done;
	subscribe(ws, &row, source, hub, topic);
 done:
	websub_sub_free(&row);
}

int64_t
websub_poll_interval(struct websub *ws, const char *source, int64_t interval)
{
	struct websub_sub row;
	int64_t i = interval;

	if (ws == NULL ||
	    store_websub_get(ws->ws_daemon->d_store, source, &row) != 0)
		return interval;
	if (strcmp(row.ws_state, WEBSUB_ACTIVE) == 0 &&
	    i < WEBSUB_SAFETY_POLL)
		i = WEBSUB_SAFETY_POLL;
	websub_sub_free(&row);
	return i;
}

int
websub_verify(struct websub *ws, const char *source, const char *mode,
    const char *topic, const char *challenge, const char *lease,
    const char *reason, const char **echo)
{
	struct websub_sub row;
	char why[300], *end;
	long long secs;
	int status = 404;

	*echo = "";
	if (mode == NULL || topic == NULL)
		return 404;
	/* An unsubscription of ours, the row kept or not. */
	if (strcmp(mode, "unsubscribe") == 0 && challenge != NULL &&
	    *challenge != '\0' && is_leaving(ws, source, topic)) {
		log_info("source %s: WebSub: the hub confirms the "
		    "unsubscription", source);
		*echo = challenge;
		return 200;
	}
	if (store_websub_get(ws->ws_daemon->d_store, source, &row) != 0)
		return 404;
	if (strcmp(row.ws_topic, topic) != 0)
		goto done;
	if (strcmp(mode, "denied") == 0) {
		snprintf(why, sizeof(why), "the hub denied the subscription%s"
		    "%.200s", reason ? ": " : "", reason ? reason : "");
		set_failed(ws, &row, why);
		status = 200;
		goto done;
	}
	if (challenge == NULL || *challenge == '\0') {
		status = 400;
		goto done;
	}
	if (strcmp(mode, "subscribe") == 0 &&
	    (strcmp(row.ws_state, WEBSUB_SUBSCRIBING) == 0 ||
	    strcmp(row.ws_state, WEBSUB_ACTIVE) == 0)) {
		secs = lease ? strtoll(lease, &end, 10) : 0;
		if (lease == NULL || *end != '\0' || secs <= 0)
			secs = WEBSUB_LEASE_ASKED;
		free(row.ws_state);
		row.ws_state = xstrdup(WEBSUB_ACTIVE);
		row.ws_lease_expires = now_s(ws) + secs;
		if (store_websub_put(ws->ws_daemon->d_store, &row) != 0)
			goto done;
		ws->ws_stats.wss_subscribed++;
		log_info("source %s: WebSub: subscribed at %s for %lld s; "
		    "polled every %d s meanwhile", source, row.ws_hub, secs,
		    WEBSUB_SAFETY_POLL);
		*echo = challenge;
		status = 200;
		/* The poll already scheduled stays; the next one is relaxed
		 * (websub_poll_interval()). */
		arm(ws);
	} else if (strcmp(mode, "unsubscribe") == 0 &&
	    strcmp(row.ws_state, WEBSUB_UNSUBSCRIBED) == 0) {
		*echo = challenge;
		status = 200;
	}
 done:
	websub_sub_free(&row);
	return status;
}

int
websub_push(struct websub *ws, const char *source, const char *signature,
    const char *content_type, const char *body, size_t len)
{
	struct daemon *d = ws->ws_daemon;
	struct websub_sub row;
	char err[300];
	int status = 410;

	if (store_websub_get(d->d_store, source, &row) != 0)
		return 410;
	if (strcmp(row.ws_state, WEBSUB_ACTIVE) != 0)
		goto done;
	status = 202;
	if (sign_websub_verify(row.ws_secret, body, len, signature) != 0) {
		/* Acknowledged, so as not to help a guesser, but dropped. */
		ws->ws_stats.wss_bad_signatures++;
		log_warnx("source %s: WebSub: a push %s; ignored", source,
		    signature ? "with a wrong signature" :
		    "without a signature");
		goto done;
	}
	status = 200;
	if (poller_ingest(d->d_poller, source, body, len, content_type, err,
	    sizeof(err)) != 0) {
		log_warnx("source %s: WebSub: the pushed content was not "
		    "taken in: %s", source, err);
		goto done;
	}
	ws->ws_stats.wss_pushes++;
	store_websub_pushed(d->d_store, source, now_s(ws));
 done:
	websub_sub_free(&row);
	return status;
}

/* --- renewals and deadlines ---------------------------------------------------- */

/* When the row needs looking at: a renewal, a verification overdue. */
static int64_t
due_at(const struct websub_sub *row)
{
	int64_t lease;

	if (strcmp(row->ws_state, WEBSUB_SUBSCRIBING) == 0)
		return row->ws_requested + WEBSUB_VERIFY_WAIT;
	if (strcmp(row->ws_state, WEBSUB_ACTIVE) != 0)
		return 0;
	/* Renewed at 90 % of the lease (counted from the request). */
	lease = row->ws_lease_expires - row->ws_requested;
	return row->ws_lease_expires - (lease > 0 ? lease / 10 : 0);
}

static void
renew(void *arg)
{
	struct websub *ws = arg;
	struct websub_sub *rows;
	int64_t now = now_s(ws), at;
	size_t n, i;

	if (store_websub_list(ws->ws_daemon->d_store, &rows, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		if ((at = due_at(&rows[i])) == 0 || at > now)
			continue;
		if (strcmp(rows[i].ws_state, WEBSUB_SUBSCRIBING) == 0)
			set_failed(ws, &rows[i], "the hub never verified the "
			    "subscription");
		else if (rows[i].ws_lease_expires <= now)
			set_failed(ws, &rows[i], "the lease ended unrenewed");
		else if (!wanted(ws, rows[i].ws_source))
			unsubscribe(ws, &rows[i], unwanted(ws,
			    rows[i].ws_source));
		else
			subscribe(ws, &rows[i], rows[i].ws_source,
			    rows[i].ws_hub, rows[i].ws_topic);
	}
	store_websub_list_free(rows, n);
	arm(ws);
}

static void
arm(struct websub *ws)
{
	struct websub_sub *rows;
	int64_t when = 0, at, now = now_s(ws);
	size_t n, i;

	if (store_websub_list(ws->ws_daemon->d_store, &rows, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		at = due_at(&rows[i]);
		/* A renewal under way: look again once it had its time. */
		if (at > 0 && at <= now)
			at = now + WEBSUB_VERIFY_WAIT;
		if (at > 0 && (when == 0 || at < when))
			when = at;
	}
	store_websub_list_free(rows, n);
	if (when > 0)
		timer_at(ws->ws_timer, when * 1000);
	else
		timer_cancel(ws->ws_timer);
}

/* --- the subscriber ---------------------------------------------------------- */

struct websub *
websub_new(struct daemon *d)
{
	struct websub *ws = xcalloc(1, sizeof(*ws));

	ws->ws_daemon = d;
	TAILQ_INIT(&ws->ws_leaving);
	if ((ws->ws_fetcher = fetcher_new(d->d_base, 8)) == NULL) {
		free(ws);
		return NULL;
	}
	ws->ws_timer = timer_new(d->d_clock, renew, ws);
	arm(ws);
	return ws;
}

void
websub_free(struct websub *ws)
{
	if (ws == NULL)
		return;
	fetcher_free(ws->ws_fetcher);
	timer_free(ws->ws_timer);
	while (!TAILQ_EMPTY(&ws->ws_leaving))
		leaving_free(ws, TAILQ_FIRST(&ws->ws_leaving));
	free(ws);
}

int
websub_in_flight(const struct websub *ws)
{
	return ws->ws_in_flight;
}

const struct websub_stats *
websub_stats(const struct websub *ws)
{
	return &ws->ws_stats;
}
