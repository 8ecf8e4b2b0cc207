/* poller.c — the per-source poll loop: timer → fetch → parse → store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "../feeds/charset.h"
#include "../feeds/feed.h"
#include "../feeds/normalize.h"
#include "../feeds/xmalloc.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "fetch.h"
#include "log.h"
#include "poller.h"
#include "schedule.h"
#include "store.h"
#include "websub.h"

/* Pages a federation source follows by default (RFC 5005 next links). */
#define POLL_FEDERATION_PAGES	100

/*
 * A poll of a paged feed reads its first page, then follows next links to
 * the last page, applying each as it comes.  Reading on while pages bring
 * something new would not do: a feed is ordered by date_modified, and a
 * posting a neighbour has just taken in from further away keeps its
 * origin's, older date — so it can be new on any page.  A poll that finds
 * the first page unchanged (304) reads none.  What the first page said
 * (validators, hub, self) is recorded with the last page.
 */
struct poll_pages {
	int				 pg_page;	/* 1: the first */
	char				*pg_url;	/* of the page in flight */
	long				 pg_status;	/* of the first page */
	char				*pg_etag;
	char				*pg_last_modified;
	char				*pg_hub;
	char				*pg_self;
	struct apply_stats		 pg_stats;	/* over every page */
	size_t				 pg_entries;
};

struct poll_source {
	struct poller			*ps_poller;
	char				*ps_name;
	char				*ps_url;
	char				*ps_format;
	int64_t				 ps_interval;
	int				 ps_federation;	/* kind = federation */
	int				 ps_paused;
	int				 ps_failures;	/* consecutive */
	int				 ps_in_flight;
	int				 ps_removed;	/* freed when its fetch ends */
	struct poll_pages		 ps_pages;
	struct timer			*ps_timer;
	TAILQ_ENTRY(poll_source)	 ps_entry;
};

struct poller {
	struct daemon			*pl_daemon;
	TAILQ_HEAD(, poll_source)	 pl_sources;
};

static void	poll_due(void *);
static void	poll_done(const struct fetch_result *, void *);

struct poller *
poller_new(struct daemon *d)
{
	struct poller *pl = xcalloc(1, sizeof(*pl));

	pl->pl_daemon = d;
	TAILQ_INIT(&pl->pl_sources);
	return pl;
}

static void
poll_pages_reset(struct poll_pages *pg)
{
	free(pg->pg_url);
	free(pg->pg_etag);
	free(pg->pg_last_modified);
	free(pg->pg_hub);
	free(pg->pg_self);
	memset(pg, 0, sizeof(*pg));
}

static void
poll_source_free(struct poll_source *ps)
{
	poll_pages_reset(&ps->ps_pages);
	timer_free(ps->ps_timer);
	free(ps->ps_name);
	free(ps->ps_url);
	free(ps->ps_format);
	free(ps);
}

static void
poll_source_detach(struct poller *pl, struct poll_source *ps)
{
	TAILQ_REMOVE(&pl->pl_sources, ps, ps_entry);
	if (ps->ps_in_flight) {
		/* The fetch callback still points here: free it there. */
		timer_cancel(ps->ps_timer);
		ps->ps_removed = 1;
		return;
	}
	poll_source_free(ps);
}

void
poller_free(struct poller *pl)
{
	struct poll_source *ps;

	if (pl == NULL)
		return;
	while ((ps = TAILQ_FIRST(&pl->pl_sources)) != NULL)
		poll_source_detach(pl, ps);
	free(pl);
}

static struct poll_source *
poller_find(struct poller *pl, const char *name)
{
	struct poll_source *ps;

	TAILQ_FOREACH(ps, &pl->pl_sources, ps_entry)
		if (strcmp(ps->ps_name, name) == 0)
			return ps;
	return NULL;
}

int
poller_sync(struct poller *pl)
{
	struct daemon *d = pl->pl_daemon;
	struct source_health *list;
	struct poll_source *ps, *next;
	size_t n, i;
	int64_t now = clock_now(d->d_clock);

	if (store_source_list(d->d_store, &list, &n) == -1)
		return -1;
	for (ps = TAILQ_FIRST(&pl->pl_sources); ps != NULL; ps = next) {
		next = TAILQ_NEXT(ps, ps_entry);
		for (i = 0; i < n; i++)
			if (strcmp(list[i].sh_name, ps->ps_name) == 0)
				break;
		if (i == n)
			poll_source_detach(pl, ps);
	}
	for (i = 0; i < n; i++) {
		struct source_health *sh = &list[i];
		int64_t when = sh->sh_next_poll;

		if ((ps = poller_find(pl, sh->sh_name)) == NULL) {
			ps = xcalloc(1, sizeof(*ps));
			ps->ps_poller = pl;
			ps->ps_name = xstrdup(sh->sh_name);
			ps->ps_timer = timer_new(d->d_clock, poll_due, ps);
			TAILQ_INSERT_TAIL(&pl->pl_sources, ps, ps_entry);
		} else if (ps->ps_interval != sh->sh_interval &&
		    sh->sh_failures == 0 && sh->sh_last_attempt)
			/* A new interval counts from the last poll. */
			when = sh->sh_last_attempt + sh->sh_interval;
		free(ps->ps_url);
		free(ps->ps_format);
		ps->ps_url = xstrdup(sh->sh_url);
		ps->ps_format = xstrdup(sh->sh_format);
		ps->ps_interval = sh->sh_interval;
		ps->ps_federation = sh->sh_kind != NULL &&
		    strcmp(sh->sh_kind, "federation") == 0;
		ps->ps_paused = sh->sh_paused;
		ps->ps_failures = sh->sh_failures;
		if (ps->ps_paused) {
			timer_cancel(ps->ps_timer);
			continue;
		}
		if (ps->ps_in_flight)
			continue;
		/* The store keeps the schedule across restarts; a new source
		 * or a new URL (next_poll reset to 0) is polled at once. */
		timer_at(ps->ps_timer, (when > now ? when : now) * 1000);
	}
	store_source_list_free(list, n);
	return 0;
}

int
poller_fetch_now(struct poller *pl, const char *name)
{
	struct poll_source *ps = poller_find(pl, name);

	if (ps == NULL)
		return 1;
	if (!ps->ps_in_flight)
		timer_at(ps->ps_timer, clock_now_ms(pl->pl_daemon->d_clock));
	return 0;
}

/* Turns a response into entries, or an error reason and code. */
static int
poll_parse(struct poll_source *ps, const struct fetch_result *fr,
    struct feed **feedp, char *err, size_t errlen, char *code,
    size_t codelen)
{
	struct feed_parse_opts opts = { 0 };
	enum feed_format fmt = FEED_FORMAT_AUTO;
	const struct source_conf *src;
	const struct feed *f;
	char perr[256] = "", cset[64];

	if (fr->fr_error != FETCH_OK) {
		snprintf(err, errlen, "%s", fr->fr_errmsg);
		snprintf(code, codelen, "%s", fetch_error_code(fr->fr_error));
		return -1;
	}
	if (fr->fr_status == 304)
		return 0;
	if (fr->fr_status < 200 || fr->fr_status > 299) {
		snprintf(err, errlen, "HTTP status %ld", fr->fr_status);
		snprintf(code, codelen, "http_%ld", fr->fr_status);
		return -1;
	}
	feed_format_parse(ps->ps_format, &fmt);
	opts.base_url = fr->fr_effective_url ? fr->fr_effective_url :
	    ps->ps_url;
	opts.http_charset = charset_from_content_type(fr->fr_content_type,
	    cset, sizeof(cset));
	/* Sources made through the API have no configuration section. */
	src = config_source(ps->ps_poller->pl_daemon->d_conf, ps->ps_name);
	opts.encoding = src ? src->src_encoding : NULL;
	if (feed_parse(fr->fr_body.data ? fr->fr_body.data : "",
	    fr->fr_body.len, fmt, &opts, feedp, perr, sizeof(perr)) == -1) {
		snprintf(err, errlen, "parse error: %s", perr);
		snprintf(code, codelen, "parse");
		return -1;
	}
	/* What was read imperfectly, once per fetch, on one line. */
	f = *feedp;
	if (f->fd_replaced > 0 || f->fd_nissues > 0)
		log_warnx("source %s: read as %s; %zu invalid sequences "
		    "replaced; %zu entries skipped%s%s", ps->ps_name,
		    f->fd_charset ? f->fd_charset : "?", f->fd_replaced,
		    f->fd_nissues, f->fd_nissues ? ", first: " : "",
		    f->fd_nissues ? f->fd_issues[0].fi_reason : "");
	else
		log_debug("source %s: read as %s", ps->ps_name,
		    f->fd_charset ? f->fd_charset : "?");
	return 0;
}

/* Every entry in its published form (normalize.h), before it is stored. */
static void
poll_normalize(struct poll_source *ps, const struct fetch_result *fr,
    struct feed *feed)
{
	struct daemon *d = ps->ps_poller->pl_daemon;
	const struct source_conf *src = config_source(d->d_conf, ps->ps_name);
	struct normalize_ctx ctx = {
		.nc_base_url = fr->fr_effective_url ? fr->fr_effective_url :
		    ps->ps_url,
		.nc_areas = d->d_areas,
		.nc_source_area = src ? src->src_area : NULL,
		.nc_region = d->d_conf->cf_region,
		.nc_categories = src ? src->src_categories : NULL,
	};
	size_t i;

	for (i = 0; i < feed->fd_entries.pl_len; i++)
		normalize_posting(feed->fd_entries.pl_items[i], &ctx);
}

static int64_t
poll_max_pages(const struct poll_source *ps)
{
	const struct source_conf *src = config_source(
	    ps->ps_poller->pl_daemon->d_conf, ps->ps_name);

	if (src != NULL && src->src_max_pages > 0)
		return src->src_max_pages;
	return ps->ps_federation ? POLL_FEDERATION_PAGES : 1;
}

static void
stats_add(struct apply_stats *sum, const struct apply_stats *as)
{
	sum->as_added += as->as_added;
	sum->as_updated += as->as_updated;
	sum->as_unchanged += as->as_unchanged;
}

/* Starts a fetch of one page; validators only for the first. */
static int
poll_start(struct poll_source *ps, const char *url, const char *etag,
    const char *last_modified)
{
	struct daemon *d = ps->ps_poller->pl_daemon;
	const struct config *cf = d->d_conf;
	struct fetch_request fq = { 0 };

	fq.fq_url = url;
	fq.fq_etag = etag;
	fq.fq_last_modified = last_modified;
	fq.fq_user_agent = cf->cf_user_agent;
	fq.fq_max_body = cf->cf_max_body;
	fq.fq_connect_timeout_ms = cf->cf_connect_timeout * 1000;
	fq.fq_timeout_ms = cf->cf_fetch_timeout * 1000;
	fq.fq_max_redirects = (int)cf->cf_max_redirects;
	fq.fq_guard = d->d_guard;
	log_debug("source %s: fetching %s", ps->ps_name, url);
	if (fetch_start(d->d_fetcher, &fq, poll_done, ps) == -1)
		return -1;
	free(ps->ps_pages.pg_url);
	ps->ps_pages.pg_url = xstrdup(url);
	ps->ps_in_flight = 1;
	return 0;
}

/* What the first page said, recorded with the last. */
static void
poll_first_page(struct poll_source *ps, const struct fetch_result *fr,
    const struct feed *feed)
{
	struct poll_pages *pg = &ps->ps_pages;

	pg->pg_status = fr->fr_status;
	pg->pg_etag = fr->fr_etag ? xstrdup(fr->fr_etag) : NULL;
	pg->pg_last_modified = fr->fr_last_modified ?
	    xstrdup(fr->fr_last_modified) : NULL;
	/* The hub: the Link header's, else the document's (websub.h). */
	if (feed != NULL)
		websub_discover(fr, feed, ps->ps_url, &pg->pg_hub,
		    &pg->pg_self);
}

/*
 * Applies this page and starts the next, when there is one to read:
 * returns 1 then.  0: this page is the last; its entries are still to be
 * recorded, unless fo_entries was cleared (applied already).
 */
static int
poll_follow(struct poll_source *ps, const struct feed *feed,
    struct fetch_outcome *fo, char *err, size_t errlen)
{
	struct daemon *d = ps->ps_poller->pl_daemon;
	struct poll_pages *pg = &ps->ps_pages;
	struct apply_stats stats = { 0 };
	const char *next = feed->fd_next;

	if (next == NULL || fo->fo_snapshot ||
	    pg->pg_page >= poll_max_pages(ps) ||
	    strcmp(next, pg->pg_url) == 0)
		return 0;
	fo->fo_continued = 1;
	if (store_record_fetch(d->d_store, fo, &stats) == -1) {
		fo->fo_continued = 0;
		fo->fo_entries = NULL;
		snprintf(err, errlen, "page %d could not be stored",
		    pg->pg_page);
		fo->fo_error = err;
		fo->fo_error_code = "store";
		return 0;
	}
	fo->fo_continued = 0;
	fo->fo_entries = NULL;
	stats_add(&pg->pg_stats, &stats);
	pg->pg_entries += feed->fd_entries.pl_len;
	if (poll_start(ps, next, NULL, NULL) == -1) {
		snprintf(err, errlen, "page %d (%s) could not be fetched",
		    pg->pg_page + 1, next);
		fo->fo_error = err;
		fo->fo_error_code = "fetch";
		return 0;
	}
	pg->pg_page++;
	return 1;
}

/* Records the poll (its last page, or its failure) and schedules the next. */
static void
poll_finish(struct poll_source *ps, struct fetch_outcome *fo,
    const struct fetch_result *fr, size_t nentries)
{
	struct daemon *d = ps->ps_poller->pl_daemon;
	struct poll_pages *pg = &ps->ps_pages;
	struct apply_stats stats = { 0 };
	int64_t now = fo->fo_attempt;

	if (fo->fo_error != NULL) {
		ps->ps_failures++;
		/* Pages read before a failing one leave the first page's
		 * validators unsaid: the next poll reads them all again. */
		fo->fo_forget_validators = pg->pg_status != 0;
		fo->fo_http_status = fr->fr_status;
	} else {
		ps->ps_failures = 0;
		fo->fo_http_status = pg->pg_status;
		fo->fo_etag = pg->pg_etag;
		fo->fo_last_modified = pg->pg_last_modified;
	}
	fo->fo_failures = ps->ps_failures;
	/* A source whose hub pushes is polled less (websub.h). */
	fo->fo_next_poll = schedule_next_poll(now, websub_poll_interval(
	    d->d_websub, ps->ps_name, ps->ps_interval), ps->ps_failures,
	    fr->fr_retry_after);
	if (store_record_fetch(d->d_store, fo, &stats) == -1)
		log_warnx("source %s: the fetch could not be recorded",
		    ps->ps_name);
	else if (fo->fo_error)
		log_warnx("source %s: %s (failure %d, next try in %llds)",
		    ps->ps_name, fo->fo_error, ps->ps_failures,
		    (long long)(fo->fo_next_poll - now));
	else if (pg->pg_self != NULL) {
		stats_add(&pg->pg_stats, &stats);
		pg->pg_entries += nentries;
		log_info("source %s: %ld, %zu entries%s: %d new, %d updated, "
		    "%d unchanged", ps->ps_name, pg->pg_status,
		    pg->pg_entries, pg->pg_page > 1 ? " over pages" : "",
		    pg->pg_stats.as_added, pg->pg_stats.as_updated,
		    pg->pg_stats.as_unchanged);
		if (pg->pg_page > 1)
			log_debug("source %s: %d pages read", ps->ps_name,
			    pg->pg_page);
		websub_seen(d->d_websub, ps->ps_name, pg->pg_hub, pg->pg_self,
		    pg->pg_stats.as_added + pg->pg_stats.as_updated);
	} else
		log_debug("source %s: not modified", ps->ps_name);
	poll_pages_reset(pg);
	if (!ps->ps_paused)
		timer_at(ps->ps_timer, fo->fo_next_poll * 1000);
}

static void
poll_done(const struct fetch_result *fr, void *arg)
{
	struct poll_source *ps = arg;
	struct daemon *d = ps->ps_poller->pl_daemon;
	struct poll_pages *pg = &ps->ps_pages;
	struct fetch_outcome fo = { 0 };
	struct feed *feed = NULL;
	char err[512] = "", perr[480] = "", code[32] = "";
	size_t nentries = 0;

	ps->ps_in_flight = 0;
	if (fr->fr_error == FETCH_ERR_ABORTED || ps->ps_removed) {
		if (ps->ps_removed)
			poll_source_free(ps);
		else
			poll_pages_reset(pg);
		return;
	}
	fo.fo_source = ps->ps_name;
	fo.fo_attempt = clock_now(d->d_clock);
	if (poll_parse(ps, fr, &feed, perr, sizeof(perr), code,
	    sizeof(code)) == -1) {
		if (pg->pg_page > 1)
			snprintf(err, sizeof(err), "page %d (%s): %s",
			    pg->pg_page, pg->pg_url, perr);
		else
			snprintf(err, sizeof(err), "%s", perr);
		fo.fo_error = err;
		fo.fo_error_code = code;
		poll_finish(ps, &fo, fr, 0);
		return;
	}
	if (pg->pg_page == 1)
		poll_first_page(ps, fr, feed);
	if (feed != NULL) {
		poll_normalize(ps, fr, feed);
		fo.fo_entries = &feed->fd_entries;
		/* A CSV or calendar lists everything the source has. */
		fo.fo_snapshot = feed->fd_format == FEED_FORMAT_CSV ||
		    feed->fd_format == FEED_FORMAT_ICAL;
		if (poll_follow(ps, feed, &fo, err, sizeof(err)) == 1) {
			feed_free(feed);
			return;
		}
		if (fo.fo_entries != NULL)
			nentries = feed->fd_entries.pl_len;
	}
	poll_finish(ps, &fo, fr, nentries);
	feed_free(feed);
}

int
poller_ingest(struct poller *pl, const char *name, const char *body,
    size_t len, const char *content_type, char *err, size_t errlen)
{
	struct daemon *d;
	struct poll_source *ps;
	struct fetch_result fr;
	struct fetch_outcome fo = { 0 };
	struct apply_stats stats = { 0 };
	struct source_health sh;
	struct feed *feed = NULL;
	char code[32];
	int rc = -1;

	if (pl == NULL || (ps = poller_find(pl, name)) == NULL) {
		snprintf(err, errlen, "no such source");
		return 1;
	}
	d = pl->pl_daemon;
	/* What a fetch of the source would have brought. */
	memset(&fr, 0, sizeof(fr));
	fr.fr_status = 200;
	fr.fr_body.data = (char *)body;
	fr.fr_body.len = len;
	fr.fr_content_type = (char *)content_type;
	fr.fr_effective_url = ps->ps_url;
	if (poll_parse(ps, &fr, &feed, err, errlen, code,
	    sizeof(code)) == -1 || feed == NULL)
		return -1;
	poll_normalize(ps, &fr, feed);
	if (store_source_get(d->d_store, name, &sh) != 0) {
		snprintf(err, errlen, "the store failed");
		goto done;
	}
	/* Health and schedule stay as the last poll left them. */
	fo.fo_source = name;
	fo.fo_attempt = clock_now(d->d_clock);
	fo.fo_http_status = 200;
	fo.fo_failures = 0;
	fo.fo_next_poll = sh.sh_next_poll;
	fo.fo_entries = &feed->fd_entries;
	source_health_free(&sh);
	if (store_record_fetch(d->d_store, &fo, &stats) == -1) {
		snprintf(err, errlen, "the store failed");
		goto done;
	}
	log_info("source %s: pushed, %zu entries: %d new, %d updated, %d "
	    "unchanged", name, feed->fd_entries.pl_len, stats.as_added,
	    stats.as_updated, stats.as_unchanged);
	rc = 0;
 done:
	feed_free(feed);
	return rc;
}

static void
poll_due(void *arg)
{
	struct poll_source *ps = arg;
	struct daemon *d = ps->ps_poller->pl_daemon;
	struct source_health sh;

	if (ps->ps_in_flight || ps->ps_paused)
		return;
	if (store_source_get(d->d_store, ps->ps_name, &sh) != 0)
		return;
	poll_pages_reset(&ps->ps_pages);
	ps->ps_pages.pg_page = 1;
	if (poll_start(ps, ps->ps_url, sh.sh_etag, sh.sh_last_modified) == -1)
		timer_at(ps->ps_timer, clock_now_ms(d->d_clock) + 1000 *
		    ps->ps_interval);
	source_health_free(&sh);
}
