/*
 * hub.c — the WebSub hub: requests and their verification, topics and
 * their representations, distribution with retries, leases.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/rand.h>

#include "../feeds/xmalloc.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "feed_cache.h"
#include "feed_query.h"
#include "feed_render.h"
#include "fetch.h"
#include "hub.h"
#include "hub_topic.h"
#include "log.h"
#include "netguard.h"
#include "ratelimit.h"
#include "sign.h"
#include "store.h"

#define HUB_VERIFY_MAX_BODY	4096
#define HUB_RESPONSE_MAX	(64 * 1024)
#define HUB_CLIENT_KEYS		4096

/* A topic with live subscribers and what they were last sent. */
struct topic {
	char			*tp_url;
	struct feed_request	 tp_fq;
	struct feed_rep		*tp_rep;	/* a reference of ours */
	int			 tp_seen;	/* still subscribed (check) */
	TAILQ_ENTRY(topic)	 tp_entry;
};

struct verification {
	struct hub		*vf_hub;
	int			 vf_subscribe;
	char			*vf_callback;
	char			*vf_topic;
	char			*vf_host;
	char			*vf_secret;
	char			*vf_algorithm;
	int64_t			 vf_lease;
	char			 vf_challenge[33];
};

/* A distribution in flight. */
struct send {
	struct hub		*sn_hub;
	char			*sn_callback;
	char			*sn_topic;
	char			*sn_etag;
	int			 sn_attempts;	/* failed before this one */
	TAILQ_ENTRY(send)	 sn_entry;
};

struct hub {
	struct daemon		*hb_daemon;
	struct fetcher		*hb_fetcher;
	struct event		*hb_check_ev;
	int			 hb_poked;
	struct timer		*hb_timer;
	struct ratelimit	*hb_limit;
	int			 hb_verifying;
	int			 hb_sending;
	TAILQ_HEAD(, topic)	 hb_topics;
	TAILQ_HEAD(, send)	 hb_sends;
	struct hub_stats	 hb_stats;
};

static void	pump(struct hub *);
static void	arm(struct hub *);

static int64_t
now_s(struct hub *hb)
{
	return clock_now(hb->hb_daemon->d_clock);
}

/* --- topics -------------------------------------------------------------- */

static struct feed_cache *
cache(struct daemon *d)
{
	/* As the feed route does: made at first use, bounded by config. */
	if (d->d_feed_cache == NULL)
		d->d_feed_cache = feed_cache_new(d->d_conf->cf_feed_cache_size);
	return d->d_feed_cache;
}

/* The topic's representation now (a new reference), from the cache when
 * it still holds there, else rendered and cached. */
static struct feed_rep *
current(struct hub *hb, struct topic *tp)
{
	struct daemon *d = hb->hb_daemon;
	struct feed_cache *fc = cache(d);
	struct feed_rep *fr;

	if ((fr = feed_cache_get(fc, tp->tp_fq.fq_key)) != NULL) {
		switch (feed_revalidate(d, fr, &tp->tp_fq)) {
		case 1:
			feed_rep_ref(fr);
			return fr;
		case 0:
			feed_cache_remove(fc, fr);
			break;
		default:
			return NULL;
		}
	}
	if ((fr = feed_render(d, &tp->tp_fq)) == NULL)
		return NULL;
	feed_cache_put(fc, fr);
	return fr;
}

static void
topic_free(struct topic *tp)
{
	free(tp->tp_url);
	feed_request_clear(&tp->tp_fq);
	feed_rep_unref(tp->tp_rep);
	free(tp);
}

static struct topic *
topic_find(struct hub *hb, const char *url)
{
	struct topic *tp;

	TAILQ_FOREACH(tp, &hb->hb_topics, tp_entry)
		if (strcmp(tp->tp_url, url) == 0)
			return tp;
	return NULL;
}

/*
 * A topic to follow: its representation now is what its subscribers
 * start from — unless the store remembers another one (distributed
 * before a restart): then what changed meanwhile is distributed.
 */
static struct topic *
topic_get(struct hub *hb, const char *url)
{
	struct daemon *d = hb->hb_daemon;
	struct topic *tp;
	char why[256], *etag = NULL;
	int rc;

	if ((tp = topic_find(hb, url)) != NULL)
		return tp;
	tp = xcalloc(1, sizeof(*tp));
	tp->tp_url = xstrdup(url);
	if (hub_topic_parse(d, url, &tp->tp_fq, why, sizeof(why)) == -1) {
		log_warnx("hub: topic %s: %s", url, why);
		free(tp->tp_url);
		free(tp);
		return NULL;
	}
	if ((tp->tp_rep = current(hb, tp)) == NULL ||
	    (rc = store_hub_topic_etag(d->d_store, url, &etag)) == -1) {
		topic_free(tp);
		return NULL;
	}
	if (rc == 1 || strcmp(etag, tp->tp_rep->fr_etag) != 0)
		store_hub_topic_changed(d->d_store, url, tp->tp_rep->fr_etag,
		    now_s(hb), rc == 1);
	free(etag);
	TAILQ_INSERT_TAIL(&hb->hb_topics, tp, tp_entry);
	return tp;
}

int
hub_check(struct hub *hb)
{
	struct daemon *d = hb->hb_daemon;
	struct topic *tp, *next;
	struct feed_rep *fr;
	char **urls;
	size_t n, i;
	int changed = 0;

	if (store_hub_topics(d->d_store, now_s(hb), &urls, &n) == -1)
		return -1;
	TAILQ_FOREACH(tp, &hb->hb_topics, tp_entry)
		tp->tp_seen = 0;
	for (i = 0; i < n; i++) {
		if ((tp = topic_find(hb, urls[i])) == NULL) {
			if ((tp = topic_get(hb, urls[i])) != NULL)
				tp->tp_seen = 1;
			continue;
		}
		tp->tp_seen = 1;
		switch (feed_revalidate(d, tp->tp_rep, &tp->tp_fq)) {
		case 1:
			continue;
		case -1:
			store_ids_free(urls, n);
			return -1;
		}
		if ((fr = current(hb, tp)) == NULL)
			continue;
		if (strcmp(fr->fr_etag, tp->tp_rep->fr_etag) == 0) {
			feed_rep_unref(tp->tp_rep);
			tp->tp_rep = fr;
			continue;
		}
		feed_rep_unref(tp->tp_rep);
		tp->tp_rep = fr;
		if (store_hub_topic_changed(d->d_store, tp->tp_url,
		    fr->fr_etag, now_s(hb), 0) == 0) {
			changed++;
			log_debug("hub: topic %s changed", tp->tp_url);
		}
	}
	store_ids_free(urls, n);
	for (tp = TAILQ_FIRST(&hb->hb_topics); tp != NULL; tp = next) {
		next = TAILQ_NEXT(tp, tp_entry);
		if (!tp->tp_seen) {
			TAILQ_REMOVE(&hb->hb_topics, tp, tp_entry);
			topic_free(tp);
		}
	}
	pump(hb);
	return changed;
}

static void
check_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hub *hb = arg;

	(void)fd;
	(void)what;
	hb->hb_poked = 0;
	if (hub_check(hb) == -1)
		log_warnx("hub: topics could not be checked");
}

void
hub_poke(struct hub *hb)
{
	if (hb == NULL || hb->hb_poked)
		return;
	hb->hb_poked = 1;
	event_active(hb->hb_check_ev, EV_TIMEOUT, 0);
}

/* --- distribution ---------------------------------------------------------- */

static void
send_free(struct send *sn)
{
	free(sn->sn_callback);
	free(sn->sn_topic);
	free(sn->sn_etag);
	free(sn);
}

static int
sending(struct hub *hb, const char *callback, const char *topic)
{
	struct send *sn;

	TAILQ_FOREACH(sn, &hb->hb_sends, sn_entry)
		if (strcmp(sn->sn_callback, callback) == 0 &&
		    strcmp(sn->sn_topic, topic) == 0)
			return 1;
	return 0;
}

static void
send_done(const struct fetch_result *fr, void *arg)
{
	struct send *sn = arg;
	struct hub *hb = sn->sn_hub;
	struct daemon *d = hb->hb_daemon;
	int64_t delay;
	char err[300];
	int attempts = sn->sn_attempts + 1, give_up;

	TAILQ_REMOVE(&hb->hb_sends, sn, sn_entry);
	hb->hb_sending--;
	if (fr->fr_error == FETCH_ERR_ABORTED) {
		send_free(sn);
		return;
	}
	if (fr->fr_error == FETCH_OK && fr->fr_status >= 200 &&
	    fr->fr_status <= 299) {
		hb->hb_stats.hbs_delivered++;
		store_hub_delivered(d->d_store, sn->sn_callback, sn->sn_topic,
		    sn->sn_etag);
	} else if (fr->fr_error == FETCH_OK && fr->fr_status == 410) {
		hb->hb_stats.hbs_gone++;
		log_info("hub: %s answered 410 Gone: subscription to %s ended",
		    sn->sn_callback, sn->sn_topic);
		store_hub_unsubscribe(d->d_store, sn->sn_callback,
		    sn->sn_topic);
	} else {
		hb->hb_stats.hbs_failed++;
		if (fr->fr_error != FETCH_OK)
			snprintf(err, sizeof(err), "%s: %s",
			    fetch_error_code(fr->fr_error), fr->fr_errmsg);
		else
			snprintf(err, sizeof(err), "HTTP %ld", fr->fr_status);
		give_up = attempts >= HUB_MAX_ATTEMPTS;
		delay = HUB_RETRY_FIRST << (attempts - 1 < 16 ?
		    attempts - 1 : 16);
		if (delay > HUB_RETRY_MAX)
			delay = HUB_RETRY_MAX;
		if (fr->fr_retry_after > delay)
			delay = fr->fr_retry_after;
		log_info("hub: distribution of %s to %s failed (%s)%s%lld s",
		    sn->sn_topic, sn->sn_callback, err, give_up ?
		    ": given up, " : "; again in ", give_up ? 0LL :
		    (long long)delay);
		store_hub_failed(d->d_store, sn->sn_callback, sn->sn_topic,
		    attempts, now_s(hb) + delay, err, give_up);
	}
	send_free(sn);
	pump(hb);
}

static int
send_start(struct hub *hb, const struct hub_subscription *hs,
    struct topic *tp)
{
	struct daemon *d = hb->hb_daemon;
	const struct config *cf = d->d_conf;
	struct fetch_request fq = { 0 };
	struct feed_rep *fr = tp->tp_rep;
	struct send *sn;
	char sig[SIGN_WEBSUB_SIZE], *h_type, *h_link, *h_sig = NULL;
	const char *headers[4];
	int n = 0;

	xasprintf(&h_type, "Content-Type: %s", fr->fr_content_type);
	xasprintf(&h_link, "Link: <%s/hub>; rel=\"hub\", <%s>; rel=\"self\"",
	    d->d_base_url, tp->tp_url);
	headers[n++] = h_type;
	headers[n++] = h_link;
	if (hs->hs_secret != NULL && sign_websub(hs->hs_algorithm,
	    hs->hs_secret, fr->fr_body, fr->fr_len, sig) == 0) {
		xasprintf(&h_sig, "X-Hub-Signature: %s", sig);
		headers[n++] = h_sig;
	}
	headers[n] = NULL;
	sn = xcalloc(1, sizeof(*sn));
	sn->sn_hub = hb;
	sn->sn_callback = xstrdup(hs->hs_callback);
	sn->sn_topic = xstrdup(hs->hs_topic);
	sn->sn_etag = xstrdup(fr->fr_etag);
	sn->sn_attempts = hs->hs_attempts;
	fq.fq_url = hs->hs_callback;
	fq.fq_user_agent = cf->cf_user_agent;
	fq.fq_max_body = HUB_RESPONSE_MAX;
	fq.fq_connect_timeout_ms = cf->cf_connect_timeout * 1000;
	fq.fq_timeout_ms = cf->cf_webhook_timeout * 1000;
	fq.fq_max_redirects = 0;	/* a POST is not sent elsewhere */
	fq.fq_guard = d->d_guard;
	fq.fq_method = "POST";
	fq.fq_body = fr->fr_body;
	fq.fq_body_len = fr->fr_len;
	fq.fq_headers = headers;
	TAILQ_INSERT_TAIL(&hb->hb_sends, sn, sn_entry);
	hb->hb_sending++;
	if (fetch_start(hb->hb_fetcher, &fq, send_done, sn) == -1) {
		TAILQ_REMOVE(&hb->hb_sends, sn, sn_entry);
		hb->hb_sending--;
		send_free(sn);
		n = -1;
	} else
		n = 0;
	free(h_type);
	free(h_link);
	free(h_sig);
	return n;
}

/* Starts the distributions that are due; arms the timer for the rest. */
static void
pump(struct hub *hb)
{
	struct daemon *d = hb->hb_daemon;
	struct hub_subscription *due;
	struct topic *tp;
	size_t n, i;
	int room = HUB_MAX_SENDING - hb->hb_sending;

	if (room > 0 && store_hub_due(d->d_store, now_s(hb),
	    (size_t)(room + hb->hb_sending), &due, &n) == 0) {
		for (i = 0; i < n && room > 0; i++) {
			if (sending(hb, due[i].hs_callback, due[i].hs_topic))
				continue;
			if ((tp = topic_get(hb, due[i].hs_topic)) == NULL) {
				store_hub_failed(d->d_store,
				    due[i].hs_callback, due[i].hs_topic, 0,
				    0, "not a topic of this hub any more", 1);
				continue;
			}
			if (send_start(hb, &due[i], tp) == 0)
				room--;
		}
		store_hub_subscriptions_free(due, n);
	}
	arm(hb);
}

/* The timer: the next retry or the next lease to end. */
static void
arm(struct hub *hb)
{
	int64_t retry, expiry, when = 0, now = now_s(hb);

	if (store_hub_next(hb->hb_daemon->d_store, &retry, &expiry) == -1)
		return;
	if (retry > now)
		when = retry;
	if (expiry > 0 && (when == 0 || expiry < when))
		when = expiry;
	if (when > 0)
		timer_at(hb->hb_timer, (when > now ? when : now) * 1000);
	else
		timer_cancel(hb->hb_timer);
}

static void
timer_fired(void *arg)
{
	struct hub *hb = arg;
	int64_t n = 0;

	if (store_hub_expire(hb->hb_daemon->d_store, now_s(hb), &n) == 0 &&
	    n > 0) {
		hb->hb_stats.hbs_expired += (uint64_t)n;
		log_info("hub: %lld subscriptions ended with their lease",
		    (long long)n);
	}
	if (hub_check(hb) == -1)
		arm(hb);
}

/* --- requests and verification ----------------------------------------------- */

static void
verification_free(struct verification *vf)
{
	free(vf->vf_callback);
	free(vf->vf_topic);
	free(vf->vf_host);
	if (vf->vf_secret != NULL) {
		memset(vf->vf_secret, 0, strlen(vf->vf_secret));
		free(vf->vf_secret);
	}
	free(vf->vf_algorithm);
	free(vf);
}

/* Live subscriptions would exceed a cap with one more (not a renewal). */
static int
over_cap(struct hub *hb, const char *callback, const char *topic,
    const char *host, char *why, size_t whylen)
{
	const struct config *cf = hb->hb_daemon->d_conf;
	struct store *st = hb->hb_daemon->d_store;
	int64_t total, per_host;
	int rc;

	if ((rc = store_hub_exists(st, callback, topic, now_s(hb))) != 0)
		return rc == 1 ? 0 : -1;
	if (store_hub_counts(st, host, now_s(hb), &total, &per_host) == -1)
		return -1;
	if (total >= cf->cf_hub_max_subscriptions) {
		snprintf(why, whylen, "the hub holds as many subscriptions as "
		    "it takes (%lld)", (long long)cf->cf_hub_max_subscriptions);
		return 1;
	}
	if (per_host >= cf->cf_hub_max_per_host) {
		snprintf(why, whylen, "callbacks on %s hold as many "
		    "subscriptions as one host may (%lld)", host,
		    (long long)cf->cf_hub_max_per_host);
		return 1;
	}
	return 0;
}

static void
verify_done(const struct fetch_result *fr, void *arg)
{
	struct verification *vf = arg;
	struct hub *hb = vf->vf_hub;
	struct daemon *d = hb->hb_daemon;
	struct hub_subscription hs = { 0 };
	const char *body = fr->fr_body.data;
	size_t len = fr->fr_body.len;
	char why[256] = "";
	int64_t now = now_s(hb);

	hb->hb_verifying--;
	if (fr->fr_error == FETCH_ERR_ABORTED)
		goto done;
	/* The challenge, echoed: a trailing newline is forgiven. */
	while (len > 0 && (body[len - 1] == '\n' || body[len - 1] == '\r'))
		len--;
	if (fr->fr_error != FETCH_OK)
		snprintf(why, sizeof(why), "%s", fr->fr_errmsg);
	else if (fr->fr_status < 200 || fr->fr_status > 299)
		snprintf(why, sizeof(why), "HTTP %ld", fr->fr_status);
	else if (len != strlen(vf->vf_challenge) ||
	    memcmp(body, vf->vf_challenge, len) != 0)
		snprintf(why, sizeof(why), "the challenge was not echoed");
	if (why[0] != '\0') {
		hb->hb_stats.hbs_unverified++;
		log_info("hub: %s of %s to %s not verified: %s",
		    vf->vf_subscribe ? "subscription" : "unsubscription",
		    vf->vf_callback, vf->vf_topic, why);
		goto done;
	}
	hb->hb_stats.hbs_verified++;
	if (!vf->vf_subscribe) {
		store_hub_unsubscribe(d->d_store, vf->vf_callback,
		    vf->vf_topic);
		log_info("hub: %s unsubscribed from %s", vf->vf_callback,
		    vf->vf_topic);
		goto done;
	}
	/* Verifications of one moment may race for the last places. */
	if (over_cap(hb, vf->vf_callback, vf->vf_topic, vf->vf_host, why,
	    sizeof(why)) != 0) {
		log_warnx("hub: subscription of %s to %s dropped: %s",
		    vf->vf_callback, vf->vf_topic, why[0] ? why : "store");
		goto done;
	}
	hs.hs_callback = vf->vf_callback;
	hs.hs_topic = vf->vf_topic;
	hs.hs_callback_host = vf->vf_host;
	hs.hs_secret = vf->vf_secret;
	hs.hs_algorithm = vf->vf_algorithm;
	hs.hs_lease_seconds = vf->vf_lease;
	hs.hs_created = now;
	hs.hs_expires = now + vf->vf_lease;
	if (store_hub_subscribe(d->d_store, &hs) == 0) {
		log_info("hub: %s subscribed to %s for %lld s", vf->vf_callback,
		    vf->vf_topic, (long long)vf->vf_lease);
		topic_get(hb, vf->vf_topic);
		arm(hb);
	}
 done:
	verification_free(vf);
}

static char *
param(const char *v)
{
	return evhttp_encode_uri(v);
}

/* GET callback?...hub.mode=...&hub.topic=...&hub.challenge=... */
static int
verify_start(struct hub *hb, struct verification *vf)
{
	struct daemon *d = hb->hb_daemon;
	const struct config *cf = d->d_conf;
	struct fetch_request fq = { 0 };
	unsigned char raw[16];
	char *topic, *url;
	size_t i;
	int rc;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -1;
	for (i = 0; i < sizeof(raw); i++)
		snprintf(vf->vf_challenge + 2 * i, 3, "%02x", raw[i]);
	topic = param(vf->vf_topic);
	if (vf->vf_subscribe)
		xasprintf(&url, "%s%shub.mode=subscribe&hub.topic=%s"
		    "&hub.challenge=%s&hub.lease_seconds=%lld", vf->vf_callback,
		    strchr(vf->vf_callback, '?') ? "&" : "?", topic,
		    vf->vf_challenge, (long long)vf->vf_lease);
	else
		xasprintf(&url, "%s%shub.mode=unsubscribe&hub.topic=%s"
		    "&hub.challenge=%s", vf->vf_callback,
		    strchr(vf->vf_callback, '?') ? "&" : "?", topic,
		    vf->vf_challenge);
	free(topic);
	fq.fq_url = url;
	fq.fq_user_agent = cf->cf_user_agent;
	fq.fq_max_body = HUB_VERIFY_MAX_BODY;
	fq.fq_connect_timeout_ms = cf->cf_connect_timeout * 1000;
	fq.fq_timeout_ms = cf->cf_webhook_timeout * 1000;
	fq.fq_max_redirects = (int)cf->cf_max_redirects;
	fq.fq_guard = d->d_guard;
	rc = fetch_start(hb->hb_fetcher, &fq, verify_done, vf);
	free(url);
	if (rc == 0)
		hb->hb_verifying++;
	return rc;
}

/* An http(s) URL with a host, no credentials, no fragment, and a host
 * the outbound rules let through when it is an address.  *host: its
 * host (lowercase), to free. */
static int
check_callback(struct hub *hb, const char *url, char **hostp, char *why,
    size_t whylen)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL, *frag = NULL;
	char addr[INET6_ADDRSTRLEN + 2], refused[200], *p;
	size_t len;
	int rc = -1;

	*hostp = NULL;
	if (strlen(url) > 2048 || curl_url_set(u, CURLUPART_URL, url,
	    CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
		snprintf(why, whylen, "hub.callback: not a URL");
		goto done;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	curl_url_get(u, CURLUPART_USER, &user, 0);
	curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0);
	if (scheme == NULL || (strcmp(scheme, "http") != 0 &&
	    strcmp(scheme, "https") != 0)) {
		snprintf(why, whylen, "hub.callback: only http and https");
		goto done;
	}
	if (host == NULL || *host == '\0' || user != NULL || frag != NULL) {
		snprintf(why, whylen, "hub.callback: a URL with a host, and "
		    "no user name or fragment");
		goto done;
	}
	len = strlen(host);
	if (len >= 2 && host[0] == '[' && len - 2 < sizeof(addr)) {
		memcpy(addr, host + 1, len - 2);
		addr[len - 2] = '\0';
	} else
		snprintf(addr, sizeof(addr), "%s", host);
	if (strcasecmp(addr, "localhost") == 0 || (strlen(addr) > 10 &&
	    strcasecmp(addr + strlen(addr) - 10, ".localhost") == 0))
		snprintf(addr, sizeof(addr), "127.0.0.1");
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1)
		sin->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1)
		sin6->sin6_family = AF_INET6;
	if (ss.ss_family != 0 && netguard_check(hb->hb_daemon->d_guard,
	    (struct sockaddr *)&ss, refused, sizeof(refused)) == -1) {
		snprintf(why, whylen, "hub.callback: %s", refused);
		goto done;
	}
	*hostp = xstrdup(host);
	for (p = *hostp; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	rc = 0;
 done:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(frag);
	curl_url_cleanup(u);
	return rc;
}

static int
lease_of(struct hub *hb, const char *v, int64_t *lease, char *why,
    size_t whylen)
{
	const struct config *cf = hb->hb_daemon->d_conf;
	char *end;
	long long n;

	*lease = cf->cf_hub_lease_default;
	if (v == NULL || *v == '\0')
		return 0;
	n = strtoll(v, &end, 10);
	if (*end != '\0' || n < 0) {
		snprintf(why, whylen, "hub.lease_seconds: not a number of "
		    "seconds");
		return -1;
	}
	/* Bounded both ways; the verification tells the subscriber. */
	*lease = n < cf->cf_hub_lease_min ? cf->cf_hub_lease_min :
	    n > cf->cf_hub_lease_max ? cf->cf_hub_lease_max : n;
	return 0;
}

int
hub_request(struct hub *hb, const struct hub_request *hq, char *why,
    size_t whylen)
{
	struct verification *vf;
	struct feed_request fq;
	char *host = NULL;
	int64_t wait, lease = 0;
	int subscribe, rc;

	/* Per client address, at the admin API's rate (a reload may
	 * change it). */
	ratelimit_set(hb->hb_limit, (double)hb->hb_daemon->d_conf->cf_api_rate,
	    (double)hb->hb_daemon->d_conf->cf_api_burst);
	if ((wait = ratelimit_take(hb->hb_limit, hq->hq_client ?
	    hq->hq_client : "-")) > 0) {
		snprintf(why, whylen, "too many requests; retry in %lld s",
		    (long long)wait);
		return 429;
	}
	if (hq->hq_mode == NULL || (strcmp(hq->hq_mode, "subscribe") != 0 &&
	    strcmp(hq->hq_mode, "unsubscribe") != 0)) {
		snprintf(why, whylen, "hub.mode: subscribe or unsubscribe");
		return 400;
	}
	subscribe = strcmp(hq->hq_mode, "subscribe") == 0;
	if (hq->hq_topic == NULL || *hq->hq_topic == '\0') {
		snprintf(why, whylen, "hub.topic: required");
		return 400;
	}
	if (hq->hq_callback == NULL || *hq->hq_callback == '\0') {
		snprintf(why, whylen, "hub.callback: required");
		return 400;
	}
	if (hq->hq_secret != NULL && strlen(hq->hq_secret) > HUB_SECRET_MAX) {
		snprintf(why, whylen, "hub.secret: at most %d bytes",
		    HUB_SECRET_MAX);
		return 400;
	}
	if (hq->hq_algorithm != NULL &&
	    !sign_websub_algorithm_ok(hq->hq_algorithm)) {
		snprintf(why, whylen, "hub.signature_algorithm: sha1, sha256, "
		    "sha384 or sha512");
		return 400;
	}
	if (subscribe && lease_of(hb, hq->hq_lease, &lease, why,
	    whylen) == -1)
		return 400;
	if (hub_topic_parse(hb->hb_daemon, hq->hq_topic, &fq, why,
	    whylen) == -1)
		return 400;
	feed_request_clear(&fq);
	if (check_callback(hb, hq->hq_callback, &host, why, whylen) == -1)
		return 400;
	if (subscribe && (rc = over_cap(hb, hq->hq_callback, hq->hq_topic,
	    host, why, whylen)) != 0) {
		free(host);
		if (rc == -1) {
			snprintf(why, whylen, "the store failed; see the log");
			return 500;
		}
		return 429;
	}
	if (hb->hb_verifying >= HUB_MAX_VERIFYING) {
		free(host);
		snprintf(why, whylen, "too many verifications under way; "
		    "retry later");
		return 503;
	}
	vf = xcalloc(1, sizeof(*vf));
	vf->vf_hub = hb;
	vf->vf_subscribe = subscribe;
	vf->vf_callback = xstrdup(hq->hq_callback);
	vf->vf_topic = xstrdup(hq->hq_topic);
	vf->vf_host = host;
	vf->vf_secret = hq->hq_secret && *hq->hq_secret ?
	    xstrdup(hq->hq_secret) : NULL;
	vf->vf_algorithm = xstrdup(hq->hq_algorithm ? hq->hq_algorithm :
	    "sha256");
	vf->vf_lease = lease;
	if (verify_start(hb, vf) == -1) {
		verification_free(vf);
		snprintf(why, whylen, "the verification could not start");
		return 500;
	}
	return 202;
}

/* --- the hub ------------------------------------------------------------------- */

struct hub *
hub_new(struct daemon *d)
{
	struct hub *hb = xcalloc(1, sizeof(*hb));

	hb->hb_daemon = d;
	TAILQ_INIT(&hb->hb_topics);
	TAILQ_INIT(&hb->hb_sends);
	if ((hb->hb_fetcher = fetcher_new(d->d_base, HUB_MAX_VERIFYING +
	    HUB_MAX_SENDING)) == NULL ||
	    (hb->hb_check_ev = event_new(d->d_base, -1, 0, check_cb,
	    hb)) == NULL) {
		log_warnx("%s: cannot set up the hub", __func__);
		fetcher_free(hb->hb_fetcher);
		free(hb);
		return NULL;
	}
	fetcher_set_max_connections(hb->hb_fetcher, HUB_MAX_SENDING);
	hb->hb_timer = timer_new(d->d_clock, timer_fired, hb);
	hb->hb_limit = ratelimit_new(d->d_clock, HUB_CLIENT_KEYS);
	/* What changed while the daemon was down goes out now. */
	hub_poke(hb);
	return hb;
}

void
hub_free(struct hub *hb)
{
	struct topic *tp;

	if (hb == NULL)
		return;
	fetcher_free(hb->hb_fetcher);
	while ((tp = TAILQ_FIRST(&hb->hb_topics)) != NULL) {
		TAILQ_REMOVE(&hb->hb_topics, tp, tp_entry);
		topic_free(tp);
	}
	timer_free(hb->hb_timer);
	event_free(hb->hb_check_ev);
	ratelimit_free(hb->hb_limit);
	free(hb);
}

int
hub_in_flight(const struct hub *hb)
{
	return hb->hb_verifying + hb->hb_sending;
}

const struct hub_stats *
hub_stats(const struct hub *hb)
{
	return &hb->hb_stats;
}

int
hub_metrics(struct daemon *d, struct buf *b)
{
	static const struct hub_stats none;
	const struct hub_stats *s = d->d_hub ? hub_stats(d->d_hub) : &none;
	int64_t total = 0, per_host;

	if (d->d_hub == NULL)
		return 0;
	if (store_hub_counts(d->d_store, "", clock_now(d->d_clock), &total,
	    &per_host) == -1)
		return -1;
	buf_printf(b, "# HELP tsunagu_hub_subscriptions Live WebSub "
	    "subscriptions.\n# TYPE tsunagu_hub_subscriptions gauge\n"
	    "tsunagu_hub_subscriptions %" PRId64 "\n", total);
	buf_printf(b, "# HELP tsunagu_hub_verifications_total Intent "
	    "verifications by result.\n"
	    "# TYPE tsunagu_hub_verifications_total counter\n"
	    "tsunagu_hub_verifications_total{result=\"verified\"} %" PRIu64
	    "\ntsunagu_hub_verifications_total{result=\"refused\"} %" PRIu64
	    "\n", s->hbs_verified, s->hbs_unverified);
	buf_printf(b, "# HELP tsunagu_hub_distributions_total Content "
	    "distributions by result.\n"
	    "# TYPE tsunagu_hub_distributions_total counter\n"
	    "tsunagu_hub_distributions_total{result=\"delivered\"} %" PRIu64
	    "\ntsunagu_hub_distributions_total{result=\"failed\"} %" PRIu64
	    "\ntsunagu_hub_distributions_total{result=\"gone\"} %" PRIu64
	    "\n", s->hbs_delivered, s->hbs_failed, s->hbs_gone);
	buf_printf(b, "# HELP tsunagu_hub_expired_total Subscriptions ended "
	    "by their lease.\n# TYPE tsunagu_hub_expired_total counter\n"
	    "tsunagu_hub_expired_total %" PRIu64 "\n", s->hbs_expired);
	return 0;
}
