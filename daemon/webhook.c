/*
 * webhook.c — sending due deliveries: per-endpoint caps and buckets,
 * signing, recording every attempt, retries, throttling, disabling.
 *
 * A scan reads what is due for every endpoint in one query and starts
 * what the caps and buckets allow; an endpoint that had more than it
 * could start is filled again as its requests end.  Outcomes are written
 * in one transaction (the flush), then the endpoints' health is updated;
 * a request whose outcome is not written yet stays in its endpoint's
 * list, so no scan sends it twice.  While a burst is still running, the
 * flush waits (FLUSH_DEFER_MS at most, FLUSH_MAX outcomes at most) so
 * that the loop sends and reads first: an endpoint that has more to send
 * and the last request of a burst flush on the same turn.  A crash in
 * between only sends those deliveries again, with their webhook-id.  A
 * fan-out to a thousand endpoints takes tens of ms: FLUSH_DEFER_MS is
 * longer than that, so its outcomes are written once, after its last
 * answer, instead of in the middle, where the writes would hold back the
 * requests still to go.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/rand.h>

#include "../feeds/date.h"
#include "../feeds/xmalloc.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "fetch.h"
#include "log.h"
#include "sign.h"
#include "store.h"
#include "webhook.h"
#include "webhook_policy.h"

#define ENDPOINT_BUCKETS	1024
/* Due deliveries read per endpoint and in all by one scan. */
#define SCAN_PER_ENDPOINT	64
#define SCAN_MAX		8192
/* Outcomes wait this long at most, and this many, while a burst runs. */
#define FLUSH_DEFER_MS		100
#define FLUSH_MAX		1024

struct send;

struct endpoint {
	char			*ep_name;
	int			 ep_in_flight;	/* requests running */
	int			 ep_more;	/* had more due than it took */
	struct token_bucket	 ep_bucket;
	/* Its limits, as the configuration in ep_conf says. */
	const struct config	*ep_conf;
	int			 ep_concurrency;
	double			 ep_rate;
	double			 ep_burst;
	int64_t			 ep_paused_until;	/* ms, throttled */
	int64_t			 ep_failing_since;	/* ms, as stored */
	int			 ep_known;	/* failing_since was read */
	TAILQ_HEAD(, send)	 ep_sends;	/* running or not written */
	struct endpoint		*ep_hnext;
};

/* One request: running, then done until its outcome is written. */
struct send {
	struct webhook		*sd_webhook;
	struct endpoint		*sd_endpoint;
	int64_t			 sd_id;
	int			 sd_tries;	/* before this one */
	int			 sd_attempts;	/* before this one, in all */
	int			 sd_generation;	/* the delivery's, when sent */
	int64_t			 sd_started;
	int			 sd_done;
	enum webhook_outcome	 sd_outcome;
	struct delivery_result	 sd_result;
	char			 sd_error[512];
	TAILQ_ENTRY(send)	 sd_entry;	/* the endpoint's */
	TAILQ_ENTRY(send)	 sd_done_entry;	/* the flush's */
};

struct webhook {
	struct daemon		*wb_daemon;
	struct fetcher		*wb_fetcher;
	struct timer		*wb_timer;	/* the next thing due */
	struct event		*wb_kick;
	int			 wb_kicked;
	struct event		*wb_flush;
	int			 wb_flushing;	/* wb_flush is pending */
	int			 wb_flush_now;	/* ... on this turn */
	size_t			 wb_ndone;	/* outcomes not written */
	int64_t			 wb_wake;	/* ms, 0: nothing wanted */
	uint64_t		 wb_rng;
	int			 wb_in_flight;
	struct webhook_stats	 wb_stats;
	struct sign_mac		*wb_mac;	/* NULL: sign at once */
	struct endpoint		*wb_endpoints[ENDPOINT_BUCKETS];
	TAILQ_HEAD(, send)	 wb_done;
};

static void	fill(struct webhook *, struct endpoint *, int64_t now);

/* --- endpoints ---------------------------------------------------------- */

static uint32_t
hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The limits of the configuration file, looked up once per config. */
static void
limits(struct webhook *wb, struct endpoint *ep)
{
	const struct config *cf = wb->wb_daemon->d_conf;
	const struct subscriber_conf *sc;

	if (ep->ep_conf == cf)
		return;
	ep->ep_conf = cf;
	ep->ep_concurrency = (int)cf->cf_webhook_concurrency;
	ep->ep_rate = (double)cf->cf_webhook_rate;
	ep->ep_burst = (double)cf->cf_webhook_burst;
	TAILQ_FOREACH(sc, &cf->cf_subscribers, sub_entry) {
		if (strcmp(sc->sub_name, ep->ep_name) != 0)
			continue;
		if (sc->sub_concurrency > 0)
			ep->ep_concurrency = (int)sc->sub_concurrency;
		if (sc->sub_rate > 0)
			ep->ep_rate = (double)sc->sub_rate;
		if (sc->sub_burst > 0)
			ep->ep_burst = (double)sc->sub_burst;
		break;
	}
}

/* Endpoints live as long as the deliverer: one per subscriber sent to. */
static struct endpoint *
endpoint_get(struct webhook *wb, const char *name, int64_t now)
{
	struct endpoint **bucket, *ep;

	bucket = &wb->wb_endpoints[hash(name) % ENDPOINT_BUCKETS];
	for (ep = *bucket; ep != NULL; ep = ep->ep_hnext)
		if (strcmp(ep->ep_name, name) == 0)
			break;
	if (ep == NULL) {
		ep = xcalloc(1, sizeof(*ep));
		ep->ep_name = xstrdup(name);
		TAILQ_INIT(&ep->ep_sends);
		ep->ep_hnext = *bucket;
		*bucket = ep;
		limits(wb, ep);
		token_bucket_init(&ep->ep_bucket, ep->ep_rate, ep->ep_burst,
		    now);
	}
	limits(wb, ep);
	token_bucket_set(&ep->ep_bucket, ep->ep_rate, ep->ep_burst, now);
	return ep;
}

static int
in_flight(const struct endpoint *ep, int64_t id)
{
	const struct send *sd;

	TAILQ_FOREACH(sd, &ep->ep_sends, sd_entry)
		if (sd->sd_id == id)
			return 1;
	return 0;
}

/* --- waking up ---------------------------------------------------------- */

static void
want(struct webhook *wb, int64_t when)
{
	if (wb->wb_wake != 0 && wb->wb_wake <= when)
		return;
	wb->wb_wake = when;
	timer_at(wb->wb_timer, when);
}

static void
wake_cb(void *arg)
{
	struct webhook *wb = arg;

	wb->wb_wake = 0;
	if (webhook_scan(wb) == -1)
		want(wb, clock_now_ms(wb->wb_daemon->d_clock) + 5000);
}

static void
kick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct webhook *wb = arg;

	(void)fd;
	(void)what;
	wb->wb_kicked = 0;
	if (webhook_scan(wb) == -1)
		want(wb, clock_now_ms(wb->wb_daemon->d_clock) + 5000);
}

void
webhook_kick(struct webhook *wb)
{
	if (wb == NULL || wb->wb_kicked)
		return;
	wb->wb_kicked = 1;
	event_active(wb->wb_kick, EV_TIMEOUT, 0);
}

/* --- one request's outcome ------------------------------------------------ */

/* Printable, one line, at most 120 bytes of what the endpoint said. */
static void
snippet(const struct buf *body, char *out, size_t outlen)
{
	size_t i, j = 0;
	unsigned char c;

	out[0] = '\0';
	if (body == NULL || body->len == 0)
		return;
	for (i = 0; i < body->len && j + 1 < outlen && j < 120; i++) {
		c = (unsigned char)body->data[i];
		out[j++] = c >= 0x20 && c != 0x7f ? (char)c : ' ';
	}
	out[j] = '\0';
}

static void
describe(const struct fetch_result *fr, enum webhook_outcome o, char *err,
    size_t errlen)
{
	char said[128];

	if (fr->fr_error != FETCH_OK) {
		snprintf(err, errlen, "%s: %s", fetch_error_code(fr->fr_error),
		    fr->fr_errmsg);
		return;
	}
	snippet(&fr->fr_body, said, sizeof(said));
	if (fr->fr_status >= 300 && fr->fr_status <= 399)
		snprintf(err, errlen, "HTTP %ld: redirects are not followed",
		    fr->fr_status);
	else
		snprintf(err, errlen, "HTTP %ld%s%s%s", fr->fr_status,
		    o == WEBHOOK_THROTTLED ? " (throttled)" : "",
		    said[0] ? ": " : "", said);
}

static void
disable(struct webhook *wb, struct endpoint *ep, const char *reason,
    int64_t now)
{
	int64_t failed = 0;

	if (store_webhook_disable(wb->wb_daemon->d_store, ep->ep_name, reason,
	    now, &failed) != 0)
		return;
	wb->wb_stats.ws_disabled++;
	ep->ep_failing_since = 0;
	log_warnx("subscriber %s: webhook disabled: %s; %lld pending "
	    "deliveries failed (enable it, then recover them)", ep->ep_name,
	    reason, (long long)failed);
}

/* The endpoint's health after an attempt: success clears, failure may
 * disable. */
static void
health(struct webhook *wb, struct endpoint *ep, enum webhook_outcome o,
    int64_t now)
{
	struct daemon *d = wb->wb_daemon;
	char reason[160], since[32];
	int64_t limit = d->d_conf->cf_webhook_disable_after * 1000;

	if (o == WEBHOOK_DELIVERED) {
		if (ep->ep_failing_since != 0 &&
		    store_webhook_failing(d->d_store, ep->ep_name, 0) == 0)
			ep->ep_failing_since = 0;
		return;
	}
	if (o == WEBHOOK_GONE) {
		disable(wb, ep, "the endpoint answered 410 Gone", now);
		return;
	}
	if (ep->ep_failing_since == 0) {
		if (store_webhook_failing(d->d_store, ep->ep_name, now) == 0)
			ep->ep_failing_since = now;
		return;
	}
	if (now - ep->ep_failing_since >= limit) {
		date_format_rfc3339(ep->ep_failing_since / 1000,
		    DATE_JST_OFFSET, since);
		snprintf(reason, sizeof(reason), "failing since %s without a "
		    "success for %lld days", since,
		    (long long)(limit / 86400000));
		disable(wb, ep, reason, now);
	}
}

/* --- outcomes ------------------------------------------------------------- */

/* What a finished request means for its delivery (not written yet). */
static void
outcome(struct webhook *wb, struct send *sd, const struct fetch_result *fr,
    int64_t now)
{
	struct delivery_result *dr = &sd->sd_result;
	struct endpoint *ep = sd->sd_endpoint;
	enum webhook_outcome o;
	int64_t delay, pause;

	o = webhook_classify(fr->fr_error == FETCH_OK, fr->fr_status);
	sd->sd_outcome = o;
	dr->dr_id = sd->sd_id;
	dr->dr_started = sd->sd_started;
	dr->dr_latency_ms = now - sd->sd_started;
	dr->dr_http_status = fr->fr_error == FETCH_OK ? fr->fr_status : 0;
	dr->dr_tries = sd->sd_tries + 1;
	dr->dr_attempt = sd->sd_attempts + 1;
	dr->dr_generation = sd->sd_generation;
	dr->dr_next_attempt = now;
	if (o == WEBHOOK_DELIVERED) {
		dr->dr_status = DELIVERY_DELIVERED;
		wb->wb_stats.ws_delivered++;
		return;
	}
	describe(fr, o, sd->sd_error, sizeof(sd->sd_error));
	dr->dr_error = sd->sd_error;
	wb->wb_stats.ws_failed++;
	delay = o == WEBHOOK_GONE ? -1 :
	    webhook_retry_delay_ms(dr->dr_tries, &wb->wb_rng);
	if (delay < 0) {
		dr->dr_status = DELIVERY_FAILED;
		if (o != WEBHOOK_GONE) {
			wb->wb_stats.ws_gave_up++;
			log_warnx("subscriber %s: delivery d%lld failed %d times, "
			    "given up: %s", ep->ep_name, (long long)sd->sd_id,
			    dr->dr_tries, sd->sd_error);
		}
	} else {
		dr->dr_status = DELIVERY_PENDING;
		if (fr->fr_retry_after * 1000 > delay)
			delay = fr->fr_retry_after * 1000;
		dr->dr_next_attempt = now + delay;
		log_info("subscriber %s: delivery d%lld attempt %d: %s; next in "
		    "%llds", ep->ep_name, (long long)sd->sd_id, dr->dr_tries,
		    sd->sd_error, (long long)(delay / 1000));
	}
	if (o == WEBHOOK_THROTTLED) {
		wb->wb_stats.ws_throttled++;
		pause = fr->fr_retry_after > 0 ? fr->fr_retry_after * 1000 :
		    WEBHOOK_PAUSE_MS;
		if (pause > WEBHOOK_PAUSE_MAX_MS)
			pause = WEBHOOK_PAUSE_MAX_MS;
		if (now + pause > ep->ep_paused_until)
			ep->ep_paused_until = now + pause;
	}
}

/* The flush: on this turn of the loop (now), or FLUSH_DEFER_MS later. */
static void
flush_soon(struct webhook *wb, int now)
{
	struct timeval tv = { 0, FLUSH_DEFER_MS * 1000 };

	if (now && !wb->wb_flush_now) {
		/* A pending timer is replaced: event_active() runs it now,
		 * and a non-persistent event is deleted before it runs. */
		wb->wb_flush_now = 1;
		wb->wb_flushing = 1;
		event_active(wb->wb_flush, EV_TIMEOUT, 0);
	} else if (!wb->wb_flushing) {
		wb->wb_flushing = 1;
		event_add(wb->wb_flush, &tv);
	}
}

static void
send_done(const struct fetch_result *fr, void *arg)
{
	struct send *sd = arg;
	struct webhook *wb = sd->sd_webhook;
	struct endpoint *ep = sd->sd_endpoint;

	ep->ep_in_flight--;
	wb->wb_in_flight--;
	if (fr->fr_error == FETCH_ERR_ABORTED) {
		/* Shutting down: the delivery stays pending in the store. */
		TAILQ_REMOVE(&ep->ep_sends, sd, sd_entry);
		free(sd);
		return;
	}
	outcome(wb, sd, fr, clock_now_ms(wb->wb_daemon->d_clock));
	sd->sd_done = 1;
	TAILQ_INSERT_TAIL(&wb->wb_done, sd, sd_done_entry);
	wb->wb_ndone++;
	/* Requests still running (this one is not counted): they go first,
	 * unless this endpoint waits for its outcomes to send more. */
	flush_soon(wb, ep->ep_more || wb->wb_ndone >= FLUSH_MAX ||
	    fetcher_in_flight(wb->wb_fetcher) == 0);
}

/* Writes every outcome of the turn in one transaction, then the health
 * of their endpoints, then fills the endpoints that have more to send
 * (or a delivery queued again while its request ran: superseded). */
static void
flush(struct webhook *wb)
{
	struct daemon *d = wb->wb_daemon;
	struct delivery_result *dr;
	struct send *sd;
	struct endpoint *ep;
	int64_t now = clock_now_ms(d->d_clock);
	size_t n = 0, i;

	wb->wb_flushing = wb->wb_flush_now = 0;
	wb->wb_ndone = 0;
	TAILQ_FOREACH(sd, &wb->wb_done, sd_done_entry)
		n++;
	if (n == 0)
		return;
	dr = xcalloc(n, sizeof(*dr));
	i = 0;
	TAILQ_FOREACH(sd, &wb->wb_done, sd_done_entry)
		dr[i++] = sd->sd_result;
	if (store_deliveries_record(d->d_store, dr, n) == -1)
		log_warnx("webhooks: %zu attempts could not be recorded; their "
		    "deliveries will be sent again", n);
	i = 0;
	while ((sd = TAILQ_FIRST(&wb->wb_done)) != NULL) {
		TAILQ_REMOVE(&wb->wb_done, sd, sd_done_entry);
		ep = sd->sd_endpoint;
		TAILQ_REMOVE(&ep->ep_sends, sd, sd_entry);
		health(wb, ep, sd->sd_outcome, now);
		/* A retry: the timer must know. */
		if (strcmp(sd->sd_result.dr_status, DELIVERY_PENDING) == 0)
			want(wb, sd->sd_result.dr_next_attempt);
		if (dr[i++].dr_superseded)
			ep->ep_more = 1;	/* due now, not sent yet */
		free(sd);
		if (ep->ep_more || ep->ep_paused_until > now)
			fill(wb, ep, now);
	}
	free(dr);
}

void
webhook_flush(struct webhook *wb)
{
	if (wb == NULL || TAILQ_EMPTY(&wb->wb_done))
		return;
	if (wb->wb_flushing)
		event_del(wb->wb_flush);
	flush(wb);
}

static void
flush_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	flush(arg);
}

/* --- starting requests ------------------------------------------------------ */

/* The previous secret while the rotation's overlap lasts, else NULL. */
static const char *
previous_secret(struct webhook *wb, const struct webhook_target *wt)
{
	int64_t now = clock_now(wb->wb_daemon->d_clock);

	if (wt->wt_previous_secret == NULL ||
	    now >= wt->wt_secret_rotated +
	    wb->wb_daemon->d_conf->cf_secret_overlap)
		return NULL;
	return wt->wt_previous_secret;
}

static int
start(struct webhook *wb, struct endpoint *ep, const struct webhook_target *wt,
    const struct delivery *dl, const char *body, int64_t now)
{
	struct daemon *d = wb->wb_daemon;
	const struct config *cf = d->d_conf;
	struct fetch_request fq = { 0 };
	struct send *sd;
	char sig[2 * SIGN_WEBHOOK_SIZE + 2], h_id[64 + WEBHOOK_ID_SIZE];
	char h_ts[64], h_sig[sizeof(sig) + 32];
	const char *headers[5];
	int64_t ts = clock_now(d->d_clock);

	if (sign_webhook_header_mac(wb->wb_mac, wt->wt_secret,
	    previous_secret(wb, wt),
	    dl->dl_webhook_id, ts, body, strlen(body), sig,
	    sizeof(sig)) == -1) {
		log_warnx("subscriber %s: delivery d%lld cannot be signed",
		    ep->ep_name, (long long)dl->dl_id);
		return -1;
	}
	snprintf(h_id, sizeof(h_id), "webhook-id: %s", dl->dl_webhook_id);
	snprintf(h_ts, sizeof(h_ts), "webhook-timestamp: %lld", (long long)ts);
	snprintf(h_sig, sizeof(h_sig), "webhook-signature: %s", sig);
	headers[0] = "Content-Type: application/json";
	headers[1] = h_id;
	headers[2] = h_ts;
	headers[3] = h_sig;
	headers[4] = NULL;
	sd = xcalloc(1, sizeof(*sd));
	sd->sd_webhook = wb;
	sd->sd_endpoint = ep;
	sd->sd_id = dl->dl_id;
	sd->sd_tries = dl->dl_tries;
	sd->sd_attempts = dl->dl_attempts;
	sd->sd_generation = dl->dl_generation;
	sd->sd_started = now;
	fq.fq_url = wt->wt_webhook;
	fq.fq_user_agent = cf->cf_user_agent;
	fq.fq_max_body = WEBHOOK_MAX_RESPONSE;
	fq.fq_connect_timeout_ms = cf->cf_connect_timeout * 1000;
	fq.fq_timeout_ms = cf->cf_webhook_timeout * 1000;
	fq.fq_max_redirects = 0;
	fq.fq_guard = d->d_guard;
	fq.fq_method = "POST";
	fq.fq_body = body;	/* copied by the fetcher */
	fq.fq_body_len = strlen(body);
	fq.fq_headers = headers;
	TAILQ_INSERT_TAIL(&ep->ep_sends, sd, sd_entry);
	ep->ep_in_flight++;
	wb->wb_in_flight++;
	if (fetch_start(wb->wb_fetcher, &fq, send_done, sd) == -1) {
		TAILQ_REMOVE(&ep->ep_sends, sd, sd_entry);
		ep->ep_in_flight--;
		wb->wb_in_flight--;
		free(sd);
		return -1;
	}
	return 0;
}

/* Deliveries that cannot be sent at all fail at once, with the reason. */
static void
fail_now(struct webhook *wb, const struct delivery *dl, const char *why,
    int64_t now)
{
	struct delivery_result dr = {
		.dr_id = dl->dl_id,
		.dr_started = now,
		.dr_error = why,
		.dr_status = DELIVERY_FAILED,
		.dr_tries = dl->dl_tries + 1,
		.dr_attempt = dl->dl_attempts + 1,
		.dr_next_attempt = now,
		.dr_generation = dl->dl_generation,
	};

	wb->wb_stats.ws_failed++;
	store_deliveries_record(wb->wb_daemon->d_store, &dr, 1);
}

/* The bodies of one scan, by event: each is read once. */
struct bodies {
	int64_t	 *bd_seq;
	char	**bd_body;
	size_t	  bd_n;
};

static const char *
body_of(struct webhook *wb, struct bodies *bd, int64_t seq)
{
	char *body;
	size_t i;

	for (i = 0; i < bd->bd_n; i++)
		if (bd->bd_seq[i] == seq)
			return bd->bd_body[i];
	if (store_outbox_payload(wb->wb_daemon->d_store, seq, &body) != 0)
		return NULL;
	bd->bd_seq = xreallocarray(bd->bd_seq, bd->bd_n + 1,
	    sizeof(*bd->bd_seq));
	bd->bd_body = xreallocarray(bd->bd_body, bd->bd_n + 1,
	    sizeof(*bd->bd_body));
	bd->bd_seq[bd->bd_n] = seq;
	bd->bd_body[bd->bd_n++] = body;
	return body;
}

static void
bodies_free(struct bodies *bd)
{
	size_t i;

	for (i = 0; i < bd->bd_n; i++)
		free(bd->bd_body[i]);
	free(bd->bd_seq);
	free(bd->bd_body);
}

/*
 * Starts what the endpoint may start of its due deliveries dl[0..n):
 * its concurrency, its bucket, its pause.  Sets ep_more when some were
 * left for later; asks to be woken when the bucket or the pause ends.
 */
static void
take(struct webhook *wb, struct endpoint *ep, const struct webhook_target *wt,
    struct delivery *dl, size_t n, struct bodies *bd, int64_t now)
{
	const char *body;
	size_t i;

	ep->ep_more = 0;
	if (!ep->ep_known) {
		ep->ep_failing_since = wt->wt_failing_since;
		ep->ep_known = 1;
	}
	if (ep->ep_paused_until > now) {
		ep->ep_more = n > 0;
		want(wb, ep->ep_paused_until);
		return;
	}
	for (i = 0; i < n; i++) {
		if (in_flight(ep, dl[i].dl_id))
			continue;
		if (wt->wt_webhook == NULL) {
			fail_now(wb, &dl[i], "the subscriber has no webhook",
			    now);
			continue;
		}
		if (ep->ep_in_flight >= ep->ep_concurrency) {
			ep->ep_more = 1;	/* an ending request fills */
			break;
		}
		if (!token_bucket_take(&ep->ep_bucket, now)) {
			ep->ep_more = 1;
			want(wb, now + token_bucket_wait(&ep->ep_bucket, now));
			break;
		}
		if ((body = body_of(wb, bd, dl[i].dl_event_seq)) == NULL ||
		    start(wb, ep, wt, &dl[i], body, now) == -1)
			fail_now(wb, &dl[i], "the request could not be made",
			    now);
	}
}

/* One endpoint, after its requests ended: what it may take now. */
static void
fill(struct webhook *wb, struct endpoint *ep, int64_t now)
{
	struct daemon *d = wb->wb_daemon;
	struct webhook_target wt;
	struct bodies bd = { 0 };
	struct delivery *due;
	size_t n;

	if (store_webhook_target(d->d_store, ep->ep_name, &wt) != 0)
		return;
	if (!wt.wt_disabled && store_deliveries_due(d->d_store, ep->ep_name,
	    now, SCAN_PER_ENDPOINT, &due, &n) == 0) {
		take(wb, ep, &wt, due, n, &bd, now);
		if (n == SCAN_PER_ENDPOINT)
			ep->ep_more = 1;
		store_deliveries_free(due, n);
	}
	bodies_free(&bd);
	webhook_target_free(&wt);
}

static int
target_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct webhook_target *)elem)->wt_name);
}

size_t
webhook_offer(struct webhook *wb, const struct webhook_target *wt, size_t nt,
    const struct outbox_fanout *fo, size_t n)
{
	struct daemon *d = wb->wb_daemon;
	struct bodies bd = { 0 };
	struct delivery dl;
	struct endpoint *ep;
	const struct webhook_target *t;
	int64_t now = clock_now_ms(d->d_clock);
	size_t i, j, taken = 0, left = 0;

	for (i = 0; i < n; i++) {
		if (fo[i].of_ids == NULL || fo[i].of_webhook_ids == NULL ||
		    fo[i].of_payload == NULL) {
			left += fo[i].of_nsubscribers;
			continue;
		}
		/* The body as dispatched: no read back. */
		bd.bd_seq = xreallocarray(bd.bd_seq, bd.bd_n + 1,
		    sizeof(*bd.bd_seq));
		bd.bd_body = xreallocarray(bd.bd_body, bd.bd_n + 1,
		    sizeof(*bd.bd_body));
		bd.bd_seq[bd.bd_n] = fo[i].of_seq;
		bd.bd_body[bd.bd_n++] = xstrdup(fo[i].of_payload);
		for (j = 0; j < fo[i].of_nsubscribers; j++) {
			if (fo[i].of_ids[j] == 0)
				continue;	/* made before: a scan's */
			if (taken == SCAN_MAX || (t = bsearch(
			    fo[i].of_subscribers[j], wt, nt, sizeof(*wt),
			    target_cmp)) == NULL) {
				left++;
				continue;
			}
			memset(&dl, 0, sizeof(dl));
			dl.dl_id = fo[i].of_ids[j];
			dl.dl_webhook_id = fo[i].of_webhook_ids +
			    j * WEBHOOK_ID_SIZE;
			dl.dl_event_seq = fo[i].of_seq;
			dl.dl_subscriber = (char *)t->wt_name;
			dl.dl_next_attempt = now;
			ep = endpoint_get(wb, t->wt_name, now);
			take(wb, ep, t, &dl, 1, &bd, now);
			taken++;
		}
	}
	bodies_free(&bd);
	return left;
}

int
webhook_scan(struct webhook *wb)
{
	struct daemon *d = wb->wb_daemon;
	struct webhook_target *wt, *t;
	struct bodies bd = { 0 };
	struct delivery *due;
	struct endpoint *ep;
	int64_t now = clock_now_ms(d->d_clock), next;
	size_t nt, n, i, j;

	if (store_webhook_targets(d->d_store, &wt, &nt) == -1)
		return -1;
	if (store_deliveries_due_all(d->d_store, now, SCAN_PER_ENDPOINT,
	    SCAN_MAX, &due, &n) == -1) {
		store_webhook_targets_free(wt, nt);
		return -1;
	}
	/* Rows come by subscriber: one run per endpoint. */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(due[j].dl_subscriber,
		    due[i].dl_subscriber) == 0; j++)
			;
		if ((t = bsearch(due[i].dl_subscriber, wt, nt, sizeof(*wt),
		    target_cmp)) == NULL)
			continue;
		ep = endpoint_get(wb, t->wt_name, now);
		take(wb, ep, t, due + i, j - i, &bd, now);
		if (j - i == SCAN_PER_ENDPOINT)
			ep->ep_more = 1;
	}
	if (n == SCAN_MAX)
		want(wb, now);		/* more than one scan takes */
	if (store_deliveries_next_all(d->d_store, now, &next) == 0)
		want(wb, next);
	bodies_free(&bd);
	store_deliveries_free(due, n);
	store_webhook_targets_free(wt, nt);
	return 0;
}

/* --- the deliverer ----------------------------------------------------------- */

struct webhook *
webhook_new(struct daemon *d)
{
	struct webhook *wb = xcalloc(1, sizeof(*wb));
	int max = (int)d->d_conf->cf_webhook_max_in_flight;

	wb->wb_daemon = d;
	TAILQ_INIT(&wb->wb_done);
	if ((wb->wb_fetcher = fetcher_new(d->d_base, max)) == NULL ||
	    (wb->wb_kick = event_new(d->d_base, -1, 0, kick_cb, wb)) == NULL ||
	    (wb->wb_flush = event_new(d->d_base, -1, 0, flush_cb,
	    wb)) == NULL) {
		log_warnx("%s: cannot set up webhook delivery", __func__);
		fetcher_free(wb->wb_fetcher);
		if (wb->wb_kick != NULL)
			event_free(wb->wb_kick);
		free(wb);
		return NULL;
	}
	wb->wb_mac = sign_mac_new();
	/* Keep-alive: connections outlive the requests that opened them. */
	fetcher_set_max_connections(wb->wb_fetcher, 2L * max);
	wb->wb_timer = timer_new(d->d_clock, wake_cb, wb);
	if (RAND_bytes((unsigned char *)&wb->wb_rng, sizeof(wb->wb_rng)) != 1)
		wb->wb_rng = (uint64_t)clock_now_ms(d->d_clock) ^
		    (uint64_t)getpid();
	webhook_kick(wb);
	return wb;
}

void
webhook_free(struct webhook *wb)
{
	struct endpoint *ep;
	size_t i;

	if (wb == NULL)
		return;
	/* Aborted requests come back through send_done, synchronously;
	 * what had ended is written first. */
	flush(wb);
	fetcher_free(wb->wb_fetcher);
	for (i = 0; i < ENDPOINT_BUCKETS; i++)
		while ((ep = wb->wb_endpoints[i]) != NULL) {
			wb->wb_endpoints[i] = ep->ep_hnext;
			free(ep->ep_name);
			free(ep);
		}
	timer_free(wb->wb_timer);
	event_free(wb->wb_kick);
	event_free(wb->wb_flush);
	sign_mac_free(wb->wb_mac);
	free(wb);
}

void
webhook_seed(struct webhook *wb, uint64_t seed)
{
	wb->wb_rng = seed;
}

int
webhook_in_flight(const struct webhook *wb)
{
	return wb->wb_in_flight;
}

const struct webhook_stats *
webhook_stats(const struct webhook *wb)
{
	return &wb->wb_stats;
}
