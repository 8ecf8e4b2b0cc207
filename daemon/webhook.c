/*
 * webhook.c — sending due deliveries: per-endpoint caps and buckets,
 * signing, recording every attempt, retries, throttling, disabling.
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

struct send;

struct endpoint {
	char			*ep_name;
	int			 ep_in_flight;
	struct token_bucket	 ep_bucket;
	int64_t			 ep_paused_until;	/* ms, throttled */
	int64_t			 ep_tokens_at;	/* ms, waiting for its bucket */
	int64_t			 ep_failing_since;	/* ms, as stored */
	int			 ep_known;	/* failing_since was read */
	TAILQ_HEAD(, send)	 ep_sends;
	TAILQ_ENTRY(endpoint)	 ep_entry;
};

/* One request in flight. */
struct send {
	struct webhook		*sd_webhook;
	struct endpoint		*sd_endpoint;
	int64_t			 sd_id;
	int			 sd_tries;	/* before this one */
	int64_t			 sd_started;
	char			*sd_body;
	TAILQ_ENTRY(send)	 sd_entry;
};

struct webhook {
	struct daemon		*wb_daemon;
	struct fetcher		*wb_fetcher;
	struct timer		*wb_timer;	/* the next thing due */
	struct event		*wb_kick;
	int			 wb_kicked;
	int64_t			 wb_wake;	/* ms, 0: nothing wanted */
	uint64_t		 wb_rng;
	int			 wb_in_flight;
	struct webhook_stats	 wb_stats;
	TAILQ_HEAD(, endpoint)	 wb_endpoints;
};

static void	fill(struct webhook *, struct endpoint *, int64_t now);

/* --- endpoints ---------------------------------------------------------- */

static const struct subscriber_conf *
sub_conf(struct webhook *wb, const char *name)
{
	const struct subscriber_conf *sc;

	TAILQ_FOREACH(sc, &wb->wb_daemon->d_conf->cf_subscribers, sub_entry)
		if (strcmp(sc->sub_name, name) == 0)
			return sc;
	return NULL;
}

/* Limits of the configuration file, read again at every use (reload). */
static void
limits(struct webhook *wb, const char *name, int *concurrency, double *rate,
    double *burst)
{
	const struct config *cf = wb->wb_daemon->d_conf;
	const struct subscriber_conf *sc = sub_conf(wb, name);

	*concurrency = (int)cf->cf_webhook_concurrency;
	*rate = (double)cf->cf_webhook_rate;
	*burst = (double)cf->cf_webhook_burst;
	if (sc != NULL && sc->sub_concurrency > 0)
		*concurrency = (int)sc->sub_concurrency;
	if (sc != NULL && sc->sub_rate > 0)
		*rate = (double)sc->sub_rate;
	if (sc != NULL && sc->sub_burst > 0)
		*burst = (double)sc->sub_burst;
}

static struct endpoint *
endpoint_get(struct webhook *wb, const char *name, int64_t now)
{
	struct endpoint *ep;
	double rate, burst;
	int concurrency;

	TAILQ_FOREACH(ep, &wb->wb_endpoints, ep_entry)
		if (strcmp(ep->ep_name, name) == 0) {
			/* Most recently used first: fills find it sooner. */
			if (ep != TAILQ_FIRST(&wb->wb_endpoints)) {
				TAILQ_REMOVE(&wb->wb_endpoints, ep, ep_entry);
				TAILQ_INSERT_HEAD(&wb->wb_endpoints, ep,
				    ep_entry);
			}
			return ep;
		}
	ep = xcalloc(1, sizeof(*ep));
	ep->ep_name = xstrdup(name);
	TAILQ_INIT(&ep->ep_sends);
	limits(wb, name, &concurrency, &rate, &burst);
	token_bucket_init(&ep->ep_bucket, rate, burst, now);
	TAILQ_INSERT_HEAD(&wb->wb_endpoints, ep, ep_entry);
	return ep;
}

static void
endpoint_free(struct endpoint *ep)
{
	free(ep->ep_name);
	free(ep);
}

/* An idle endpoint with nothing to wait for is forgotten. */
static void
endpoint_release(struct webhook *wb, struct endpoint *ep, int64_t now)
{
	/* Its bucket must outlive a wait for tokens. */
	if (ep->ep_in_flight > 0 || ep->ep_paused_until > now ||
	    ep->ep_tokens_at > now)
		return;
	TAILQ_REMOVE(&wb->wb_endpoints, ep, ep_entry);
	endpoint_free(ep);
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

int
webhook_scan(struct webhook *wb)
{
	struct daemon *d = wb->wb_daemon;
	struct delivery_due *due;
	struct endpoint *ep;
	int64_t now = clock_now_ms(d->d_clock);
	size_t n, i;

	if (store_deliveries_schedule(d->d_store, &due, &n) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (due[i].dd_next > now) {
			want(wb, due[i].dd_next);
			continue;
		}
		ep = endpoint_get(wb, due[i].dd_subscriber, now);
		fill(wb, ep, now);
		endpoint_release(wb, ep, now);
	}
	store_deliveries_schedule_free(due, n);
	return 0;
}

/* --- one request ------------------------------------------------------------ */

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

static void
send_done(const struct fetch_result *fr, void *arg)
{
	struct send *sd = arg;
	struct webhook *wb = sd->sd_webhook;
	struct endpoint *ep = sd->sd_endpoint;
	struct daemon *d = wb->wb_daemon;
	struct delivery_result dr = { 0 };
	enum webhook_outcome o;
	int64_t now, delay, pause;
	char err[512];

	TAILQ_REMOVE(&ep->ep_sends, sd, sd_entry);
	ep->ep_in_flight--;
	wb->wb_in_flight--;
	if (fr->fr_error == FETCH_ERR_ABORTED) {
		/* Shutting down: the delivery stays pending in the store. */
		free(sd->sd_body);
		free(sd);
		return;
	}
	now = clock_now_ms(d->d_clock);
	o = webhook_classify(fr->fr_error == FETCH_OK, fr->fr_status);
	dr.dr_id = sd->sd_id;
	dr.dr_started = sd->sd_started;
	dr.dr_latency_ms = now - sd->sd_started;
	dr.dr_http_status = fr->fr_error == FETCH_OK ? fr->fr_status : 0;
	dr.dr_tries = sd->sd_tries + 1;
	dr.dr_next_attempt = now;
	if (o == WEBHOOK_DELIVERED) {
		dr.dr_status = DELIVERY_DELIVERED;
		wb->wb_stats.ws_delivered++;
	} else {
		describe(fr, o, err, sizeof(err));
		dr.dr_error = err;
		wb->wb_stats.ws_failed++;
		delay = o == WEBHOOK_GONE ? -1 :
		    webhook_retry_delay_ms(dr.dr_tries, &wb->wb_rng);
		if (delay < 0) {
			dr.dr_status = DELIVERY_FAILED;
			if (o != WEBHOOK_GONE) {
				wb->wb_stats.ws_gave_up++;
				log_warnx("subscriber %s: delivery d%lld failed "
				    "%d times, given up: %s", ep->ep_name,
				    (long long)sd->sd_id, dr.dr_tries, err);
			}
		} else {
			dr.dr_status = DELIVERY_PENDING;
			if (fr->fr_retry_after * 1000 > delay)
				delay = fr->fr_retry_after * 1000;
			dr.dr_next_attempt = now + delay;
			log_info("subscriber %s: delivery d%lld attempt %d: %s; "
			    "next in %llds", ep->ep_name, (long long)sd->sd_id,
			    dr.dr_tries, err, (long long)(delay / 1000));
		}
		if (o == WEBHOOK_THROTTLED) {
			wb->wb_stats.ws_throttled++;
			pause = fr->fr_retry_after > 0 ?
			    fr->fr_retry_after * 1000 : WEBHOOK_PAUSE_MS;
			if (pause > WEBHOOK_PAUSE_MAX_MS)
				pause = WEBHOOK_PAUSE_MAX_MS;
			if (now + pause > ep->ep_paused_until)
				ep->ep_paused_until = now + pause;
		}
	}
	if (store_deliveries_record(d->d_store, &dr, 1) == -1)
		log_warnx("subscriber %s: delivery d%lld: the attempt could "
		    "not be recorded; it will be sent again", ep->ep_name,
		    (long long)sd->sd_id);
	health(wb, ep, o, now);
	free(sd->sd_body);
	free(sd);
	fill(wb, ep, now);
	endpoint_release(wb, ep, now);
}

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
    const struct delivery *dl, int64_t now)
{
	struct daemon *d = wb->wb_daemon;
	const struct config *cf = d->d_conf;
	struct fetch_request fq = { 0 };
	struct send *sd;
	char sig[2 * SIGN_WEBHOOK_SIZE + 2], h_id[64 + WEBHOOK_ID_SIZE];
	char h_ts[64], h_sig[sizeof(sig) + 32], *body = NULL;
	const char *headers[5];
	int64_t ts = clock_now(d->d_clock);

	if (store_outbox_payload(d->d_store, dl->dl_event_seq, &body) != 0 ||
	    sign_webhook_header(wt->wt_secret, previous_secret(wb, wt),
	    dl->dl_webhook_id, ts, body, strlen(body), sig,
	    sizeof(sig)) == -1) {
		log_warnx("subscriber %s: delivery d%lld cannot be made (no "
		    "body or a bad secret)", ep->ep_name, (long long)dl->dl_id);
		free(body);
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
	sd->sd_started = now;
	sd->sd_body = body;
	fq.fq_url = wt->wt_webhook;
	fq.fq_user_agent = cf->cf_user_agent;
	fq.fq_max_body = WEBHOOK_MAX_RESPONSE;
	fq.fq_connect_timeout_ms = cf->cf_connect_timeout * 1000;
	fq.fq_timeout_ms = cf->cf_webhook_timeout * 1000;
	fq.fq_max_redirects = 0;
	fq.fq_guard = d->d_guard;
	fq.fq_method = "POST";
	fq.fq_body = body;
	fq.fq_body_len = strlen(body);
	fq.fq_headers = headers;
	TAILQ_INSERT_TAIL(&ep->ep_sends, sd, sd_entry);
	ep->ep_in_flight++;
	wb->wb_in_flight++;
	if (fetch_start(wb->wb_fetcher, &fq, send_done, sd) == -1) {
		TAILQ_REMOVE(&ep->ep_sends, sd, sd_entry);
		ep->ep_in_flight--;
		wb->wb_in_flight--;
		free(sd->sd_body);
		free(sd);
		return -1;
	}
	return 0;
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
		.dr_next_attempt = now,
	};

	wb->wb_stats.ws_failed++;
	store_deliveries_record(wb->wb_daemon->d_store, &dr, 1);
}

/* Starts what the endpoint may start now; asks to be woken for the rest. */
static void
fill(struct webhook *wb, struct endpoint *ep, int64_t now)
{
	struct daemon *d = wb->wb_daemon;
	struct webhook_target wt;
	struct delivery *due;
	double rate, burst;
	int64_t wait, next;
	size_t n, i, asked;
	int concurrency, room, started = 0;

	if (ep->ep_paused_until > now) {
		want(wb, ep->ep_paused_until);
		return;
	}
	limits(wb, ep->ep_name, &concurrency, &rate, &burst);
	token_bucket_set(&ep->ep_bucket, rate, burst, now);
	if ((room = concurrency - ep->ep_in_flight) <= 0)
		return;		/* a request that ends fills again */
	if ((wait = token_bucket_wait(&ep->ep_bucket, now)) > 0) {
		ep->ep_tokens_at = now + wait;
		want(wb, ep->ep_tokens_at);
		return;
	}
	if (store_webhook_target(d->d_store, ep->ep_name, &wt) != 0)
		return;
	if (!ep->ep_known) {
		ep->ep_failing_since = wt.wt_failing_since;
		ep->ep_known = 1;
	}
	if (wt.wt_disabled) {
		webhook_target_free(&wt);
		return;
	}
	asked = (size_t)(room + ep->ep_in_flight);
	if (store_deliveries_due(d->d_store, ep->ep_name, now, asked, &due,
	    &n) == -1) {
		webhook_target_free(&wt);
		return;
	}
	for (i = 0; i < n && started < room; i++) {
		if (in_flight(ep, due[i].dl_id))
			continue;
		if (wt.wt_webhook == NULL) {
			fail_now(wb, &due[i], "the subscriber has no webhook",
			    now);
			continue;
		}
		if (!token_bucket_take(&ep->ep_bucket, now)) {
			ep->ep_tokens_at = now +
			    token_bucket_wait(&ep->ep_bucket, now);
			want(wb, ep->ep_tokens_at);
			break;
		}
		if (start(wb, ep, &wt, &due[i], now) == -1) {
			fail_now(wb, &due[i], "the request could not be made",
			    now);
			continue;
		}
		started++;
	}
	/* Everything due was taken: is anything due later? */
	if (n < asked) {
		if (store_deliveries_next(d->d_store, ep->ep_name, now,
		    &next) == 0)
			want(wb, next);
	} else if (started == 0 && ep->ep_in_flight == 0)
		want(wb, now);	/* all failed at once: look again */
	store_deliveries_free(due, n);
	webhook_target_free(&wt);
}

/* --- the deliverer ----------------------------------------------------------- */

struct webhook *
webhook_new(struct daemon *d)
{
	struct webhook *wb = xcalloc(1, sizeof(*wb));
	int max = (int)d->d_conf->cf_webhook_max_in_flight;

	wb->wb_daemon = d;
	TAILQ_INIT(&wb->wb_endpoints);
	if ((wb->wb_fetcher = fetcher_new(d->d_base, max)) == NULL ||
	    (wb->wb_kick = event_new(d->d_base, -1, 0, kick_cb, wb)) == NULL) {
		log_warnx("%s: cannot set up webhook delivery", __func__);
		fetcher_free(wb->wb_fetcher);
		free(wb);
		return NULL;
	}
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

	if (wb == NULL)
		return;
	/* Aborted requests come back through send_done, synchronously. */
	fetcher_free(wb->wb_fetcher);
	while ((ep = TAILQ_FIRST(&wb->wb_endpoints)) != NULL) {
		TAILQ_REMOVE(&wb->wb_endpoints, ep, ep_entry);
		endpoint_free(ep);
	}
	timer_free(wb->wb_timer);
	event_free(wb->wb_kick);
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

/* --- metrics ---------------------------------------------------------------- */

static void
put_label(struct buf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			buf_printf(b, "\\%c", *v);
		else if (*v == '\n')
			buf_puts(b, "\\n");
		else
			buf_append(b, v, 1);
	}
}

int
webhook_metrics(struct daemon *d, struct buf *b)
{
	static const struct webhook_stats none;
	const struct webhook_stats *ws = d->d_webhook ?
	    webhook_stats(d->d_webhook) : &none;
	struct webhook_target *wt;
	int64_t pending, undispatched;
	size_t n, i, disabled = 0;

	if (store_outbox_counts(d->d_store, &pending, &undispatched) == -1 ||
	    store_webhook_targets(d->d_store, &wt, &n) == -1)
		return -1;
	buf_printf(b, "# HELP tsunagu_webhook_deliveries_total Webhook "
	    "attempts by result (gave_up and disabled count deliveries and "
	    "endpoints).\n# TYPE tsunagu_webhook_deliveries_total counter\n");
	buf_printf(b, "tsunagu_webhook_deliveries_total{result=\"delivered\"} "
	    "%" PRIu64 "\n", ws->ws_delivered);
	buf_printf(b, "tsunagu_webhook_deliveries_total{result=\"failed\"} "
	    "%" PRIu64 "\n", ws->ws_failed);
	buf_printf(b, "tsunagu_webhook_deliveries_total{result=\"throttled\"} "
	    "%" PRIu64 "\n", ws->ws_throttled);
	buf_printf(b, "tsunagu_webhook_deliveries_total{result=\"gave_up\"} "
	    "%" PRIu64 "\n", ws->ws_gave_up);
	buf_printf(b, "tsunagu_webhook_deliveries_total{result=\"disabled\"} "
	    "%" PRIu64 "\n", ws->ws_disabled);
	buf_printf(b, "# HELP tsunagu_webhook_queue_depth Pending webhook "
	    "deliveries.\n# TYPE tsunagu_webhook_queue_depth gauge\n"
	    "tsunagu_webhook_queue_depth %" PRId64 "\n", pending);
	buf_printf(b, "# HELP tsunagu_webhook_outbox_undispatched Events not "
	    "fanned out yet.\n# TYPE tsunagu_webhook_outbox_undispatched "
	    "gauge\ntsunagu_webhook_outbox_undispatched %" PRId64 "\n",
	    undispatched);
	buf_printf(b, "# HELP tsunagu_webhook_in_flight Webhook requests "
	    "running.\n# TYPE tsunagu_webhook_in_flight gauge\n"
	    "tsunagu_webhook_in_flight %d\n",
	    d->d_webhook ? webhook_in_flight(d->d_webhook) : 0);
	buf_printf(b, "# HELP tsunagu_webhook_endpoint_disabled 1 for a "
	    "subscriber whose webhook the delivery disabled.\n"
	    "# TYPE tsunagu_webhook_endpoint_disabled gauge\n");
	for (i = 0; i < n; i++) {
		if (!wt[i].wt_disabled || wt[i].wt_disabled_reason == NULL)
			continue;
		disabled++;
		buf_puts(b, "tsunagu_webhook_endpoint_disabled{subscriber=\"");
		put_label(b, wt[i].wt_name);
		buf_printf(b, "\",reason=\"%s\"} 1\n",
		    strstr(wt[i].wt_disabled_reason, "410") ? "gone" :
		    "failing");
	}
	buf_printf(b, "# HELP tsunagu_webhook_endpoints_disabled Subscribers "
	    "whose webhook the delivery disabled.\n"
	    "# TYPE tsunagu_webhook_endpoints_disabled gauge\n"
	    "tsunagu_webhook_endpoints_disabled %zu\n", disabled);
	store_webhook_targets_free(wt, n);
	return 0;
}
