/* outbox.c — events of the outbox fanned out into deliveries. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>

#include "../feeds/date.h"
#include "../feeds/posting_json.h"
#include "../feeds/writer.h"
#include "../feeds/xmalloc.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "feed_filter.h"
#include "hub.h"
#include "log.h"
#include "outbox.h"
#include "posting_match.h"
#include "store.h"
#include "webhook.h"

/* Batches per run before the loop gets a turn (then it runs again). */
#define OUTBOX_MAX_BATCHES	16
#define OUTBOX_PURGE_MS		(3600 * 1000LL)
#define RECOVER_PAGE		512

/* A subscriber that can receive, with its filter parsed. */
struct receiver {
	const char		*rc_name;	/* borrowed from the targets */
	struct posting_filter	 rc_filter;
};

struct outbox {
	struct daemon		*ob_daemon;
	struct event		*ob_ev;		/* a run on the next turn */
	struct timer		*ob_poll;
	int			 ob_poked;
	int64_t			 ob_last_purge;
	struct outbox_stats	 ob_stats;
	/*
	 * The subscribers as the last run read them, filters parsed: read
	 * again only after the store said one changed (a fan-out to a
	 * thousand does not read and parse a thousand rows each time).
	 */
	struct webhook_target	*ob_targets;
	size_t			 ob_ntargets;
	struct receiver		*ob_receivers;
	size_t			 ob_nreceivers;
	int			 ob_have_targets;
};

static void	targets_forget(struct outbox *);

static void
outbox_hook(void *arg, int what)
{
	struct outbox *ob = arg;

	if (what & STORE_HOOK_SUBSCRIBERS)
		ob->ob_have_targets = 0;	/* freed by the next run */
	if (what & STORE_HOOK_OUTBOX)
		outbox_poke(ob);
	if ((what & STORE_HOOK_POSTINGS) && ob->ob_daemon->d_hub != NULL)
		hub_poke(ob->ob_daemon->d_hub);
}

static void
run_cb(evutil_socket_t fd, short what, void *arg)
{
	struct outbox *ob = arg;

	(void)fd;
	(void)what;
	ob->ob_poked = 0;
	if (outbox_run(ob) == -1)
		log_warnx("outbox: dispatch failed; trying again in %d s",
		    OUTBOX_POLL_MS / 1000);
}

static void
purge(struct outbox *ob, int64_t now)
{
	struct daemon *d = ob->ob_daemon;
	int64_t n = 0;

	ob->ob_last_purge = now;
	if (store_outbox_purge(d->d_store, now -
	    d->d_conf->cf_webhook_retention * 1000, &n) == -1)
		return;
	ob->ob_stats.obs_purged += (uint64_t)n;
	if (n > 0)
		log_info("outbox: %lld events past retention deleted",
		    (long long)n);
}

static void
poll_cb(void *arg)
{
	struct outbox *ob = arg;
	int64_t now = clock_now_ms(ob->ob_daemon->d_clock);

	if (now - ob->ob_last_purge >= OUTBOX_PURGE_MS)
		purge(ob, now);
	outbox_poke(ob);
	timer_at(ob->ob_poll, now + OUTBOX_POLL_MS);
}

struct outbox *
outbox_new(struct daemon *d)
{
	struct outbox *ob = xcalloc(1, sizeof(*ob));

	ob->ob_daemon = d;
	if ((ob->ob_ev = event_new(d->d_base, -1, 0, run_cb, ob)) == NULL) {
		log_warnx("%s: cannot make an event", __func__);
		free(ob);
		return NULL;
	}
	ob->ob_poll = timer_new(d->d_clock, poll_cb, ob);
	ob->ob_last_purge = clock_now_ms(d->d_clock) - OUTBOX_PURGE_MS;
	timer_at(ob->ob_poll, clock_now_ms(d->d_clock));
	store_set_change_hook(d->d_store, outbox_hook, ob);
	return ob;
}

void
outbox_free(struct outbox *ob)
{
	if (ob == NULL)
		return;
	store_set_change_hook(ob->ob_daemon->d_store, NULL, NULL);
	targets_forget(ob);
	timer_free(ob->ob_poll);
	event_free(ob->ob_ev);
	free(ob);
}

void
outbox_poke(struct outbox *ob)
{
	/* A timeout, not event_active(): libevent runs what a callback
	 * activates in the same pass, so a backlog would never let the loop
	 * look at its sockets. */
	struct timeval now = { 0, 0 };

	if (ob == NULL || ob->ob_poked)
		return;
	ob->ob_poked = 1;
	event_add(ob->ob_ev, &now);
}

const struct outbox_stats *
outbox_stats(const struct outbox *ob)
{
	return &ob->ob_stats;
}

/* --- payloads ------------------------------------------------------------ */

static struct posting *
decode(const char *doc, int64_t seq)
{
	struct posting *p;
	json_error_t jerr;
	char err[160];
	json_t *j;

	if (doc == NULL)
		return NULL;
	if ((j = json_loads(doc, 0, &jerr)) == NULL) {
		log_warnx("outbox: event %lld: not JSON: %s", (long long)seq,
		    jerr.text);
		return NULL;
	}
	p = posting_from_storage_json(j, err, sizeof(err));
	json_decref(j);
	if (p == NULL)
		log_warnx("outbox: event %lld: %s", (long long)seq, err);
	return p;
}

char *
outbox_payload(struct daemon *d, const char *type, int64_t timestamp_ms,
    const struct posting *p)
{
	struct feed_meta fm = { .fm_instance = d->d_conf->cf_instance };
	struct posting *copy = NULL;
	char when[32], *text;
	json_t *body, *data;

	date_format_rfc3339(timestamp_ms / 1000, DATE_JST_OFFSET, when);
	if (p != NULL) {
		copy = posting_clone(p);
		/* Local postings name this instance, as in the feeds. */
		posting_fill_origin(copy, d->d_conf->cf_instance);
		data = jsonfeed_item(&fm, copy);
	} else
		data = json_pack("{s:s,s:s}", "instance",
		    d->d_conf->cf_instance, "message",
		    "ping: this endpoint receives the webhooks of tsunagu");
	body = json_object();
	json_object_set_new(body, "type", json_string(type));
	json_object_set_new(body, "timestamp", json_string(when));
	json_object_set_new(body, "data", data);
	text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(body);
	posting_free(copy);
	return text;
}

/* --- fan-out ----------------------------------------------------------------- */

static void
receivers_free(struct receiver *rc, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		feed_filter_clear(&rc[i].rc_filter);
	free(rc);
}

/* The subscribers that receive webhooks now, with parsed filters. */
static struct receiver *
receivers(struct webhook_target *wt, size_t nt, size_t *n)
{
	struct receiver *rc = xcalloc(nt ? nt : 1, sizeof(*rc));
	char err[256];
	size_t i;

	*n = 0;
	for (i = 0; i < nt; i++) {
		if (wt[i].wt_webhook == NULL || wt[i].wt_disabled)
			continue;
		rc[*n].rc_name = wt[i].wt_name;
		if (wt[i].wt_filter != NULL && *wt[i].wt_filter != '\0' &&
		    (feed_filter_parse_stored(&rc[*n].rc_filter,
		    wt[i].wt_filter, err, sizeof(err)) == -1 ||
		    feed_filter_finish(&rc[*n].rc_filter, err,
		    sizeof(err)) == -1)) {
			/* Filters are checked on the way in: not reached. */
			log_warnx("subscriber %s: filter: %s; no deliveries",
			    wt[i].wt_name, err);
			feed_filter_clear(&rc[*n].rc_filter);
			continue;
		}
		(*n)++;
	}
	return rc;
}

static int
event_matches(const struct posting_filter *f, const struct posting *now,
    const struct posting *before)
{
	return (now != NULL && posting_match(f, now)) ||
	    (before != NULL && posting_match(f, before));
}

/*
 * Fans a batch of events ev[0..n) out (and frees them); the number of
 * events, or -1.  The deliveries made go to the deliverer at once
 * (webhook_offer()); *left counts those it could not look at.
 */
static int
dispatch_batch(struct outbox *ob, struct outbox_event *ev, size_t n,
    struct receiver *rc, size_t nrc, const struct webhook_target *wt,
    size_t nt, size_t *made, size_t *left)
{
	struct daemon *d = ob->ob_daemon;
	struct outbox_fanout *fo;
	struct posting *now, *before;
	const char **names;
	int64_t *ids;
	char *wids;
	size_t i, j, total = 0;
	int rc_ = -1;

	fo = xcalloc(n, sizeof(*fo));
	names = xcalloc(n * (nrc ? nrc : 1), sizeof(*names));
	ids = xcalloc(n * (nrc ? nrc : 1), sizeof(*ids));
	wids = xcalloc(n * (nrc ? nrc : 1), WEBHOOK_ID_SIZE);
	for (i = 0; i < n; i++) {
		now = decode(ev[i].oe_doc, ev[i].oe_seq);
		before = decode(ev[i].oe_old_doc, ev[i].oe_seq);
		fo[i].of_seq = ev[i].oe_seq;
		fo[i].of_subscribers = names + i * nrc;
		fo[i].of_ids = ids + i * nrc;
		fo[i].of_webhook_ids = wids + i * nrc * WEBHOOK_ID_SIZE;
		/* An event that does not decode is dispatched to no one
		 * (logged above) rather than blocking those after it. */
		fo[i].of_payload = now == NULL ? NULL : outbox_payload(d,
		    ev[i].oe_type, ev[i].oe_created_ms, now);
		for (j = 0; fo[i].of_payload != NULL && j < nrc; j++)
			if (event_matches(&rc[j].rc_filter, now, before))
				names[i * nrc +
				    fo[i].of_nsubscribers++] = rc[j].rc_name;
		total += fo[i].of_nsubscribers;
		posting_free(now);
		posting_free(before);
	}
	if (store_outbox_dispatch(d->d_store, fo, n, clock_now_ms(d->d_clock))
	    == 0) {
		rc_ = (int)n;
		*made += total;
		log_debug("outbox: %zu events, %zu deliveries", n, total);
		/* Sent now, not read back by a scan. */
		if (d->d_webhook != NULL)
			*left += webhook_offer(d->d_webhook, wt, nt, fo, n);
	}
	for (i = 0; i < n; i++)
		free((char *)fo[i].of_payload);
	free(fo);
	free(names);
	free(ids);
	free(wids);
	store_outbox_events_free(ev, n);
	return rc_;
}

static void
targets_forget(struct outbox *ob)
{
	receivers_free(ob->ob_receivers, ob->ob_nreceivers);
	store_webhook_targets_free(ob->ob_targets, ob->ob_ntargets);
	ob->ob_receivers = NULL;
	ob->ob_targets = NULL;
	ob->ob_nreceivers = ob->ob_ntargets = 0;
	ob->ob_have_targets = 0;
}

/* The subscribers as they are now: the cache, or read again. */
static int
targets(struct outbox *ob)
{
	if (ob->ob_have_targets)
		return 0;
	targets_forget(ob);
	if (store_webhook_targets(ob->ob_daemon->d_store, &ob->ob_targets,
	    &ob->ob_ntargets) == -1)
		return -1;
	ob->ob_receivers = receivers(ob->ob_targets, ob->ob_ntargets,
	    &ob->ob_nreceivers);
	ob->ob_have_targets = 1;
	return 0;
}

/* Dispatch everything now; the subscribers are looked at only when there
 * is an event (the poll finds none most of the time). */
int
outbox_run(struct outbox *ob)
{
	struct daemon *d = ob->ob_daemon;
	struct outbox_event *ev;
	size_t nev, made = 0, left = 0;
	int batches, n = 0, total = 0;

	for (batches = 0; batches < OUTBOX_MAX_BATCHES; batches++) {
		if (store_outbox_pending(d->d_store, OUTBOX_BATCH, &ev,
		    &nev) == -1) {
			n = -1;
			break;
		}
		if (nev == 0) {
			free(ev);
			n = 0;
			break;
		}
		if (targets(ob) == -1) {
			store_outbox_events_free(ev, nev);
			n = -1;
			break;
		}
		if ((n = dispatch_batch(ob, ev, nev, ob->ob_receivers,
		    ob->ob_nreceivers, ob->ob_targets, ob->ob_ntargets, &made,
		    &left)) <= 0)
			break;
		total += n;
	}
	if (n == -1)
		return -1;
	ob->ob_stats.obs_events += (uint64_t)total;
	ob->ob_stats.obs_deliveries += made;
	if (batches == OUTBOX_MAX_BATCHES)
		outbox_poke(ob);	/* more after the loop's turn */
	if (left > 0 && d->d_webhook != NULL)
		webhook_kick(d->d_webhook);
	return total;
}

/* --- recovery ---------------------------------------------------------------- */

int
outbox_recover(struct daemon *d, const char *subscriber, int64_t since_ms,
    int64_t *queued)
{
	struct webhook_target wt;
	struct posting_filter f;
	struct outbox_event *ev;
	struct posting *now, *before;
	int64_t *seqs, after = 0, q;
	char err[256];
	size_t n, i, nseq;
	int rc;

	*queued = 0;
	if ((rc = store_webhook_target(d->d_store, subscriber, &wt)) != 0)
		return rc;
	memset(&f, 0, sizeof(f));
	if (wt.wt_filter != NULL && *wt.wt_filter != '\0' &&
	    (feed_filter_parse_stored(&f, wt.wt_filter, err, sizeof(err)) == -1 ||
	    feed_filter_finish(&f, err, sizeof(err)) == -1)) {
		log_warnx("subscriber %s: filter: %s", subscriber, err);
		rc = -1;
		goto done;
	}
	for (;;) {
		if (store_outbox_since(d->d_store, since_ms, after,
		    RECOVER_PAGE, &ev, &n) == -1) {
			rc = -1;
			break;
		}
		if (n == 0) {
			free(ev);
			break;
		}
		seqs = xcalloc(n, sizeof(*seqs));
		for (i = nseq = 0; i < n; i++) {
			now = decode(ev[i].oe_doc, ev[i].oe_seq);
			before = decode(ev[i].oe_old_doc, ev[i].oe_seq);
			if (now != NULL && event_matches(&f, now, before))
				seqs[nseq++] = ev[i].oe_seq;
			posting_free(now);
			posting_free(before);
			after = ev[i].oe_seq;
		}
		store_outbox_events_free(ev, n);
		rc = store_deliveries_recover(d->d_store, subscriber, seqs,
		    nseq, clock_now_ms(d->d_clock), &q);
		free(seqs);
		if (rc == -1)
			break;
		*queued += q;
	}
	if (rc == 0 && d->d_webhook != NULL)
		webhook_kick(d->d_webhook);
 done:
	feed_filter_clear(&f);
	webhook_target_free(&wt);
	return rc;
}
